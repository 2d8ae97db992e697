import { SHARED_FULL_SWEEP_MS, fullSweepDue } from './sweep.rules';

describe('fullSweepDue', () => {
  const T = 1_800_000_000_000;

  it('sweeps the whole fleet at the first sweep this process leads, alone or not', () => {
    expect(fullSweepDue({ ledBefore: false, alone: true, lastFullSweepAtMs: null }, T)).toBe(true);
    expect(fullSweepDue({ ledBefore: false, alone: false, lastFullSweepAtMs: null }, T)).toBe(true);
  });

  it('sweeps it again when this process takes the sweep back after another process led it', () => {
    expect(fullSweepDue({ ledBefore: false, alone: false, lastFullSweepAtMs: T }, T + 1000)).toBe(true);
  });

  it('alone on its database (SQLite), never again after the first: its deadlines know every kiosk', () => {
    expect(fullSweepDue({ ledBefore: true, alone: true, lastFullSweepAtMs: T }, T + 1000)).toBe(false);
    expect(fullSweepDue({ ledBefore: true, alone: true, lastFullSweepAtMs: T }, T + 100 * SHARED_FULL_SWEEP_MS)).toBe(false);
  });

  it('beside other processes, once every SHARED_FULL_SWEEP_MS', () => {
    expect(fullSweepDue({ ledBefore: true, alone: false, lastFullSweepAtMs: T }, T + SHARED_FULL_SWEEP_MS - 1)).toBe(false);
    expect(fullSweepDue({ ledBefore: true, alone: false, lastFullSweepAtMs: T }, T + SHARED_FULL_SWEEP_MS)).toBe(true);
  });
});
