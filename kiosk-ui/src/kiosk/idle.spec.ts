import { ManualTime } from '../shared/test-time';
import { idlePhase, IdleTimer } from './idle';

const base = { armed: true, lastActivityAt: 0, idleMs: 60_000, warnMs: 30_000 };

describe('idlePhase', () => {
  it('is off when not armed', () => {
    expect(idlePhase({ ...base, armed: false, now: 1e9 })).toEqual({ kind: 'off' });
  });

  it('stays quiet for the idle period', () => {
    expect(idlePhase({ ...base, now: 0 })).toEqual({ kind: 'quiet', warnInMs: 60_000 });
    expect(idlePhase({ ...base, now: 59_999 })).toEqual({ kind: 'quiet', warnInMs: 1 });
  });

  it('warns for 30 s counting whole seconds down, never showing 0', () => {
    expect(idlePhase({ ...base, now: 60_000 })).toEqual({ kind: 'warning', secondsLeft: 30, nextTickMs: 1000 });
    expect(idlePhase({ ...base, now: 60_500 })).toEqual({ kind: 'warning', secondsLeft: 30, nextTickMs: 500 });
    expect(idlePhase({ ...base, now: 89_999 })).toEqual({ kind: 'warning', secondsLeft: 1, nextTickMs: 1 });
  });

  it('expires when the warning runs out', () => {
    expect(idlePhase({ ...base, now: 90_000 })).toEqual({ kind: 'expired' });
  });

  it('without a warning period goes straight from quiet to expired', () => {
    const noWarning = { ...base, warnMs: 0 };
    expect(idlePhase({ ...noWarning, lastActivityAt: 1000, now: 21_000 })).toEqual({ kind: 'quiet', warnInMs: 40_000 });
    expect(idlePhase({ ...noWarning, now: 60_000 })).toEqual({ kind: 'expired' });
    expect(idlePhase({ ...noWarning, now: 90_000 })).toEqual({ kind: 'expired' });
  });
});

describe('IdleTimer without a warning (the shell)', () => {
  function setup(idleMs = 60_000) {
    const time = new ManualTime();
    let expired = 0;
    const timer = new IdleTimer(idleMs, 0, time, time, { expired: () => (expired += 1) });
    return { time, timer, expired: () => expired };
  }

  it('does nothing while disarmed', () => {
    const { time, timer, expired } = setup();
    timer.activity();
    time.advance(10 * 60_000);
    expect(expired()).toBe(0);
    expect(time.pending).toBe(0);
  });

  it('fires once, idleMs after arming, and disarms itself', () => {
    const { time, timer, expired } = setup();
    time.advance(5_000);
    timer.setArmed(true);
    time.advance(59_999);
    expect(expired()).toBe(0);
    time.advance(1);
    expect(expired()).toBe(1);
    expect(timer.armed).toBe(false);
    time.advance(10 * 60_000);
    expect(expired()).toBe(1);
  });

  it('each activity postpones the deadline', () => {
    const { time, timer, expired } = setup(10_000);
    timer.setArmed(true);
    for (let i = 0; i < 5; i++) {
      time.advance(9_000);
      timer.activity();
    }
    expect(expired()).toBe(0);
    time.advance(10_000);
    expect(expired()).toBe(1);
  });

  it('disarming cancels the pending timer', () => {
    const { time, timer, expired } = setup(10_000);
    timer.setArmed(true);
    time.advance(5_000);
    timer.setArmed(false);
    time.advance(60_000);
    expect(expired()).toBe(0);
    expect(time.pending).toBe(0);
  });

  it('re-arming starts a fresh quiet period', () => {
    const { time, timer, expired } = setup(10_000);
    timer.setArmed(true);
    time.advance(9_000);
    timer.setArmed(false);
    timer.setArmed(true);
    time.advance(9_000);
    expect(expired()).toBe(0);
    time.advance(1_000);
    expect(expired()).toBe(1);
  });
});

describe('IdleTimer with a warning (certificates)', () => {
  function setup() {
    const time = new ManualTime();
    const shown: (number | null)[] = [];
    let expired = 0;
    const timer = new IdleTimer(60_000, 30_000, time, time, {
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
