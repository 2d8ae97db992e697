import { MalformedResponseError } from '../errors';
import { asBuffer, parseHostEvent, parseHostRequest } from './host-messages';

describe('host messages', () => {
  it('accepts the events the host sends', () => {
    expect(parseHostEvent({ type: 'service', up: false, detail: 'x', pcscCode: 0x8010001d })).toEqual({
      type: 'service',
      up: false,
      detail: 'x',
      pcscCode: 0x8010001d,
    });
    expect(parseHostEvent({ type: 'reader-added', reader: 'Virtual PCD 00 00' })).toEqual({ type: 'reader-added', reader: 'Virtual PCD 00 00' });
    const atr = new Uint8Array([0x3b, 0x00]);
    expect(parseHostEvent({ type: 'reader-status', reader: 'r', present: true, mute: false, atr })).toMatchObject({ present: true, atr });
    expect(parseHostEvent({ type: 'reply', id: 3, ok: true, protocol: 2, response: null })).toMatchObject({ ok: true, protocol: 2 });
    expect(parseHostEvent({ type: 'reply', id: 3, ok: false, message: 'm', pcscCode: null })).toMatchObject({ ok: false, message: 'm' });
  });

  it('rejects anything else with a typed error', () => {
    const bad: unknown[] = [
      null,
      [],
      'reply',
      { type: 'nope' },
      { type: 'reader-added', reader: '' },
      { type: 'reader-status', reader: 'r', present: 'yes', mute: false, atr: null },
      { type: 'reply', id: -1, ok: true },
      { type: 'reply', id: 1, ok: false, message: 5 },
      { type: 'service', up: true, detail: 'x', pcscCode: 2 ** 40 },
      { type: 'reply', id: 1, ok: true, protocol: 1.5 },
    ];
    for (const value of bad) expect(() => parseHostEvent(value)).toThrow(MalformedResponseError);
  });

  it('checks requests on the host side too', () => {
    expect(parseHostRequest({ type: 'transmit', id: 1, reader: 'r', apdu: new Uint8Array(4), maxResponse: 258 })).toMatchObject({ type: 'transmit' });
    expect(parseHostRequest({ type: 'disconnect', id: 1, reader: 'r', disposition: 'reset' })).toMatchObject({ disposition: 'reset' });
    expect(() => parseHostRequest({ type: 'transmit', id: 1, reader: 'r', apdu: new Uint8Array(3), maxResponse: 258 })).toThrow(MalformedResponseError);
    expect(() => parseHostRequest({ type: 'disconnect', id: 1, reader: 'r', disposition: 'eject' })).toThrow(MalformedResponseError);
  });

  it('views IPC bytes as a Buffer without copying', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const buffer = asBuffer(bytes);
    bytes[0] = 9;
    expect(buffer[0]).toBe(9);
  });
});
