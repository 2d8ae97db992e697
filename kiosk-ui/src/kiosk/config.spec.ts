import { DEFAULT_IDLE_SECONDS, parseKioskConfig } from './config';

describe('parseKioskConfig', () => {
  it('defaults to 60 s', () => {
    expect(DEFAULT_IDLE_SECONDS).toBe(60);
    expect(parseKioskConfig('')).toEqual({ idleMs: 60_000 });
    expect(parseKioskConfig('?other=1')).toEqual({ idleMs: 60_000 });
  });

  it('reads ?idle=SECONDS, including fractions', () => {
    expect(parseKioskConfig('?idle=3')).toEqual({ idleMs: 3_000 });
    expect(parseKioskConfig('?x=y&idle=1.5')).toEqual({ idleMs: 1_500 });
    expect(parseKioskConfig('?idle=3600')).toEqual({ idleMs: 3_600_000 });
  });

  it.each(['?idle=', '?idle=abc', '?idle=0', '?idle=-5', '?idle=0.5', '?idle=3601', '?idle=Infinity'])(
    'falls back to the default for %s',
    (search) => {
      expect(parseKioskConfig(search)).toEqual({ idleMs: 60_000 });
    },
  );
});
