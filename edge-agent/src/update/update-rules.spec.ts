import type { DeviceHealth } from '@kiosk/protocols';
import { chunkProblem, nextChunk } from './chunk-plan';
import { unhealthyBecause } from './health-rule';
import { kioskIdle } from './idle-gate';
import { confirmTrial, decideOnExit, rollBack, switchTo } from './install-rules';
import { INITIAL_INSTALL_STATE } from './install-state';

const NOW = new Date('2026-12-07T01:00:00.000Z');

describe('chunk plan', () => {
  it('continues from the bytes on disk, the last chunk shorter, nothing after the end', () => {
    expect(nextChunk('1.0.0', 0, 600, 256)).toEqual({ version: '1.0.0', offset: 0, length: 256 });
    expect(nextChunk('1.0.0', 300, 600, 256)).toEqual({ version: '1.0.0', offset: 300, length: 256 });
    expect(nextChunk('1.0.0', 512, 600, 256)).toEqual({ version: '1.0.0', offset: 512, length: 88 });
    expect(nextChunk('1.0.0', 600, 600, 256)).toBeNull();
  });

  it('refuses an answer at another offset, of another length, or a failure', () => {
    const request = { version: '1.0.0', offset: 256, length: 4 };
    expect(chunkProblem(request, { ok: true, offset: 256, bytes: new Uint8Array(4) })).toBeNull();
    expect(chunkProblem(request, { ok: true, offset: 0, bytes: new Uint8Array(4) })).toMatch(/offset 0/);
    expect(chunkProblem(request, { ok: true, offset: 256, bytes: new Uint8Array(3) })).toMatch(/3 bytes/);
    expect(chunkProblem(request, { ok: false, error: { code: 'not_found', message: 'no such release' } })).toMatch(/not_found/);
  });
});

describe('A/B install state', () => {
  it('switches with the running version as the fallback, confirms, or rolls back with the reason', () => {
    const switched = switchTo(INITIAL_INSTALL_STATE, '1.1.0', NOW);
    expect(switched).toMatchObject({ active: '1.1.0', previous: 'base', trial: { version: '1.1.0' }, rolledBack: null });
    expect(confirmTrial(switched)).toMatchObject({ active: '1.1.0', previous: 'base', trial: null });
    expect(rollBack(switched, 'crashed', NOW)).toMatchObject({ active: 'base', trial: null, rolledBack: { version: '1.1.0', reason: 'crashed' } });
    expect(() => switchTo(switched, '1.1.0', NOW)).toThrow(/already/);
    expect(() => rollBack(confirmTrial(switched), 'x', NOW)).toThrow(/nothing on trial/);
  });

  it('decides on the agent exit: trial failures roll back, 75 starts again, anything else ends the supervisor', () => {
    const base = { stopping: false, signal: null, restartCode: 75 };
    expect(decideOnExit({ ...base, onTrial: true, code: 1 })).toMatchObject({ action: 'roll-back', reason: expect.stringMatching(/code 1/) });
    expect(decideOnExit({ ...base, onTrial: true, code: 75 }).action).toBe('roll-back');
    expect(decideOnExit({ ...base, onTrial: false, code: 75 })).toEqual({ action: 'start-again' });
    expect(decideOnExit({ ...base, onTrial: false, code: 1 })).toEqual({ action: 'exit', code: 1 });
    expect(decideOnExit({ ...base, onTrial: true, stopping: true, code: null, signal: 'SIGTERM' })).toEqual({ action: 'exit', code: 0 });
  });
});

describe('idle and health rules', () => {
  it('is idle only with no session and no unfinished money transaction', () => {
    expect(kioskIdle({ sessionActive: false, unfinishedTransactions: 0 })).toBe(true);
    expect(kioskIdle({ sessionActive: true, unfinishedTransactions: 0 })).toBe(false);
    expect(kioskIdle({ sessionActive: false, unfinishedTransactions: 1 })).toBe(false);
  });

  it('is healthy when connected, no device in error or missing, and the outbox draining', () => {
    const device = (status: DeviceHealth['status']): DeviceHealth =>
      ({ deviceId: 'receipt-printer', kind: 'receipt-printer', status, reasons: [], since: NOW.toISOString() }) satisfies DeviceHealth;
    const ok = { hubConnected: true, devices: [device('ok'), device('warning')], backlog: 0, backlogAtStart: 5 };
    expect(unhealthyBecause(ok)).toBeNull();
    expect(unhealthyBecause({ ...ok, hubConnected: false })).toMatch(/hub/);
    expect(unhealthyBecause({ ...ok, devices: [device('missing')] })).toMatch(/receipt-printer missing/);
    expect(unhealthyBecause({ ...ok, backlog: 5 })).toMatch(/not draining/);
    expect(unhealthyBecause({ ...ok, backlog: 3 })).toBeNull();
  });
});
