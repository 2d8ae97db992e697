import { AgentStatusSchema, type AgentStatus } from '@kiosk/protocols';
import { idleArmed, initialModel, isAtHome, offlineNotice, visibleScreen } from './kiosk-model';
import { runActions } from './kiosk-model-fixtures';

/** Statuses go through the real schema, so a test can never build one the agent could not send. */
function status(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return AgentStatusSchema.parse({
    kioskId: 'toyonaka-001',
    hubConnected: true,
    lastHubContactAt: '2024-06-01T12:00:00Z',
    outOfService: false,
    devices: [],
    ...overrides,
  });
}

describe('kiosk model', () => {
  it('starts on the attract screen in Japanese, with nothing known about the agent', () => {
    const model = initialModel();
    expect(model).toMatchObject({ screen: { kind: 'attract' }, language: 'ja', status: null, link: 'connecting' });
    expect(isAtHome(model)).toBe(true);
    expect(offlineNotice(model)).toBeNull();
  });

  it('begins a session in the chosen language when a tile is tapped', () => {
    const { model, effects } = runActions([
      { type: 'select-language', language: 'ko' },
      { type: 'choose-service', service: 'lottery' },
    ]);
    expect(model.screen).toEqual({ kind: 'service', service: 'lottery' });
    expect(model.sessionOpen).toBe(true);
    expect(effects).toEqual([{ kind: 'begin-session', service: 'lottery', language: 'ko' }]);
  });

  it('ignores a second tap while already on a service screen', () => {
    const { effects } = runActions([
      { type: 'choose-service', service: 'certificates' },
      { type: 'choose-service', service: 'lottery' },
    ]);
    expect(effects).toHaveLength(1);
  });

  it('Back ends the session as cancelled and keeps the language', () => {
    const { model, effects } = runActions([
      { type: 'select-language', language: 'en' },
      { type: 'choose-service', service: 'certificates' },
      { type: 'back' },
    ]);
    expect(model.screen).toEqual({ kind: 'attract' });
    expect(model.language).toBe('en');
    expect(model.sessionOpen).toBe(false);
    expect(effects.at(-1)).toEqual({ kind: 'end-session', reason: 'cancelled' });
  });

  it('idle timeout returns to the attract screen in Japanese and ends the session', () => {
    const { model, effects } = runActions([
      { type: 'select-language', language: 'zh-Hans' },
      { type: 'choose-service', service: 'lottery' },
      { type: 'idle-timeout' },
    ]);
    expect(isAtHome(model)).toBe(true);
    expect(effects.at(-1)).toEqual({ kind: 'end-session', reason: 'idle-timeout' });
  });

  it('large text and high contrast toggle on any screen, survive Back, and reset with the session (issue 17)', () => {
    const large = { type: 'toggle-display', setting: 'largeText' } as const;
    const contrast = { type: 'toggle-display', setting: 'highContrast' } as const;
    const chosen = runActions([{ type: 'select-language', language: 'en' }, large, { type: 'choose-service', service: 'certificates' }, contrast]);
    expect(chosen.model.display).toEqual({ largeText: true, highContrast: true, furigana: false });
    // The same person is still at the screen after Back; toggling again turns it off.
    const back = runActions([{ type: 'back' }, large], chosen.model);
    expect(back.model.display).toEqual({ largeText: false, highContrast: true, furigana: false });
    for (const end of [{ type: 'finish' }, { type: 'idle-timeout' }] as const) {
      const { model } = runActions([end], chosen.model);
      expect(model.display).toEqual({ largeText: false, highContrast: false, furigana: false });
      expect(isAtHome(model)).toBe(true);
    }
    // Set on the attract screen and left there: not what the next person should find, so idle resets it.
    const left = runActions([contrast]);
    expect(idleArmed(left.model)).toBe(true);
    expect(runActions([{ type: 'idle-timeout' }], left.model).model.display.highContrast).toBe(false);
  });

  it('furigana toggles like the other display settings and resets with the session (issue 17)', () => {
    const furigana = { type: 'toggle-display', setting: 'furigana' } as const;
    const on = runActions([furigana, { type: 'choose-service', service: 'certificates' }]);
    expect(on.model.display.furigana).toBe(true);
    expect(isAtHome(runActions([{ type: 'back' }], on.model).model)).toBe(false);
    for (const end of [{ type: 'finish' }, { type: 'idle-timeout' }] as const) {
      expect(runActions([end], on.model).model.display.furigana).toBe(false);
    }
    // Turned on at the attract screen and left: the idle timer takes it back for the next person.
    const left = runActions([furigana]);
    expect(idleArmed(left.model)).toBe(true);
    expect(runActions([{ type: 'idle-timeout' }], left.model).model.display.furigana).toBe(false);
  });

  it('idle timeout on the attract screen only resets the language, with no stray session.end', () => {
    const { model, effects } = runActions([{ type: 'select-language', language: 'en' }, { type: 'idle-timeout' }]);
    expect(model.language).toBe('ja');
    expect(effects).toEqual([]);
  });

  it('arms the idle timer exactly when the screen is not what the next person should find', () => {
    expect(idleArmed(initialModel())).toBe(false);
    expect(idleArmed(runActions([{ type: 'select-language', language: 'en' }]).model)).toBe(true);
    expect(idleArmed(runActions([{ type: 'choose-service', service: 'lottery' }]).model)).toBe(true);
    expect(idleArmed(runActions([{ type: 'choose-service', service: 'lottery' }, { type: 'back' }]).model)).toBe(false);
  });

  it('shows the hub notice when the agent reports the hub unreachable, and clears it when it is back', () => {
    const down = runActions([{ type: 'link', link: 'up' }, { type: 'status', status: status({ hubConnected: false }) }]);
    expect(offlineNotice(down.model)).toBe('hub');
    const up = runActions([{ type: 'status', status: status({ hubConnected: true }) }], down.model);
    expect(offlineNotice(up.model)).toBeNull();
  });

  it('shows the agent notice while the UI socket is down, whatever the last status said', () => {
    const { model } = runActions([
      { type: 'status', status: status({ hubConnected: false }) },
      { type: 'link', link: 'down' },
    ]);
    expect(offlineNotice(model)).toBe('agent');
    expect(offlineNotice(runActions([{ type: 'link', link: 'up' }], model).model)).toBe('hub');
  });

  it('forgets the session when the socket it lived on drops, so Back sends nothing', () => {
    const { effects } = runActions([
      { type: 'choose-service', service: 'lottery' },
      { type: 'link', link: 'down' },
      { type: 'back' },
    ]);
    expect(effects).toEqual([{ kind: 'begin-session', service: 'lottery', language: 'ja' }]);
  });

  it('out of service: closes an open session, resets to Japanese, refuses tiles, disarms idle', () => {
    const { model, effects } = runActions([
      { type: 'select-language', language: 'en' },
      { type: 'choose-service', service: 'certificates' },
      { type: 'status', status: status({ outOfService: true }) },
      { type: 'choose-service', service: 'lottery' },
    ]);
    expect(visibleScreen(model)).toBe('out-of-service');
    expect(model.language).toBe('ja');
    expect(idleArmed(model)).toBe(false);
    expect(effects.at(-1)).toEqual({ kind: 'end-session', reason: 'cancelled' });
    expect(effects.filter((effect) => effect.kind === 'begin-session')).toHaveLength(1);
    const back = runActions([{ type: 'status', status: status({ outOfService: false }) }], model);
    expect(visibleScreen(back.model)).toBe('attract');
  });

  it('does not change language while a service screen is shown', () => {
    const { model } = runActions([
      { type: 'choose-service', service: 'lottery' },
      { type: 'select-language', language: 'ko' },
    ]);
    expect(model.language).toBe('ja');
  });
});
