import { isDigit, keyEnabled, PIN_PAD_ROWS, pinDots } from './pin-pad';

describe('PIN pad', () => {
  it('has twelve keys: ten digits, clear and enter', () => {
    const keys = PIN_PAD_ROWS.flat();
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
    expect(keys.filter(isDigit).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('draws one dot per position, filled up to the count the agent reports', () => {
    expect(pinDots(0)).toEqual([false, false, false, false]);
    expect(pinDots(2)).toEqual([true, true, false, false]);
    expect(pinDots(4)).toEqual([true, true, true, true]);
    expect(pinDots(9)).toEqual([true, true, true, true]);
    expect(pinDots(-1)).toEqual([false, false, false, false]);
  });

  it('takes digits until full, clear once something is typed, enter only when full', () => {
    expect(keyEnabled('5', 0)).toBe(true);
    expect(keyEnabled('5', 4)).toBe(false);
    expect(keyEnabled('clear', 0)).toBe(false);
    expect(keyEnabled('clear', 1)).toBe(true);
    expect(keyEnabled('enter', 3)).toBe(false);
    expect(keyEnabled('enter', 4)).toBe(true);
  });

  it('disables every key while the agent checks the PIN', () => {
    expect(PIN_PAD_ROWS.flat().some((key) => keyEnabled(key, 4, 4, true))).toBe(false);
    expect(PIN_PAD_ROWS.flat().some((key) => keyEnabled(key, 2, 4, true, 'agent'))).toBe(false);
  });

  it('leaves every key live when the agent does the gating, whatever the count', () => {
    expect(PIN_PAD_ROWS.flat().every((key) => keyEnabled(key, 0, 4, false, 'agent'))).toBe(true);
    expect(PIN_PAD_ROWS.flat().every((key) => keyEnabled(key, 4, 4, false, 'agent'))).toBe(true);
  });
});
