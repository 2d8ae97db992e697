/**
 * Card benchmark: the virtual My Number card through the real stack (driver → pcsclite host → pcscd →
 * vpcd → emulator). Prints figures, asserts nothing.
 *
 *   npx tsc -b && node devices/dist/card/bench/card.bench.js [--rounds N] [--test-ca DIR]
 *
 * For each setup it measures: insert → card-inserted event (pcscd's presence poll), the certificate read
 * (one exclusive session), insert → certificate read in total, PIN → signature (VERIFY + COMPUTE DIGITAL
 * SIGNATURE in one session), the APDUs each takes and the latency of one APDU.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ApduEvent } from '../apdu/channel';
import { JpkiCard } from '../jpki/jpki-card';
import { PcscCardReader } from '../pcsc/pcsc-card-reader';
import { createResidentCard } from '../virtual/residents';
import { VirtualCardStack } from '../virtual/virtual-card-stack';

interface Setup {
  name: string;
  quickAck: boolean;
  extendedLength: boolean;
  rounds: number;
}

interface Round {
  detectMs: number;
  readMs: number;
  readApdus: number;
  signMs: number;
  signApdus: number;
}

const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(valueOf(args, '--rounds') ?? 20);
  let testCa = valueOf(args, '--test-ca');
  const scratch = await mkdtemp(path.join(tmpdir(), 'kiosk-card-bench-'));
  try {
    if (!testCa) {
      testCa = path.join(scratch, 'test-ca');
      await promisify(execFile)('bash', [path.resolve(__dirname, '../../../../scripts/test-ca/make-test-ca.sh'), testCa]);
    }
    const setups: Setup[] = [
      { name: 'extended Le, quick ACK (default)', quickAck: true, extendedLength: true, rounds },
      { name: 'short APDUs only, quick ACK', quickAck: true, extendedLength: false, rounds },
      { name: "extended Le, Debian vpcd's Nagle delay", quickAck: false, extendedLength: true, rounds: Math.min(rounds, 5) },
    ];
    out('virtual My Number card through pcscd + vpcd (figures in ms: median / p95 / max)');
    for (const setup of setups) await run(setup, testCa);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function run(setup: Setup, testCa: string): Promise<void> {
  const stack = await VirtualCardStack.start({ testCaDir: testCa, quickAck: setup.quickAck });
  const resident = stack.residents[0];
  if (!resident) throw new Error('the test CA has no residents');
  const apdus: ApduEvent[] = [];
  const driver = new PcscCardReader({ readerPattern: stack.readerName(0), pcscSocketPath: stack.socketPath, onApdu: (event) => apdus.push(event) });
  const results: Round[] = [];
  try {
    await driver.start();
    await until(() => driver.selectedReader() !== null);
    const card = createResidentCard(resident, { extendedLength: setup.extendedLength });
    for (let round = 0; round < setup.rounds; round += 1) {
      const inserted = new Promise<void>((resolve) => driver.once('card-inserted', () => resolve()));
      const start = performance.now();
      await stack.slots[0]!.insert(card);
      await inserted;
      const detected = performance.now();
      apdus.length = 0;
      await driver.withExclusiveCard((session) => new JpkiCard(session).readAuthCertificate());
      const read = performance.now();
      const readApdus = apdus.length;
      apdus.length = 0;
      const pinTyped = performance.now();
      await driver.withExclusiveCard(async (session) => {
        const jpki = new JpkiCard(session);
        await jpki.verifyPin(Buffer.from(resident.pin, 'ascii'));
        return jpki.signChallenge(randomBytes(32));
      });
      const signed = performance.now();
      results.push({ detectMs: detected - start, readMs: read - detected, readApdus, signMs: signed - pinTyped, signApdus: apdus.length });
      const removed = new Promise<void>((resolve) => driver.once('card-removed', () => resolve()));
      await stack.remove(0);
      await removed;
    }
  } finally {
    await driver.stop();
    await stack.stop();
  }
  report(setup, results, apdus);
}

function report(setup: Setup, results: Round[], lastApdus: ApduEvent[]): void {
  const col = (values: number[]): string => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return `${at(0.5).toFixed(1)} / ${at(0.95).toFixed(1)} / ${sorted[sorted.length - 1]!.toFixed(1)}`;
  };
  const readApdus = results[0]?.readApdus ?? 0;
  const signApdus = results[0]?.signApdus ?? 0;
  out();
  out(`${setup.name} — ${results.length} rounds`);
  out(`  insert → card-inserted event   ${col(results.map((r) => r.detectMs))}`);
  out(`  certificate read               ${col(results.map((r) => r.readMs))}   (${readApdus} APDUs, ${col(results.map((r) => r.readMs / r.readApdus))} per APDU)`);
  out(`  insert → certificate read      ${col(results.map((r) => r.detectMs + r.readMs))}`);
  out(`  PIN → signature                ${col(results.map((r) => r.signMs))}   (${signApdus} APDUs, ${col(results.map((r) => r.signMs / r.signApdus))} per APDU)`);
  if (lastApdus.length > 0) {
    out(`  raw APDU round trip (last signature): ${lastApdus.map((a) => `${a.ins.toString(16).toUpperCase()}:${a.durationMs.toFixed(1)}`).join('  ')}`);
  }
}

function valueOf(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the virtual reader');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
