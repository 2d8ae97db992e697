import { readlink, rm, symlink } from 'node:fs/promises';
import type { DeviceHealth } from '@kiosk/protocols';
import {
  EscPosReceiptPrinter,
  FrameParseError,
  PaperOutError,
  PrinterNotReadyError,
  type EscPosPrinterOptions,
  type Receipt,
} from '../../src/peripherals';
import { VirtualReceiptPrinter } from '../../src/virtual';
import { makeTempDir, waitFor } from './support/wait';

const receipt: Receipt = {
  lines: [
    { text: '豊中市 証明書自動交付機', align: 'center', double: true },
    { text: '領収書', align: 'center' },
    { feed: 1 },
    { text: '住民票の写し　１通' },
    { text: '手数料　　　　¥200', bold: true },
    { text: '取引番号 0192F3A0-7B1E' },
  ],
};
const expectedText = '豊中市 証明書自動交付機\n領収書\n\n住民票の写し　１通\n手数料　　　　¥200\n取引番号 0192F3A0-7B1E';

interface StartedPrinter {
  device: VirtualReceiptPrinter;
  printer: EscPosReceiptPrinter;
  /** Stops the driver and the virtual printer and removes its directory. */
  stop: () => Promise<void>;
}

/** The real driver on a fresh virtual printer, started and healthy; its health events go to `healthSeen`. */
async function startPrinter(prefix: string, options: Omit<EscPosPrinterOptions, 'identity'>, healthSeen: DeviceHealth[]): Promise<StartedPrinter> {
  const temp = await makeTempDir(prefix);
  const device = await VirtualReceiptPrinter.start({ dir: temp.dir });
  const printer = new EscPosReceiptPrinter({ ...options, identity: { path: device.path } });
  printer.onHealthChange((health) => healthSeen.push(health));
  await printer.start();
  await waitFor('printer ok', () => printer.health().status === 'ok');
  const stop = async (): Promise<void> => {
    await printer.stop();
    await device.stop();
    await temp.remove();
  };
  return { device, printer, stop };
}

describe('ESC/POS receipt printer over a socat pty pair', () => {
  let device: VirtualReceiptPrinter;
  let printer: EscPosReceiptPrinter;
  let stop: () => Promise<void>;
  const healthSeen: DeviceHealth[] = [];
  const malformed: FrameParseError[] = [];

  beforeAll(async () => {
    ({ device, printer, stop } = await startPrinter('escpos', { id: 'receipt-1', pollMs: 100, watchMs: 100, printTimeoutMs: 4000 }, healthSeen));
    printer.onMalformed((error) => malformed.push(error));
  });

  afterAll(() => stop());

  beforeEach(() => {
    device.loadPaper();
    device.setCoverOpen(false);
    device.setJam(false);
    device.clearReceipts();
  });

  it('prints a Japanese receipt that reads back the same from the simulator', async () => {
    await printer.print(receipt);
    expect(device.receipts()).toEqual([expect.objectContaining({ text: expectedText, cut: true })]);
  });

  it('fails with PaperOutError when the paper ends mid-job, reports paper-end, and never prints the rest', async () => {
    device.loadPaper(3);
    const failure = await printer.print(receipt).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PaperOutError);
    expect(failure).toMatchObject({ code: 'paper-out', printed: false });
    expect(printer.health()).toMatchObject({ status: 'error', reasons: ['paper-end'] });
    expect(healthSeen.some((health) => health.reasons.includes('paper-end'))).toBe(true);
    expect(device.receipts().filter((printed) => printed.cut)).toEqual([]);
    // The driver cleared the printer's buffers: nothing of the aborted job is left to print.
    await waitFor('buffers cleared', () => device.snapshot().queuedCommands === 0);

    // New roll: the aborted job's remainder must not come out; the next receipt prints whole.
    device.loadPaper();
    await waitFor('printer ok again', () => printer.health().status === 'ok');
    await printer.print(receipt);
    expect(device.receipts().filter((printed) => printed.cut).map((printed) => printed.text)).toEqual([expectedText]);
  });

  it('refuses to start a job with paper out, the cover open or a cutter jam', async () => {
    device.setPaperOut();
    await expect(printer.print(receipt)).rejects.toBeInstanceOf(PaperOutError);
    device.loadPaper();
    device.setCoverOpen(true);
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'printer-not-ready', reasons: ['cover-open'] });
    await waitFor('cover-open health', () => printer.health().reasons.includes('cover-open'));
    device.setCoverOpen(false);
    device.setJam(true);
    const jam = await printer.print(receipt).catch((error: unknown) => error);
    expect(jam).toBeInstanceOf(PrinterNotReadyError);
    expect(jam).toMatchObject({ reasons: ['jam'] });
    expect(device.receipts()).toEqual([]);
  });

  it('reports paper near-end as a warning and still prints', async () => {
    device.setPaperNearEnd();
    await waitFor('near-end warning', () => printer.health().status === 'warning');
    expect(printer.health().reasons).toEqual(['paper-near-end']);
    await printer.print({ lines: [{ text: 'ニアエンド' }] });
    expect(device.receipts().map((printed) => printed.text)).toEqual(['ニアエンド']);
  });

  it('rejects garbage from the line and keeps working', async () => {
    const before = malformed.length;
    device.injectGarbage(Buffer.from([0xff, 0x00, 0x81, 0x37, 0x22, 0x39]));
    await waitFor('malformed reported', () => malformed.length > before);
    expect(malformed.slice(before).every((error) => error instanceof FrameParseError)).toBe(true);
    await printer.print({ lines: [{ text: 'after noise' }] });
    expect(device.receipts().map((printed) => printed.text)).toEqual(['after noise']);
  });

  it('goes missing when unplugged and reconnects on replug without a restart', async () => {
    await device.unplug();
    await waitFor('disconnected', () => printer.health().reasons.includes('disconnected'));
    expect(printer.health().status).toBe('missing');
    await expect(printer.print(receipt)).rejects.toMatchObject({ code: 'disconnected' });

    await device.replug();
    await waitFor('reconnected', () => printer.health().status === 'ok');
    await printer.print({ lines: [{ text: '再接続後' }] });
    expect(device.receipts().map((printed) => printed.text)).toEqual(['再接続後']);
  });

  it('treats a removed identity link as unplugged and a recreated one as replugged', async () => {
    const target = await readlink(device.path);
    await rm(device.path);
    await waitFor('disconnected', () => printer.health().status === 'missing', 2000);
    await symlink(target, device.path);
    await waitFor('reconnected', () => printer.health().status === 'ok', 2000);
    await printer.print({ lines: [{ text: 'link back' }] });
    expect(device.receipts().map((printed) => printed.text)).toEqual(['link back']);
  });
});

describe('ESC/POS receipt printer whose status replies go missing', () => {
  let device: VirtualReceiptPrinter;
  let printer: EscPosReceiptPrinter;
  let stop: () => Promise<void>;
  const healthSeen: DeviceHealth[] = [];
  const timeoutSeen = (): boolean => healthSeen.some((health) => health.reasons.includes('timeout'));

  beforeAll(async () => {
    // No background poll (one an hour): each status read below is one the test asks for, so which request
    // goes unanswered is known without racing the driver's timer.
    const options = { id: 'receipt-late', pollMs: 3_600_000, statusTimeoutMs: 300, printTimeoutMs: 4000 };
    ({ device, printer, stop } = await startPrinter('escpos-late', options, healthSeen));
  });

  afterAll(() => stop());

  beforeEach(() => {
    healthSeen.length = 0;
    device.clearReceipts();
  });

  it('stays healthy when one status reply goes missing', async () => {
    device.skipStatusReplies(1);
    await printer.reset();
    expect(device.snapshot().unansweredStatusRequests).toBe(0);
    expect(printer.health()).toMatchObject({ status: 'ok', reasons: [] });
    await printer.reset();
    expect(printer.health()).toMatchObject({ status: 'ok', reasons: [] });
    expect(timeoutSeen()).toBe(false);
  });

  it('reports timeout on the second missing reply in a row, and clears it on the next reply', async () => {
    device.skipStatusReplies(2);
    await printer.reset();
    expect(printer.health().status).toBe('ok');
    await printer.reset();
    expect(printer.health()).toMatchObject({ status: 'error', reasons: ['timeout'] });
    await printer.reset();
    expect(printer.health()).toMatchObject({ status: 'ok', reasons: [] });
    expect(healthSeen.map((health) => health.reasons)).toEqual([['timeout'], []]);
  });

  it('fails the job with a timeout, printing nothing, when the second read goes unanswered too', async () => {
    device.skipStatusReplies(2);
    await expect(printer.print({ lines: [{ text: '印字されない' }] })).rejects.toMatchObject({ code: 'timeout' });
    expect(device.receipts()).toEqual([]);
    expect(printer.health().reasons).toEqual(['timeout']);
    await printer.reset();
    expect(printer.health().status).toBe('ok');
  });

  it('drops a status answer that comes after its timeout, so the next read is not shifted by one', async () => {
    const malformed: FrameParseError[] = [];
    const unsubscribe = printer.onMalformed((error) => malformed.push(error));
    // DLE EOT 1 answered 50 ms after its 300 ms timeout, i.e. well inside the quiet period (300 ms) the driver
    // waits out before asking again; read with the next question, it would shift DLE EOT 1-4 by one.
    device.delayStatusReplies(1, 350);
    await printer.reset();
    device.setPaperOut();
    await printer.reset();
    expect(printer.status()).toMatchObject(device.fullStatus());
    expect(printer.health()).toMatchObject({ status: 'error', reasons: ['paper-end'] });
    expect(malformed).toEqual([]);
    unsubscribe();

    device.loadPaper();
    await printer.reset();
    expect(printer.status()).toMatchObject(device.fullStatus());
    expect(printer.health()).toMatchObject({ status: 'ok', reasons: [] });
  });

  // Last: a printed job ends with a status poll the test does not wait for, which could take a skipped reply.
  it('asks again when the status read before a job goes unanswered once, and prints', async () => {
    device.skipStatusReplies(1);
    await printer.print({ lines: [{ text: '再確認後' }] });
    expect(device.receipts().map((printed) => printed.text)).toEqual(['再確認後']);
    expect(timeoutSeen()).toBe(false);
  });
});
