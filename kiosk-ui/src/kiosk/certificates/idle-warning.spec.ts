import { idleWarningPhase, IdleWarningTimer, warningMsFor } from './idle-warning';
import { ManualTime } from './test-time';

const base = { armed: true, lastActivityAt: 0, idleMs: 60_000, warnMs: 30_000 };

describe('idleWarningPhase', () => {
  it('is off when not armed', () => {
    expect(idleWarningPhase({ ...base, armed: false, now: 1e9 })).toEqual({ kind: 'off' });
  });

  it('stays quiet for the idle period', () => {
    expect(idleWarningPhase({ ...base, now: 0 })).toEqual({ kind: 'quiet', warnInMs: 60_000 });
    expect(idleWarningPhase({ ...base, now: 59_999 })).toEqual({ kind: 'quiet', warnInMs: 1 });
  });

  it('warns for 30 s counting whole seconds down, never showing 0', () => {
    expect(idleWarningPhase({ ...base, now: 60_000 })).toEqual({ kind: 'warning', secondsLeft: 30, nextTickMs: 1000 });
    expect(idleWarningPhase({ ...base, now: 60_500 })).toEqual({ kind: 'warning', secondsLeft: 30, nextTickMs: 500 });
    expect(idleWarningPhase({ ...base, now: 89_999 })).toEqual({ kind: 'warning', secondsLeft: 1, nextTickMs: 1 });
  });

  it('expires when the warning runs out', () => {
    expect(idleWarningPhase({ ...base, now: 90_000 })).toEqual({ kind: 'expired' });
  });

  it('uses a 30 s warning, or half a shortened idle period', () => {
    expect(warningMsFor(60_000)).toBe(30_000);
    expect(warningMsFor(600_000)).toBe(30_000);
    expect(warningMsFor(4000)).toBe(2000);
  });
});

describe('IdleWarningTimer', () => {
  function setup() {
    const time = new ManualTime();
    const shown: (number | null)[] = [];
    let expired = 0;
    const timer = new IdleWarningTimer(60_000, 30_000, time, time, {
      warning: (seconds) => shown.push(seconds),
      expired: () => (expired += 1),
    });
    return { time, shown, timer, expired: () => expired };
  }

  it('shows the countdown after a minute and ends the session 30 s later', () => {
    const { time, shown, timer, expired } = setup();
    timer.setArmed(true);
    time.advance(59_000);
    expect(shown).toEqual([]);
    time.advance(1000);
    expect(shown).toEqual([30]);
    time.advance(29_000);
    expect(shown.at(-1)).toBe(1);
    expect(expired()).toBe(0);
    time.advance(1000);
    expect(expired()).toBe(1);
    expect(shown.at(-1)).toBeNull();
    expect(time.pending).toBe(0);
  });

  it('extends: a touch during the warning hides it and restarts the minute', () => {
    const { time, shown, timer, expired } = setup();
    timer.setArmed(true);
    time.advance(75_000);
    expect(shown.at(-1)).toBe(15);
    timer.activity();
    expect(shown.at(-1)).toBeNull();
    time.advance(59_000);
    expect(shown.at(-1)).toBeNull();
    time.advance(31_000);
    expect(expired()).toBe(1);
  });

  it('never fires while disarmed (issuing, printing), and disarming hides the warning', () => {
    const { time, shown, timer, expired } = setup();
    timer.setArmed(true);
    time.advance(61_000);
    timer.setArmed(false);
    expect(shown.at(-1)).toBeNull();
    time.advance(600_000);
    expect(expired()).toBe(0);
    expect(time.pending).toBe(0);
  });
});
