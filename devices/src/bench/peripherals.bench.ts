// `node devices/dist/bench/peripherals.bench.js`: throughput of the peripheral frame parsers and the
// round-trip time of one ccTalk command over a real socat pty pair. Prints figures; asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CcTalkBus,
  CcTalkFrameDecoder,
  CcTalkHeader,
  EscPosParser,
  KeyboardReportDecoder,
  decodeIppMessage,
  encodeCcTalkFrame,
  encodeIppMessage,
  encodeReceipt,
  encodeTextReports,
  splitReports,
} from '../peripherals';
import { VirtualCoinMachine } from '../virtual';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

function rate(label: string, unit: string, count: number, run: () => void): void {
  const start = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  out(`${label.padEnd(42)} ${(count / seconds).toFixed(0).padStart(12)} ${unit}/s`);
}

async function main(): Promise<void> {
  const frame = encodeCcTalkFrame({ destination: 1, source: 2, header: 0, data: Buffer.from([7, 3, 1, 2, 1, 1, 1, 0, 0, 0, 0]) });
  rate('ccTalk stream decoder', 'frames', 200_000, () => {
    const decoder = new CcTalkFrameDecoder();
    for (let i = 0; i < 200_000; i += 1) decoder.push(frame);
  });

  const receipt = encodeReceipt({ lines: Array.from({ length: 20 }, (_, i) => ({ text: `豊中市 証明書 明細 ${i} ¥200` })) });
  rate('ESC/POS device-side parser', 'receipts', 20_000, () => {
    const parser = new EscPosParser();
    for (let i = 0; i < 20_000; i += 1) parser.push(receipt);
  });

  const ipp = encodeIppMessage({
    version: 0x0200,
    code: 0,
    requestId: 1,
    groups: [{ tag: 4, attributes: [{ name: 'printer-state-reasons', tag: 0x44, values: ['media-low-warning', 'door-open-error'] }] }],
    data: Buffer.alloc(0),
  });
  rate('IPP response decoder', 'messages', 200_000, () => {
    for (let i = 0; i < 200_000; i += 1) decodeIppMessage(ipp);
  });

  const reports = Buffer.concat(encodeTextReports('1234567890123'));
  rate('HID keyboard report decoder', 'scans', 100_000, () => {
    const decoder = new KeyboardReportDecoder();
    for (let i = 0; i < 100_000; i += 1) for (const report of splitReports(reports)) decoder.decode(report);
  });

  const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-bench-'));
  const machine = await VirtualCoinMachine.start({ dir });
  const bus = new CcTalkBus({ id: 'bench-bus', identity: { path: machine.path } });
  try {
    await bus.attach();
    const rounds = 500;
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i += 1) await bus.request(2, CcTalkHeader.readBufferedCredit);
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
    out(`${'ccTalk read-credit round trip (socat pty)'.padEnd(42)} ${ms.toFixed(3).padStart(12)} ms`);
  } finally {
    await bus.detach();
    await machine.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
