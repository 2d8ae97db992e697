import type { FacilityUserView } from '@kiosk/protocols';
import { INACTIVE, reduceSignIn, toUiState, type SignInEvent, type SignInState } from './sign-in-model';

const user: FacilityUserView = { municipality: '豊中市', expiresOn: '2028-03-31', certificateLinked: false };
const token = 'a'.repeat(43);

function run(events: SignInEvent[], from: SignInState = INACTIVE): { state: SignInState; effects: string[] } {
  let state = from;
  const effects: string[] = [];
  for (const event of events) {
    const next = reduceSignIn(state, event);
    state = next.state;
    effects.push(...next.effects.map((effect) => effect.kind));
  }
  return { state, effects };
}

const begin: SignInEvent = { type: 'session-changed', lottery: true };
const scan: SignInEvent = { type: 'card-scanned', userNumber: '10000008' };

describe('lottery sign-in state machine', () => {
  it('goes card → PIN → check → signed in, and checks the PIN of the card that was read', () => {
    const afterEnter = run([begin, scan, { type: 'pin-submitted', attempt: 1 }]);
    expect(afterEnter.state).toEqual({ stage: 'signing-in', userNumber: '10000008', attempt: 1 });
    expect(reduceSignIn(run([begin, scan]).state, { type: 'pin-submitted', attempt: 1 }).effects).toEqual([
      { kind: 'check-pin', userNumber: '10000008', attempt: 1 },
    ]);
    const signedIn = reduceSignIn(afterEnter.state, { type: 'signed-in', attempt: 1, sessionToken: token, user });
    expect(signedIn.state).toMatchObject({ stage: 'signed-in', mode: 'online', sessionToken: token });
    expect(signedIn.effects).toEqual([]);
  });

  it('says "no card" for Enter before a scan, and forgets the digits', () => {
    const { state, effects } = run([begin, { type: 'pin-submitted', attempt: 1 }]);
    expect(state).toEqual({ stage: 'awaiting-card', refusal: { code: 'no_card' } });
    expect(effects).toContain('wipe-pin');
  });

  it('keeps the card after a wrong PIN, drops it when the account is locked', () => {
    const checking = run([begin, scan, { type: 'pin-submitted', attempt: 1 }]).state;
    const wrong = reduceSignIn(checking, { type: 'sign-in-refused', attempt: 1, refusal: { code: 'invalid_credentials', attemptsLeft: 3 } });
    expect(wrong.state).toEqual({ stage: 'awaiting-pin', userNumber: '10000008', refusal: { code: 'invalid_credentials', attemptsLeft: 3 } });
    const locked = reduceSignIn(checking, { type: 'sign-in-refused', attempt: 1, refusal: { code: 'account_locked', lockedUntil: '2026-12-05T10:00:00Z' } });
    expect(locked.state).toEqual({ stage: 'awaiting-card', refusal: { code: 'account_locked', lockedUntil: '2026-12-05T10:00:00Z' } });
  });

  it('signs out at the hub and wipes when the session ends or the person signs out', () => {
    const signedIn: SignInState = { stage: 'signed-in', mode: 'online', userNumber: '10000008', sessionToken: token, user };
    for (const event of [{ type: 'session-changed', lottery: false }, { type: 'sign-out' }] as const) {
      const next = reduceSignIn(signedIn, event);
      expect(next.effects).toEqual([{ kind: 'wipe-pin' }, { kind: 'hub-sign-out', sessionToken: token }]);
      expect(JSON.stringify(next.state)).not.toContain('10000008');
    }
    expect(reduceSignIn(signedIn, { type: 'session-changed', lottery: false }).state).toEqual(INACTIVE);
  });

  it('ends a hub session that arrives after the person left, and ignores stale answers', () => {
    const checking = run([begin, scan, { type: 'pin-submitted', attempt: 1 }]).state;
    const left = reduceSignIn(checking, { type: 'session-changed', lottery: false }).state;
    const late = reduceSignIn(left, { type: 'signed-in', attempt: 1, sessionToken: token, user });
    expect(late.state).toEqual(INACTIVE);
    expect(late.effects).toEqual([{ kind: 'hub-sign-out', sessionToken: token }]);
    expect(reduceSignIn(checking, { type: 'sign-in-refused', attempt: 2, refusal: { code: 'invalid_credentials' } }).state).toBe(checking);
  });

  it('does not let a scan replace someone signed in or being checked', () => {
    const signedIn: SignInState = { stage: 'signed-in', mode: 'offline', userNumber: '10000008' };
    expect(reduceSignIn(signedIn, { type: 'card-scanned', userNumber: '10000016' }).state).toBe(signedIn);
    const rescan = run([begin, scan, { type: 'card-scanned', userNumber: '10000016' }]);
    expect(rescan.state).toMatchObject({ stage: 'awaiting-pin', userNumber: '10000016' });
    expect(run([scan]).state).toEqual(INACTIVE);
  });

  it('shows the screen the digit count and the last two digits only', () => {
    const ui = toUiState({ stage: 'awaiting-pin', userNumber: '10000016', refusal: null }, 3, true);
    expect(ui).toEqual({ stage: 'awaiting-pin', pinDigits: 3, cardHint: '16', mode: null, user: null, refusal: null, offlineEntryAvailable: true });
    expect(JSON.stringify(toUiState({ stage: 'signed-in', mode: 'online', userNumber: '10000016', sessionToken: token, user }, 0, false))).not.toMatch(
      /10000016|aaaa/,
    );
  });
});
