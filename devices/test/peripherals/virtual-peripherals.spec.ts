import { readdir } from 'node:fs/promises';
import type { CoinCredit, PinPadKey } from '../../src/peripherals';
import { createPeripherals, type PeripheralSet } from '../../src/peripherals';
import { CUPS_PDF_ANONYMOUS_DIR, startVirtualPeripherals, type VirtualPeripherals } from '../../src/virtual';
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

  afterAll(async () => {
    await drivers.stop();
    await virtual.stop();
    // The test page went to the private CUPS's own tray, under the temp dir.
    await temp.remove();
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
    // The page lies in the private CUPS's own tray, not in the system's shared CUPS-PDF spool.
    const tray = await virtual.cups?.tray.contents();
    expect(tray).toHaveLength(1);
    const shared = await readdir(CUPS_PDF_ANONYMOUS_DIR).catch(() => [] as string[]);
    expect(shared.filter((name) => tray?.some((document) => name === document.file.split('/').pop()))).toEqual([]);
  });
});
