import { idleArmed } from '../kiosk-model';
import { runActions } from '../kiosk-model-fixtures';

/** How the kiosk shell hosts the certificate flow: the flow owns idle, and its end closes the session as done. */
describe('the kiosk around the certificate flow', () => {
  it('leaves idle to the flow on the certificate screens (it warns first), but not elsewhere', () => {
    expect(idleArmed(runActions([{ type: 'choose-service', service: 'certificates' }]).model)).toBe(false);
    expect(idleArmed(runActions([{ type: 'choose-service', service: 'lottery' }]).model)).toBe(true);
  });

  it('ends the session as done and greets the next person in Japanese when the flow finishes', () => {
    const { model, effects } = runActions([
      { type: 'select-language', language: 'en' },
      { type: 'choose-service', service: 'certificates' },
      { type: 'finish' },
    ]);
    expect(model.screen).toEqual({ kind: 'attract' });
    expect(model.language).toBe('ja');
    expect(effects).toEqual([
      { kind: 'begin-session', service: 'certificates', language: 'en' },
      { kind: 'end-session', reason: 'done' },
    ]);
  });

  it('ignores a finish on the attract screen (no stray session.end)', () => {
    expect(runActions([{ type: 'finish' }]).effects).toEqual([]);
  });

  it('the flow idle expiry ends the session as idle-timeout', () => {
    const { effects } = runActions([{ type: 'choose-service', service: 'certificates' }, { type: 'idle-timeout' }]);
    expect(effects.at(-1)).toEqual({ kind: 'end-session', reason: 'idle-timeout' });
  });

  it('the flow idle expiry ends the session but stays on the flow (a card may be asked for) until it finishes; one session.end', () => {
    const expired = runActions([
      { type: 'select-language', language: 'en' },
      { type: 'choose-service', service: 'certificates' },
      { type: 'service-idle-timeout' },
    ]);
    expect(expired.model.screen).toEqual({ kind: 'service', service: 'certificates' });
    expect(expired.model.sessionOpen).toBe(false);
    expect(expired.effects.at(-1)).toEqual({ kind: 'end-session', reason: 'idle-timeout' });
    // Expiring again changes nothing; the flow's end then goes home without another session.end.
    expect(runActions([{ type: 'service-idle-timeout' }], expired.model).effects).toEqual([]);
    const home = runActions([{ type: 'finish' }], expired.model);
    expect(home.model.screen).toEqual({ kind: 'attract' });
    expect(home.model.language).toBe('ja');
    expect(home.effects).toEqual([]);
  });

  it('ignores the flow idle expiry on the attract screen', () => {
    expect(runActions([{ type: 'service-idle-timeout' }]).effects).toEqual([]);
  });
});
