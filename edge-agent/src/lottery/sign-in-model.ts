import type { FacilityUserView, LotterySignInRefusal, LotteryUiState } from '@kiosk/protocols';

/**
 * The street terminal's sign-in as a pure state machine: which person (by the user card read) is at the
 * screen, whether their PIN is being checked, and with what the agent may act for them. `reduce` returns
 * the next state and the effects for the service to run; it never does I/O. The user number and the hub
 * session token live only here (in memory) and never reach the UI (`toUiState`).
 */

export type SignInState =
  | { stage: 'inactive' }
  | { stage: 'awaiting-card'; refusal: LotterySignInRefusal | null }
  | { stage: 'awaiting-pin'; userNumber: string; refusal: LotterySignInRefusal | null }
  | { stage: 'signing-in'; userNumber: string; attempt: number }
  /** A My Number card was placed: its certificate is being read (the service holds it, never this state). */
  | { stage: 'reading-card' }
  | { stage: 'awaiting-card-pin'; triesLeft: number; refusal: LotterySignInRefusal | null }
  | { stage: 'card-signing-in'; attempt: number; triesLeft: number }
  /**
   * `userNumber` after a My Number card sign-in is the linked user card's, as the hub tells it (for this
   * terminal's unsent offline entries); null from a hub that does not tell it.
   */
  | { stage: 'signed-in'; mode: 'online'; userNumber: string | null; sessionToken: string; user: FacilityUserView }
  /** The hub could not be reached: the service keeps the PIN to seal into each entry; the hub checks it on delivery. */
  | { stage: 'signed-in'; mode: 'offline'; userNumber: string };

export type SignInEvent =
  /**
   * A kiosk session began or ended; `lottery` says whether the new one is this service's. `myNumberPresent`:
   * a card is already on the reader (it was placed before the session, so no placing will be seen);
   * it is then taken up as if just placed, `hubReachable` as for `my-number-placed`.
   */
  | { type: 'session-changed'; lottery: boolean; myNumberPresent?: boolean; hubReachable?: boolean }
  | { type: 'card-scanned'; userNumber: string }
  /** A card was put on the reader; `hubReachable` false: card sign-in needs the hub, so it is refused at once. */
  | { type: 'my-number-placed'; hubReachable: boolean }
  | { type: 'my-number-read'; triesLeft: number }
  /** The card cannot be used (not a My Number card, unreadable, PIN locked, refused by the hub, hub unreachable). */
  | { type: 'my-number-refused'; refusal: LotterySignInRefusal }
  /** The card counted a wrong PIN; `triesLeft` null: not 4 digits, so the card was not asked and no try was spent. */
  | { type: 'my-number-pin-wrong'; attempt: number; triesLeft: number | null }
  | { type: 'my-number-removed' }
  /** Enter on either pad; the service holds the digits and numbers its attempts (so a late answer is recognised). */
  | { type: 'pin-submitted'; attempt: number }
  /** `userNumber`: after a card sign-in, the linked user card's as the hub told it (absent from older hubs). */
  | { type: 'signed-in'; attempt: number; sessionToken: string; user: FacilityUserView; userNumber?: string }
  | { type: 'signed-in-offline'; attempt: number }
  | { type: 'sign-in-refused'; attempt: number; refusal: LotterySignInRefusal }
  | { type: 'sign-out' }
  /** The hub said the session token is no longer good (expired or signed out elsewhere). */
  | { type: 'session-expired' };

export type SignInEffect =
  /** Take the held PIN and check it (at the hub, or sealed when the hub is unreachable). */
  | { kind: 'check-pin'; userNumber: string; attempt: number }
  /** Read the placed My Number card's certificate and PIN tries left. */
  | { kind: 'read-my-number' }
  /** Take the held PIN: VERIFY it on the card, sign the hub's challenge, sign in at the hub. */
  | { kind: 'sign-with-my-number'; attempt: number }
  /** Forget the My Number card's certificate. */
  | { kind: 'forget-my-number' }
  /** Forget any PIN digits held. */
  | { kind: 'wipe-pin' }
  /** End the hub session (best effort; the hub also expires it). */
  | { kind: 'hub-sign-out'; sessionToken: string };

export interface SignInTransition {
  state: SignInState;
  effects: SignInEffect[];
}

export const INACTIVE: SignInState = { stage: 'inactive' };

/** Refusals after which the same card must not simply be retried with another PIN. */
const CARD_REFUSALS = new Set<LotterySignInRefusal['code']>(['account_locked', 'registration_expired']);

/** The stages of a sign-in with a My Number card, left for `awaiting-card` when the card is taken out. */
const MY_NUMBER_STAGES = new Set<SignInState['stage']>(['reading-card', 'awaiting-card-pin', 'card-signing-in']);

function signOutEffects(state: SignInState): SignInEffect[] {
  const effects: SignInEffect[] = [{ kind: 'wipe-pin' }];
  if (MY_NUMBER_STAGES.has(state.stage)) effects.push({ kind: 'forget-my-number' });
  if (state.stage === 'signed-in' && state.mode === 'online') effects.push({ kind: 'hub-sign-out', sessionToken: state.sessionToken });
  return effects;
}

export function reduceSignIn(state: SignInState, event: SignInEvent): SignInTransition {
  switch (event.type) {
    case 'session-changed': {
      const effects = signOutEffects(state);
      if (!event.lottery) return { state: INACTIVE, effects };
      const awaiting: SignInState = { stage: 'awaiting-card', refusal: null };
      if (!event.myNumberPresent) return { state: awaiting, effects };
      const placed = reduceSignIn(awaiting, { type: 'my-number-placed', hubReachable: event.hubReachable ?? true });
      return { state: placed.state, effects: [...effects, ...placed.effects] };
    }
    case 'card-scanned':
      // Someone signed in (or being checked) is not replaced by a card waved at the scanner.
      if (state.stage !== 'awaiting-card' && state.stage !== 'awaiting-pin') return { state, effects: [] };
      return { state: { stage: 'awaiting-pin', userNumber: event.userNumber, refusal: null }, effects: [{ kind: 'wipe-pin' }] };
    case 'my-number-placed':
      if (state.stage !== 'awaiting-card' && state.stage !== 'awaiting-pin') return { state, effects: [] };
      if (!event.hubReachable) return { state: { stage: 'awaiting-card', refusal: { code: 'card_needs_hub' } }, effects: [{ kind: 'wipe-pin' }] };
      return { state: { stage: 'reading-card' }, effects: [{ kind: 'wipe-pin' }, { kind: 'read-my-number' }] };
    case 'my-number-read':
      if (state.stage !== 'reading-card') return { state, effects: [] };
      return { state: { stage: 'awaiting-card-pin', triesLeft: event.triesLeft, refusal: null }, effects: [{ kind: 'wipe-pin' }] };
    case 'my-number-pin-wrong':
      if (state.stage !== 'card-signing-in' || state.attempt !== event.attempt) return { state, effects: [] };
      return {
        state: {
          stage: 'awaiting-card-pin',
          triesLeft: event.triesLeft ?? state.triesLeft,
          refusal: event.triesLeft === null ? { code: 'invalid_message' } : { code: 'card_pin_wrong', attemptsLeft: event.triesLeft },
        },
        effects: [{ kind: 'wipe-pin' }],
      };
    case 'my-number-refused':
      if (!MY_NUMBER_STAGES.has(state.stage)) return { state, effects: [] };
      return { state: { stage: 'awaiting-card', refusal: event.refusal }, effects: [{ kind: 'wipe-pin' }, { kind: 'forget-my-number' }] };
    case 'my-number-removed':
      if (!MY_NUMBER_STAGES.has(state.stage)) return { state, effects: [] };
      return { state: { stage: 'awaiting-card', refusal: null }, effects: [{ kind: 'wipe-pin' }, { kind: 'forget-my-number' }] };
    case 'pin-submitted':
      if (state.stage === 'awaiting-card-pin') {
        return {
          state: { stage: 'card-signing-in', attempt: event.attempt, triesLeft: state.triesLeft },
          effects: [{ kind: 'sign-with-my-number', attempt: event.attempt }],
        };
      }
      if (state.stage === 'awaiting-pin') {
        const { attempt } = event;
        return {
          state: { stage: 'signing-in', userNumber: state.userNumber, attempt },
          effects: [{ kind: 'check-pin', userNumber: state.userNumber, attempt }],
        };
      }
      if (state.stage === 'awaiting-card') return { state: { stage: 'awaiting-card', refusal: { code: 'no_card' } }, effects: [{ kind: 'wipe-pin' }] };
      return { state, effects: [{ kind: 'wipe-pin' }] };
    case 'signed-in':
      if (state.stage === 'card-signing-in' && state.attempt === event.attempt) {
        return {
          state: { stage: 'signed-in', mode: 'online', userNumber: event.userNumber ?? null, sessionToken: event.sessionToken, user: event.user },
          effects: [{ kind: 'forget-my-number' }],
        };
      }
      if (state.stage !== 'signing-in' || state.attempt !== event.attempt) {
        // Too late (the person left, or signed in again): do not keep a hub session nobody holds.
        return { state, effects: [{ kind: 'hub-sign-out', sessionToken: event.sessionToken }] };
      }
      return {
        state: { stage: 'signed-in', mode: 'online', userNumber: state.userNumber, sessionToken: event.sessionToken, user: event.user },
        effects: [],
      };
    case 'signed-in-offline':
      if (state.stage !== 'signing-in' || state.attempt !== event.attempt) return { state, effects: [] };
      return { state: { stage: 'signed-in', mode: 'offline', userNumber: state.userNumber }, effects: [] };
    case 'sign-in-refused':
      if (state.stage !== 'signing-in' || state.attempt !== event.attempt) return { state, effects: [] };
      if (CARD_REFUSALS.has(event.refusal.code)) return { state: { stage: 'awaiting-card', refusal: event.refusal }, effects: [{ kind: 'wipe-pin' }] };
      return { state: { stage: 'awaiting-pin', userNumber: state.userNumber, refusal: event.refusal }, effects: [{ kind: 'wipe-pin' }] };
    case 'sign-out':
      if (state.stage === 'inactive') return { state, effects: [{ kind: 'wipe-pin' }] };
      return { state: { stage: 'awaiting-card', refusal: null }, effects: signOutEffects(state) };
    case 'session-expired':
      if (state.stage !== 'signed-in') return { state, effects: [] };
      return { state: { stage: 'awaiting-card', refusal: { code: 'session_expired' } }, effects: [{ kind: 'wipe-pin' }] };
  }
}

/**
 * Whose entries still in this terminal's outbox (not yet sent) "my entries" lists: the signed-in user
 * card's number, by either sign-in (a My Number card's is the linked user card's, as the hub told it);
 * none before sign-in, or after a card sign-in at a hub that does not tell it.
 */
export function unsentEntriesOwner(state: SignInState): string | null {
  return state.stage === 'signed-in' ? state.userNumber : null;
}

/** What the screen may know: stage, digit count, the card's last two digits, the hub's view of the user. */
export function toUiState(state: SignInState, pinDigits: number, offlineEntryAvailable: boolean): LotteryUiState {
  const userNumber = 'userNumber' in state ? state.userNumber : null;
  const pinAsked = state.stage === 'awaiting-pin' || state.stage === 'awaiting-card' || state.stage === 'awaiting-card-pin';
  return {
    stage: state.stage === 'card-signing-in' ? 'signing-in' : state.stage,
    pinDigits: pinAsked ? Math.min(pinDigits, 8) : 0,
    cardHint: userNumber ? userNumber.slice(-2) : null,
    mode: state.stage === 'signed-in' ? state.mode : null,
    user: state.stage === 'signed-in' && state.mode === 'online' ? state.user : null,
    refusal: state.stage === 'awaiting-card' || state.stage === 'awaiting-pin' || state.stage === 'awaiting-card-pin' ? state.refusal : null,
    offlineEntryAvailable,
    ...(state.stage === 'awaiting-card-pin' ? { cardPinTriesLeft: Math.min(state.triesLeft, 3) } : {}),
  };
}
