import type { FacilityUserView } from '@kiosk/protocols';
import { INACTIVE, reduceSignIn, toUiState, type SignInEvent, type SignInState } from './sign-in-model';

const user: FacilityUserView = { municipality: '豊中市', expiresOn: '2029-03-31', certificateLinked: true };
const run = (state: SignInState, ...events: SignInEvent[]) =>
  events.reduce<{ state: SignInState; effects: string[] }>(
    (acc, event) => {
      const next = reduceSignIn(acc.state, event);
      return { state: next.state, effects: [...acc.effects, ...next.effects.map((effect) => effect.kind)] };
    },
    { state, effects: [] },
  );
const awaitingCard: SignInState = { stage: 'awaiting-card', refusal: null };

describe('sign-in with a linked My Number card (model)', () => {
  it('reads a placed card, asks for its PIN with the tries left, signs in online without a user number', () => {
    const placed = run(awaitingCard, { type: 'my-number-placed', hubReachable: true });
    expect(placed).toEqual({ state: { stage: 'reading-card' }, effects: ['wipe-pin', 'read-my-number'] });
    const read = run(placed.state, { type: 'my-number-read', triesLeft: 3 });
    expect(toUiState(read.state, 2, false)).toMatchObject({ stage: 'awaiting-card-pin', cardPinTriesLeft: 3, pinDigits: 2, cardHint: null });
    const submitted = run(read.state, { type: 'pin-submitted', attempt: 7 });
    expect(submitted.effects).toEqual(['sign-with-my-number']);
    expect(toUiState(submitted.state, 0, false).stage).toBe('signing-in');
    const signedIn = run(submitted.state, { type: 'signed-in', attempt: 7, sessionToken: 't'.repeat(43), user });
    expect(signedIn.state).toEqual({ stage: 'signed-in', mode: 'online', userNumber: null, sessionToken: 't'.repeat(43), user });
    expect(signedIn.effects).toEqual(['forget-my-number']);
  });

  it('takes up a card already on the reader when a lottery session begins, as if just placed', () => {
    const begun = run(INACTIVE, { type: 'session-changed', lottery: true, myNumberPresent: true, hubReachable: true });
    expect(begun).toEqual({ state: { stage: 'reading-card' }, effects: ['wipe-pin', 'wipe-pin', 'read-my-number'] });
    expect(run(INACTIVE, { type: 'session-changed', lottery: true, myNumberPresent: false, hubReachable: true })).toEqual({ state: awaitingCard, effects: ['wipe-pin'] });
    expect(run(INACTIVE, { type: 'session-changed', lottery: true, myNumberPresent: true, hubReachable: false }).state).toEqual({
      stage: 'awaiting-card',
      refusal: { code: 'card_needs_hub' },
    });
    // Another service's session, or the end of one, reads no card.
    expect(run(awaitingCard, { type: 'session-changed', lottery: false, myNumberPresent: true, hubReachable: true })).toEqual({ state: INACTIVE, effects: ['wipe-pin'] });
  });

  it('keeps the linked user card number the hub gives on a card sign-in, showing only its last two digits', () => {
    const signing: SignInState = { stage: 'card-signing-in', attempt: 4, triesLeft: 3 };
    const signedIn = run(signing, { type: 'signed-in', attempt: 4, sessionToken: 't'.repeat(43), user, userNumber: '10000016' });
    expect(signedIn.state).toMatchObject({ stage: 'signed-in', mode: 'online', userNumber: '10000016' });
    const ui = toUiState(signedIn.state, 0, false);
    expect(ui.cardHint).toBe('16');
    expect(JSON.stringify(ui)).not.toContain('10000016');
    // Signing out forgets it with the rest.
    expect(run(signedIn.state, { type: 'sign-out' }).state).toEqual(awaitingCard);
  });

  it('refuses at once while the hub is unreachable: card sign-in needs the centre', () => {
    expect(run(awaitingCard, { type: 'my-number-placed', hubReachable: false }).state).toEqual({ stage: 'awaiting-card', refusal: { code: 'card_needs_hub' } });
  });

  it('counts a wrong card PIN, and a malformed one without spending a try', () => {
    const signing: SignInState = { stage: 'card-signing-in', attempt: 2, triesLeft: 3 };
    expect(run(signing, { type: 'my-number-pin-wrong', attempt: 2, triesLeft: 2 }).state).toEqual({
      stage: 'awaiting-card-pin',
      triesLeft: 2,
      refusal: { code: 'card_pin_wrong', attemptsLeft: 2 },
    });
    expect(run(signing, { type: 'my-number-pin-wrong', attempt: 2, triesLeft: null }).state).toEqual({
      stage: 'awaiting-card-pin',
      triesLeft: 3,
      refusal: { code: 'invalid_message' },
    });
    // A late answer for an older attempt changes nothing.
    expect(run(signing, { type: 'my-number-pin-wrong', attempt: 1, triesLeft: 0 }).state).toBe(signing);
  });

  it('goes back to the card prompt, forgetting PIN and certificate, when the card is taken out or refused', () => {
    for (const state of [{ stage: 'reading-card' }, { stage: 'awaiting-card-pin', triesLeft: 3, refusal: null }, { stage: 'card-signing-in', attempt: 1, triesLeft: 3 }] as SignInState[]) {
      expect(run(state, { type: 'my-number-removed' })).toEqual({ state: awaitingCard, effects: ['wipe-pin', 'forget-my-number'] });
    }
    const refusal = { code: 'card_refused' as const, cardRefusal: 'not-linked' as const };
    expect(run({ stage: 'card-signing-in', attempt: 1, triesLeft: 3 }, { type: 'my-number-refused', refusal }).state).toEqual({ stage: 'awaiting-card', refusal });
    // Someone signed in is not signed out by a card taken out (e.g. the certificate flow's card).
    const signedIn: SignInState = { stage: 'signed-in', mode: 'online', userNumber: '10000016', sessionToken: 's'.repeat(43), user };
    expect(run(signedIn, { type: 'my-number-removed' }, { type: 'my-number-placed', hubReachable: true }).state).toBe(signedIn);
  });

  it('ignores a user card scanned while a My Number card is being used, and forgets the card on session end', () => {
    const reading: SignInState = { stage: 'reading-card' };
    expect(run(reading, { type: 'card-scanned', userNumber: '10000016' }).state).toBe(reading);
    expect(run(reading, { type: 'session-changed', lottery: false }).effects).toContain('forget-my-number');
  });
});
