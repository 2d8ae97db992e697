import { RolloutKioskStateSchema, RolloutStateSchema } from '@kiosk/protocols';
import { isConsoleKey } from './i18n/index';
import { allowedSteps, groupText, parseStages, rolloutDraft, stageText, type RolloutForm } from './rollouts';

const form: RolloutForm = { version: '1.4.0', kind: 'site', municipality: ' 豊中市 ', site: '豊中市役所', tag: '', stages: '1, 10%, 100%', healthyMinutes: '10' };

describe('rollout form', () => {
  it('reads stages as counts and percentages, full-width too', () => {
    expect(parseStages('1, 10%, 100%', 600)).toEqual([
      { kiosks: 1, healthySeconds: 600 },
      { percent: 10, healthySeconds: 600 },
      { percent: 100, healthySeconds: 600 },
    ]);
    expect(parseStages('１、５０％ 100%', 0)).toEqual([
      { kiosks: 1, healthySeconds: 0 },
      { percent: 50, healthySeconds: 0 },
      { percent: 100, healthySeconds: 0 },
    ]);
    for (const bad of ['', 'all', '0', '101%', '1.5', '-1']) expect(parseStages(bad, 0)).toBeNull();
  });

  it('builds the request the hub takes, or nothing', () => {
    expect(rolloutDraft(form)).toEqual({
      version: '1.4.0',
      target: { kind: 'site', municipality: '豊中市', site: '豊中市役所' },
      stages: [
        { kiosks: 1, healthySeconds: 600 },
        { percent: 10, healthySeconds: 600 },
        { percent: 100, healthySeconds: 600 },
      ],
    });
    expect(rolloutDraft({ ...form, kind: 'tag', tag: 'pilot' })?.target).toEqual({ kind: 'tag', tag: 'pilot' });
    expect(rolloutDraft({ ...form, stages: '1, 10%' })).toBeNull();
    expect(rolloutDraft({ ...form, healthyMinutes: 'ten' })).toBeNull();
    expect(rolloutDraft({ ...form, version: '' })).toBeNull();
    expect(rolloutDraft({ ...form, kind: 'tag', tag: 'Not A Tag' })).toBeNull();
  });

  it('offers only the steps the state allows', () => {
    expect(allowedSteps('running')).toEqual({ pause: true, resume: false, abort: true });
    expect(allowedSteps('paused')).toEqual({ pause: false, resume: true, abort: true });
    expect(allowedSteps('halted')).toEqual({ pause: false, resume: false, abort: true });
    expect(allowedSteps('completed')).toEqual({ pause: false, resume: false, abort: false });
  });

  it('names groups and stages in one line', () => {
    expect(groupText({ kind: 'site', municipality: '豊中市', site: '豊中市役所' })).toBe('豊中市 / 豊中市役所');
    expect(groupText({ kind: 'tag', tag: 'pilot' })).toBe('#pilot');
    expect(stageText({ kiosks: 1, healthySeconds: 0 })).toBe('1');
    expect(stageText({ percent: 10, healthySeconds: 0 })).toBe('10%');
  });
});

describe('rollout texts', () => {
  it('names every rollout state and kiosk update state', () => {
    expect(RolloutStateSchema.options.filter((state) => !isConsoleKey(`console.rollouts.state.${state}`))).toEqual([]);
    expect(RolloutKioskStateSchema.options.filter((state) => !isConsoleKey(`console.rollouts.kioskState.${state}`))).toEqual([]);
  });
});
