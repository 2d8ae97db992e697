import { assignStages, haltsRollout, judgeStage, nextHealthySince, nextRolloutState, stageReach, type StageKiosk } from './rollout.rules';

const CANARY_10_ALL = [{ kiosks: 1 }, { percent: 10 }, { percent: 100 }];

describe('rollout rules', () => {
  it.each([
    [3, CANARY_10_ALL, [1, 1, 3]],
    [40, CANARY_10_ALL, [1, 4, 40]],
    [1000, CANARY_10_ALL, [1, 100, 1000]],
    [0, CANARY_10_ALL, [0, 0, 0]],
    [5, [{ kiosks: 10 }, { percent: 100 }], [5, 5]],
    [7, [{ percent: 50 }, { kiosks: 2 }, { percent: 100 }], [4, 4, 7]],
  ])('a group of %i kiosks, stages %j, reaches %j', (total, stages, reach) => {
    expect(stageReach(stages, total)).toEqual(reach);
  });

  it('puts kiosks in stages by id, whatever order they come in, each once', () => {
    const ids = ['kiosk-c', 'kiosk-a', 'kiosk-b', 'kiosk-a'];
    expect(assignStages(ids, [{ kiosks: 1 }, { percent: 100 }])).toEqual([
      { kioskId: 'kiosk-a', stage: 0 },
      { kioskId: 'kiosk-b', stage: 1 },
      { kioskId: 'kiosk-c', stage: 1 },
    ]);
    expect(assignStages([...ids].reverse(), [{ kiosks: 1 }, { percent: 100 }])).toEqual(assignStages(ids, [{ kiosks: 1 }, { percent: 100 }]));
    // An empty middle stage is skipped by its kiosks, not by the numbering.
    expect(assignStages(['k-1', 'k-2', 'k-3'], CANARY_10_ALL).map((a) => a.stage)).toEqual([0, 2, 2]);
  });

  const healthy = (since: string, agentVersion = '1.4.0'): StageKiosk => ({ state: 'healthy', agentVersion, healthySince: since });
  const judge = (kiosks: StageKiosk[], nowMs = Date.parse('2026-12-07T01:01:00Z'), stage = 0) =>
    judgeStage({ version: '1.4.0', stage, stageCount: 2, healthySeconds: 60, kiosks, nowMs });

  it.each<[string, StageKiosk[], number, 'wait' | 'advance' | 'complete']>([
    ['all healthy on the release for the whole time', [healthy('2026-12-07T01:00:00Z'), healthy('2026-12-07T00:59:00Z')], 0, 'advance'],
    ['one healthy for less than the time', [healthy('2026-12-07T01:00:00Z'), healthy('2026-12-07T01:00:01Z')], 0, 'wait'],
    ['healthy but its hello names the old version', [healthy('2026-12-07T01:00:00Z', '1.3.0')], 0, 'wait'],
    ['healthy without a healthy time', [{ state: 'healthy', agentVersion: '1.4.0', healthySince: null }], 0, 'wait'],
    ['still switching', [{ state: 'switching', agentVersion: '1.3.0', healthySince: null }], 0, 'wait'],
    ['the last stage done', [healthy('2026-12-07T01:00:00Z')], 1, 'complete'],
    ['an empty stage', [], 0, 'advance'],
  ])('%s: %s', (_name, kiosks, stage, verdict) => {
    expect(judge(kiosks, undefined, stage)).toBe(verdict);
  });

  it('starts the healthy clock once, and again after the kiosk ran something else', () => {
    const now = '2026-12-07T01:00:00.000Z';
    expect(nextHealthySince('healthy', '1.4.0', '1.4.0', null, now)).toBe(now);
    expect(nextHealthySince('healthy', '1.4.0', '1.4.0', '2026-12-07T00:00:00.000Z', now)).toBe('2026-12-07T00:00:00.000Z');
    expect(nextHealthySince('healthy', '1.3.0', '1.4.0', '2026-12-07T00:00:00.000Z', now)).toBeNull();
    expect(nextHealthySince('switching', '1.4.0', '1.4.0', '2026-12-07T00:00:00.000Z', now)).toBeNull();
  });

  it('halts on a failed or rolled-back update only', () => {
    expect(['downloading', 'downloaded', 'waiting-idle', 'switching', 'healthy', 'failed', 'rolled-back'].filter((s) => haltsRollout(s as never))).toEqual(['failed', 'rolled-back']);
  });

  it.each([
    ['running', 'pause', 'paused'],
    ['paused', 'pause', null],
    ['paused', 'resume', 'running'],
    ['running', 'resume', null],
    ['halted', 'resume', null],
    ['running', 'abort', 'aborted'],
    ['paused', 'abort', 'aborted'],
    ['halted', 'abort', 'aborted'],
    ['completed', 'abort', null],
    ['aborted', 'abort', null],
    ['paused', 'halt', 'halted'],
    ['aborted', 'halt', null],
    ['paused', 'advance', null],
    ['running', 'complete', 'completed'],
    ['halted', 'complete', null],
  ] as const)('%s, %s: %s', (current, action, next) => {
    expect(nextRolloutState(current, action)).toBe(next);
  });
});
