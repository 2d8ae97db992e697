import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CoinCredit, PinPadKey } from '../../src/peripherals';
import { CUPS_PDF_ANONYMOUS_DIR, createPeripherals, startVirtualPeripherals, type PeripheralSet, type VirtualPeripherals } from '../../src/peripherals';
import { makeTempDir, waitFor } from './support/wait';

jest.setTimeout(30_000);

describe('the demo set: every real driver against every virtual device', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let virtual: VirtualPeripherals;
  let drivers: PeripheralSet;

  beforeAll(async () => {
    temp = await makeTempDir('demo');
    virtual = await startVirtualPeripherals({ dir: temp.dir });
    drivers = createPeripherals(virtual.config);
    await drivers.start();
  });

  const started = Date.now();

  afterAll(async () => {
    await drivers.stop();
    await virtual.stop();
    await temp.remove();
    // The test page CUPS-PDF wrote (system spool of printer-driver-cups-pdf): remove ours.
    for (const name of await readdir(CUPS_PDF_ANONYMOUS_DIR).catch(() => [] as string[])) {
      const file = path.join(CUPS_PDF_ANONYMOUS_DIR, name);
      if (name.startsWith('test-page-document-printer') && (await stat(file)).mtimeMs >= started - 1000) await rm(file, { force: true });
    }
  });

  it('brings every device up healthy and runs one operation on each', async () => {
    await waitFor('all ok', () => drivers.all().every((device) => device.health().status === 'ok'), 10_000);
    expect(drivers.all().map((device) => device.kind).sort()).toEqual(
      ['barcode-scanner', 'coin-acceptor', 'coin-hopper', 'document-printer', 'pin-pad', 'receipt-printer'].sort(),
    );

    const codes: string[] = [];
    drivers.scanner?.onBarcode((code) => codes.push(code));
    virtual.hid.scanner.scan('12345678');
    expect(codes).toEqual(['12345678']);

    const keys: PinPadKey[] = [];
    drivers.pinPad?.onKey((key) => keys.push(key));
    virtual.hid.pinPad.press([4, 2, 'enter']);
    expect(keys.map((key) => key.type)).toEqual(['digit', 'digit', 'enter']);

    const credits: CoinCredit[] = [];
    drivers.coinAcceptor?.onCredit((credit) => credits.push(credit));
    await drivers.coinAcceptor?.enable();
    await waitFor('accepting', () => virtual.coins.snapshot().accepting);
    virtual.coins.insertCoin(500);
    await waitFor('credit', () => credits.length === 1);
    expect(credits[0]?.coinYen).toBe(500);
    await expect(drivers.coinDispenser?.payout(150, 'change')).resolves.toMatchObject({ paidYen: 150 });

    await drivers.receiptPrinter?.print({ lines: [{ text: '領収書 ¥200' }] });
    expect(virtual.printer.receipts().map((receipt) => receipt.text)).toEqual(['領収書 ¥200']);

    await drivers.documentPrinter?.testPrint();
  });
});
