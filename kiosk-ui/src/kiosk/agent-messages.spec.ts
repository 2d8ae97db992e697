import { agentMessage, isResult, resultWith } from './agent-messages';

describe('agent message shape checks', () => {
  const view = agentMessage<{ screen: string }>((fields) => typeof fields['screen'] === 'string');

  it('accepts an object of the expected kind as it is', () => {
    const raw = { screen: 'pin', digitsEntered: 2 };
    expect(view.safeParse(raw)).toEqual({ success: true, data: raw });
  });

  it.each([null, undefined, 'pin', 4, [], [{ screen: 'pin' }], { digitsEntered: 2 }, { screen: 3 }])('refuses %p', (raw) => {
    expect(view.safeParse(raw)).toEqual({ success: false });
  });

  it('knows a result ack: ok, or a refusal with a code and a message', () => {
    expect(isResult({ ok: true })).toBe(true);
    expect(isResult({ ok: false, error: { code: 'busy', message: 'later' } })).toBe(true);
    expect(isResult({ ok: false })).toBe(false);
    expect(isResult({ ok: false, error: { code: 'busy' } })).toBe(false);
    expect(isResult({ ok: 'yes' })).toBe(false);
  });

  it('requires the named fields of an ok result only', () => {
    const session = resultWith('sessionId');
    expect(session({ ok: true, sessionId: 'x' })).toBe(true);
    expect(session({ ok: true })).toBe(false);
    expect(session({ ok: false, error: { code: 'busy', message: 'later' } })).toBe(true);
  });
});
