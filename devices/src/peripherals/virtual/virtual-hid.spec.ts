import type { PinPadKey } from '../contracts';
import type { FrameParseError } from '../errors';
import { HidBarcodeScanner } from '../hid/barcode-scanner';
import { HidPinPad } from '../hid/pin-pad';
import { VIRTUAL_PINPAD_ID, VIRTUAL_SCANNER_ID, VirtualHidSource } from './virtual-hid';

describe('HID drivers on the virtual HID source', () => {
  it('the scanner reports codes, rejects malformed reports, and follows unplug/replug', async () => {
    const source = new VirtualHidSource();
    const scanner = new HidBarcodeScanner({ id: 'scanner', identity: VIRTUAL_SCANNER_ID, source, watchMs: 10_000 });
    const codes: string[] = [];
    const malformed: FrameParseError[] = [];
    scanner.onBarcode((code) => codes.push(code));
    scanner.onMalformed((error) => malformed.push(error));
    await scanner.start();
    expect(scanner.health().status).toBe('ok');

    source.scanner.scan('12345678');
    source.scanner.sendReports([Buffer.from([0, 0, 1, 1, 1, 1, 1, 1]), Buffer.alloc(5)]);
    source.scanner.scan('TOYONAKA-7');
    expect(codes).toEqual(['12345678', 'TOYONAKA-7']);
    expect(malformed.map((error) => error.reason)).toEqual(['bad-value', 'bad-length']);

    source.scanner.unplug();
    await new Promise((resolve) => setImmediate(resolve));
    expect(scanner.health()).toMatchObject({ status: 'missing', reasons: ['disconnected'] });
    source.scanner.replug();
    await scanner.tick();
    expect(scanner.health().status).toBe('ok');
    source.scanner.scan('99');
    expect(codes.at(-1)).toBe('99');
    await scanner.stop();
  });

  it('the PIN pad reports keys to its subscriber only', async () => {
    const source = new VirtualHidSource();
    const pad = new HidPinPad({ id: 'pinpad', identity: VIRTUAL_PINPAD_ID, source, watchMs: 10_000 });
    const keys: PinPadKey[] = [];
    pad.onKey((key) => keys.push(key));
    await pad.start();
    source.pinPad.press([1, 2, 'clear', 3, 4, 0, 'enter', 'cancel']);
    expect(keys).toEqual([
      { type: 'digit', digit: 1 },
      { type: 'digit', digit: 2 },
      { type: 'clear' },
      { type: 'digit', digit: 3 },
      { type: 'digit', digit: 4 },
      { type: 'digit', digit: 0 },
      { type: 'enter' },
      { type: 'cancel' },
    ]);
    await pad.stop();
  });

  it('reports a device that is not there as missing / not-found', async () => {
    const source = new VirtualHidSource();
    source.pinPad.unplug();
    const pad = new HidPinPad({ id: 'pinpad', identity: VIRTUAL_PINPAD_ID, source, watchMs: 10_000 });
    await pad.start();
    expect(pad.health()).toMatchObject({ status: 'missing', reasons: ['not-found'] });
    await pad.stop();
  });
});
