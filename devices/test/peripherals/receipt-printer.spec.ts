import { readlink, rm, symlink } from 'node:fs/promises';
import type { DeviceHealth } from '@kiosk/protocols';
import { EscPosReceiptPrinter, FrameParseError, PaperOutError, PrinterNotReadyError, type Receipt } from '../../src/peripherals';
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

describe('ESC/POS receipt printer over a socat pty pair', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let device: VirtualReceiptPrinter;
  let printer: EscPosReceiptPrinter;
  const healthSeen: DeviceHealth[] = [];
  const malformed: FrameParseError[] = [];

  beforeAll(async () => {
    temp = await makeTempDir('escpos');
    device = await VirtualReceiptPrinter.start({ dir: temp.dir });
    printer = new EscPosReceiptPrinter({ id: 'receipt-1', identity: { path: device.path }, pollMs: 100, watchMs: 100, printTimeoutMs: 4000 });
    printer.onHealthChange((health) => healthSeen.push(health));
    printer.onMalformed((error) => malformed.push(error));
    await printer.start();
    await waitFor('printer ok', () => printer.health().status === 'ok');
  });

  afterAll(async () => {
    await printer.stop();
    await device.stop();
    await temp.remove();
  });

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
