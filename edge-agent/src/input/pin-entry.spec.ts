import type { PinPadKey } from '@kiosk/devices';
import { MAX_PIN_DIGITS, PinEntry, type PinEntryState } from './pin-entry';

const digit = (d: number): PinPadKey => ({ type: 'digit', digit: d });

function typed(entry: PinEntry, digits: string): void {
  for (const d of digits) entry.press(digit(Number(d)));
}

describe('PinEntry', () => {
  it('tells listeners the count of digits only, and hands the PIN over once after Enter', () => {
    const entry = new PinEntry();
    const seen: PinEntryState[] = [];
    entry.onChange((state) => seen.push(state));
    typed(entry, '2580');
    expect(entry.take()).toBeNull();
    entry.press({ type: 'enter' });
    expect(seen.map((state) => state.digits)).toEqual([1, 2, 3, 4, 4]);
    expect(seen.every((state) => Object.keys(state).sort().join() === 'digits,submitted')).toBe(true);
    const pin = entry.take();
    expect(pin?.toString('ascii')).toBe('2580');
    expect(entry.state()).toEqual({ digits: 0, submitted: false });
    expect(entry.take()).toBeNull();
  });

  it('clears on clear, cancel and reset', () => {
    const entry = new PinEntry();
    for (const key of [{ type: 'clear' }, { type: 'cancel' }] as const) {
      typed(entry, '123');
      entry.press(key);
      expect(entry.state()).toEqual({ digits: 0, submitted: false });
    }
    typed(entry, '9');
    entry.press({ type: 'enter' });
    entry.reset();
    expect(entry.take()).toBeNull();
  });

  it('ignores Enter on nothing, digits past the maximum and digits after Enter', () => {
    const entry = new PinEntry();
    entry.press({ type: 'enter' });
    expect(entry.state().submitted).toBe(false);
    typed(entry, '1234567890');
    expect(entry.state().digits).toBe(MAX_PIN_DIGITS);
    entry.press({ type: 'enter' });
    typed(entry, '5');
    expect(entry.take()?.toString('ascii')).toBe('12345678');
  });
});
