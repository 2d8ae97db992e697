import type { ProvisionalRejection } from '@kiosk/protocols';
import type { EntryRefusal, WindowRefusal } from './entry-rules';
import { afterWrongPin, beginPinAttempt, isLocked, PIN_STATE_CLEAR, registrationExpired, type PinAttemptState, type PinPolicy } from './user-rules';

/**
 * How the hub judges an offline (provisional) entry (OFFLINE.md §4): the first check that fails is the
 * reason. Pure: the service gathers what can be computed outside the write (the sealed PIN opened,
 * the PIN hash compared, slots and window), the repository calls this inside the transaction that
 * records the outcome, with the user's PIN state and the entry checks as they stand then.
 */
export interface ProvisionalFacts {
  /** False when the sealed PIN did not open, or was sealed for another entry. */
  sealOpened: boolean;
  /** Null for an unknown user number. */
  user: { pin: PinAttemptState; expiresOn: string } | null;
  /** Whether the opened PIN matches the user's hash (computed before the transaction). */
  pinMatches: boolean;
  policy: PinPolicy;
  /** The hub's time of judging: decides the lock. */
  now: Date;
  /** The terminal's time of the entry: decides the registration's validity. */
  occurredAt: Date;
  choiceProblem: 'invalid-choice' | 'no-lottery' | null;
  windowProblem: WindowRefusal | null;
  /** What the client entry id already names: nothing, this very entry, or another one. */
  clientEntry: { kind: 'new' } | { kind: 'same'; entryId: string } | { kind: 'other' };
  /** The caps and duplicate checks against the person's entries now (run last, only if needed). */
  entryRules: () => EntryRefusal | null;
  /**
   * The PIN verdict another entry of the same offline sign-in already recorded (null: none yet, or an
   * older terminal's per-entry seal). One sign-in is one PIN attempt, however many entries it made.
   */
  sessionPin?: 'right' | 'wrong' | null;
}

export type ProvisionalVerdict = {
  /** The PIN attempt state to write, or null to leave it as it is. */
  pinNext: PinAttemptState | null;
  /** The PIN's verdict when this judgement counted an attempt (recorded for its offline sign-in), else null. */
  pinChecked?: 'right' | 'wrong' | null;
} & (
  | { outcome: 'accept' }
  | { outcome: 'same-entry'; entryId: string }
  | { outcome: 'reject'; reason: ProvisionalRejection; message: string }
);

const WINDOW: Record<WindowRefusal, { reason: ProvisionalRejection; message: string }> = {
  'not-open': { reason: 'window-not-open', message: 'the entry was made before the entry window opened' },
  closed: { reason: 'window-closed', message: 'the entry was made after the entry window closed' },
  'grace-expired': { reason: 'window-closed', message: 'the entry reached the centre too late after the entry window closed' },
  'in-future': { reason: 'clock-ahead', message: "the terminal's clock was ahead: the entry time cannot be trusted" },
};

const ENTRY: Record<EntryRefusal['reason'], { reason: ProvisionalRejection; message: (limit: number) => string }> = {
  'same-choice': { reason: 'invalid-choice', message: () => 'the 2nd choice was the same as the 1st' },
  'duplicate-slot': { reason: 'duplicate-slot', message: () => 'you had already entered for this slot (with this card or a linked one)' },
  'entry-cap': { reason: 'entry-cap', message: (limit) => `at most ${limit} entries per person in this round` },
  'hours-cap': { reason: 'hours-cap', message: (limit) => `at most ${limit} hours per person in this round` },
};

export function judgeProvisional(facts: ProvisionalFacts): ProvisionalVerdict {
  const reject = (reason: ProvisionalRejection, message: string, pinNext: PinAttemptState | null = null): ProvisionalVerdict => ({
    pinNext,
    outcome: 'reject',
    reason,
    message,
  });
  if (!facts.sealOpened) return reject('sealed-pin-invalid', 'the PIN sent by the terminal could not be read; enter again');
  const { user } = facts;
  if (!user) return reject('unknown-user', 'no user is registered with this card number');
  // Another entry of the same offline sign-in was judged: its PIN attempt was counted then, not again.
  if (facts.sessionPin === 'wrong') return reject('wrong-pin', 'the PIN typed at this offline sign-in was wrong');
  if (isLocked(user.pin, facts.now)) return reject('account-locked', 'too many wrong PINs: the account was locked');
  const verdict = facts.sessionPin === 'right' ? null : judgePin(user.pin, facts);
  if (verdict !== null && verdict.outcome === 'reject') return verdict;
  return withPinChecked(judgeEntry(user, facts, verdict === null ? null : PIN_STATE_CLEAR), verdict === null ? null : 'right');
}

/** Counted like a sign-in: the attempt first, then the PIN; `pin-right` when it matched (the entry checks follow). */
function judgePin(pin: PinAttemptState, facts: ProvisionalFacts): ProvisionalVerdict | { outcome: 'pin-right' } {
  const begun = beginPinAttempt(pin, facts.now, facts.policy);
  if (!begun.allowed) return { pinNext: begun.next, pinChecked: null, outcome: 'reject', reason: 'account-locked', message: 'too many wrong PINs: the account was locked' };
  if (!facts.pinMatches) {
    const after = afterWrongPin(begun.next, facts.now, facts.policy);
    const message = after.lockedUntil ? 'the PIN was wrong; the account is now locked' : 'the PIN was wrong';
    return { pinNext: after, pinChecked: 'wrong', outcome: 'reject', reason: 'wrong-pin', message };
  }
  return { outcome: 'pin-right' };
}

const withPinChecked = (verdict: ProvisionalVerdict, pinChecked: 'right' | null): ProvisionalVerdict => ({ ...verdict, pinChecked });

/** The checks after the PIN; `cleared` is the PIN state to write (null: leave it, the attempt was counted before). */
function judgeEntry(user: { expiresOn: string }, facts: ProvisionalFacts, cleared: PinAttemptState | null): ProvisionalVerdict {
  const reject = (reason: ProvisionalRejection, message: string, pinNext: PinAttemptState | null = null): ProvisionalVerdict => ({
    pinNext,
    outcome: 'reject',
    reason,
    message,
  });
  if (registrationExpired(user.expiresOn, facts.occurredAt)) {
    return reject('registration-expired', `the registration had expired (${user.expiresOn}); renew it at a counter`, cleared);
  }
  if (facts.choiceProblem === 'invalid-choice') return reject('invalid-choice', 'a chosen slot is not part of this lottery', cleared);
  if (facts.choiceProblem === 'no-lottery') return reject('no-lottery', 'this month has no lottery: its slots are booked first-come', cleared);
  if (facts.windowProblem) return reject(WINDOW[facts.windowProblem].reason, WINDOW[facts.windowProblem].message, cleared);
  if (facts.clientEntry.kind === 'same') return { pinNext: cleared, outcome: 'same-entry', entryId: facts.clientEntry.entryId };
  if (facts.clientEntry.kind === 'other') return reject('client-id-conflict', 'this entry reference was already used for another entry', cleared);
  const refusal = facts.entryRules();
  if (refusal) {
    const rule = ENTRY[refusal.reason];
    return reject(rule.reason, rule.message('limit' in refusal ? refusal.limit : 0), cleared);
  }
  return { pinNext: cleared, outcome: 'accept' };
}
