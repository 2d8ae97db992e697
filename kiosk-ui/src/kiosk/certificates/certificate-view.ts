import type {
  CardAuthFailureReason,
  CertificateFlowErrorCode,
  CertificatePreflightProblem,
  CertificateScreen,
  CertificatesPinKey,
  CertificateViewState,
  Language,
} from '@kiosk/protocols';
import { formatYen, isCertKey, type CertMessageKey, type CertTranslate } from './i18n/index';
import type { PinPadKey } from '../pin-pad';

/**
 * The certificate screens' rules as pure functions of the agent's view state: which screens time out,
 * what each failure says, what the person must take away. The Svelte side only renders their results.
 */

/**
 * Screens where a person is expected to act: the idle rule runs there. Where the agent is working
 * (reading, verifying, returning coins, issuing, printing, refunding) it is off: money or paper is in
 * play, or the person is simply waiting.
 */
const PERSON_FACING: ReadonlySet<CertificateScreen> = new Set<CertificateScreen>([
  'idle',
  'unavailable',
  'insert-card',
  'not-a-my-number-card',
  'card-trouble',
  'pin',
  'card-locked',
  'card-refused',
  'choose',
  'confirm',
  'remove-card',
  'card-left-behind',
  'pay',
  'cancelled',
  'take-certificate',
  'refunded',
  'error',
]);

export function idleArmedOn(screen: CertificateScreen): boolean {
  return PERSON_FACING.has(screen);
}

/** Screens the person may leave with "cancel" (before payment is complete; `pay` returns the coins). */
const CANCELLABLE: ReadonlySet<CertificateScreen> = new Set<CertificateScreen>([
  'insert-card',
  'not-a-my-number-card',
  'card-trouble',
  'pin',
  'choose',
  'confirm',
  'remove-card',
  'card-left-behind',
  'pay',
]);

export function cancellable(screen: CertificateScreen): boolean {
  return CANCELLABLE.has(screen);
}

/**
 * When the flow has really ended for this person: `done` reached from another screen. A `done` left over
 * from the previous person (the first state seen) is not an end of this flow.
 */
export function flowEnded(previous: CertificateViewState | null, next: CertificateViewState): boolean {
  return next.screen === 'done' && previous !== null && previous.screen !== 'done';
}

/**
 * After the session ended (idle expiry) the screen stays on the flow while the agent still has something
 * to show (a card to take, coins coming back); this says the agent's flow is over (`done`, or `idle`:
 * wiped or never started), so the kiosk can go home.
 */
export function flowGone(state: CertificateViewState): boolean {
  return state.screen === 'done' || state.screen === 'idle';
}

/** What a pad key becomes on the wire: the digit as a number, or clear / enter. */
export function pinKeyMessage(key: PinPadKey): CertificatesPinKey {
  if (key === 'clear') return { type: 'clear' };
  if (key === 'enter') return { type: 'enter' };
  return { type: 'digit', digit: Number(key) };
}

/** A device health reason in words; reasons we have no text for read as a generic fault. */
function reasonText(t: CertTranslate, reason: string): string {
  const key = `cert.reason.${reason}`;
  return isCertKey(key) ? t(key) : t('cert.reason.other');
}

const DEVICE_PROBLEM_KEY = {
  'document-printer': 'cert.unavailable.printer',
  'receipt-printer': 'cert.unavailable.receipt',
  'coin-acceptor': 'cert.unavailable.cash',
  'coin-hopper': 'cert.unavailable.cash',
  'card-reader': 'cert.unavailable.card-reader',
} as const satisfies Record<Extract<CertificatePreflightProblem, { kind: 'device' }>['device'], CertMessageKey>;

/** When the service opens again, as a person there reads it (Japan time, the kiosk's own zone). */
export function formatReopening(language: Language, instant: string): string {
  return new Intl.DateTimeFormat(language, {
    timeZone: 'Asia/Tokyo',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(instant));
}

/** The day the service opens again, with its weekday, and the time it opens (Japan time). */
export function formatOpenDay(language: Language, instant: string): { day: string; time: string } {
  const date = new Date(instant);
  return {
    day: new Intl.DateTimeFormat(language, { timeZone: 'Asia/Tokyo', month: 'long', day: 'numeric', weekday: 'short' }).format(date),
    time: new Intl.DateTimeFormat(language, { timeZone: 'Asia/Tokyo', hour: 'numeric', minute: '2-digit' }).format(date),
  };
}

/** One line per failed check, in the agent's order; each says which check failed and why. */
export function problemLines(t: CertTranslate, language: Language, problems: readonly CertificatePreflightProblem[]): string[] {
  return problems.map((problem) => {
    switch (problem.kind) {
      case 'service-closed': {
        const why = t(`cert.unavailable.${problem.reason}`);
        // A maintenance day: the resident is told which day to come back.
        if (problem.reason === 'maintenance' && problem.reopensAt !== null) return `${why} ${t('cert.unavailable.nextOpenDay', formatOpenDay(language, problem.reopensAt))}`;
        return problem.reopensAt === null ? why : `${why} ${t('cert.unavailable.reopens', { time: formatReopening(language, problem.reopensAt) })}`;
      }
      case 'hub-unreachable':
        return t('cert.unavailable.hub');
      case 'not-offered':
        return t('cert.unavailable.not-offered');
      case 'out-of-service':
        return t('cert.unavailable.out-of-service');
      case 'device': {
        const reasons = problem.reasons.length > 0 ? problem.reasons : [problem.status === 'error' ? 'other' : 'missing'];
        const detail = [...new Set(reasons.map((reason) => reasonText(t, reason)))].join(t('cert.list.separator'));
        return t(DEVICE_PROBLEM_KEY[problem.device], { detail });
      }
    }
  });
}

/** Several technical refusals read the same to a resident: what matters is what to do next. */
export function cardRefusalKey(reason: CardAuthFailureReason): CertMessageKey {
  switch (reason) {
    case 'revoked':
      return 'cert.refused.revoked';
    case 'certificate-expired':
      return 'cert.refused.expired';
    case 'certificate-not-yet-valid':
      return 'cert.refused.not-yet-valid';
    case 'unknown-resident':
      return 'cert.refused.unknown-resident';
    case 'challenge-unknown':
    case 'challenge-expired':
      return 'cert.refused.retry';
    case 'revocation-unknown':
      return 'cert.refused.unavailable';
    case 'malformed-certificate':
    case 'bad-signature':
    case 'untrusted-chain':
      return 'cert.refused.invalid';
  }
}

/** The `error` screen: before payment only, so the message is always "start again", with the cause when it helps. */
export function errorBodyKey(code: CertificateFlowErrorCode): CertMessageKey {
  switch (code) {
    case 'hub-unreachable':
      return 'cert.unavailable.hub';
    case 'card-reader':
      return 'cert.error.cardReader';
    case 'session-expired':
    case 'session-unknown':
    case 'challenge-expired':
      return 'cert.error.timeout';
    case 'out_of_service':
      return 'cert.unavailable.out-of-service';
    default:
      return 'cert.failed.body';
  }
}

export interface ReminderItem {
  id: 'certificate' | 'change' | 'change-unpaid' | 'receipt' | 'coins' | 'voucher';
  text: string;
}

/**
 * The pay screen's coin lines: which coins the machine takes now, and, when its hoppers cannot give the
 * change (`exactAmountOnly`), the exact-amount notice first. Null notice while change can be given.
 */
export function payCoinLines(t: CertTranslate, language: Language, state: Extract<CertificateViewState, { screen: 'pay' }>): { notice: string | null; coins: string } {
  const all = state.acceptedCoins.length === 4 && !state.exactAmountOnly;
  const coins = all
    ? t('cert.pay.coins')
    : t('cert.pay.coinsNow', { coins: state.acceptedCoins.map((coin) => formatYen(language, coin)).join(t('cert.pay.coinSeparator')) });
  return { notice: state.exactAmountOnly ? t('cert.pay.exactOnly') : null, coins };
}

/** The last screen's heading: it says so up front when change is owed (never only "take your change"). */
export function takeHeadingKey(state: Extract<CertificateViewState, { screen: 'take-certificate' }>): CertMessageKey {
  return state.unpaidChangeYen > 0 ? 'cert.take.headingChangeOwed' : 'cert.take.heading';
}

/** Change owed that the hopper could not pay: how much, and what to do with the voucher (or without one). */
function unpaidChangeItems(t: CertTranslate, yen: (amount: number) => string, state: Extract<CertificateViewState, { screen: 'take-certificate' }>): ReminderItem[] {
  if (state.unpaidChangeYen === 0) return [];
  const owed = yen(state.unpaidChangeYen);
  const what = t(state.changeYen > 0 ? 'cert.take.changeUnpaidPart' : 'cert.take.changeUnpaid', { yen: owed });
  const voucherKey = !state.voucherPrinted ? 'cert.take.voucherMissing' : state.receiptPrinted ? 'cert.take.voucherReceipt' : 'cert.take.voucherSlip';
  return [
    { id: 'change-unpaid', text: what },
    { id: 'voucher', text: t(voucherKey, { yen: owed }) },
  ];
}

/** What the person must take from the kiosk now, one line each; empty on other screens. */
export function reminderItems(t: CertTranslate, language: Language, state: CertificateViewState): ReminderItem[] {
  const yen = (amount: number) => formatYen(language, amount);
  switch (state.screen) {
    case 'take-certificate': {
      // "Take your change" only for what the hopper paid out; what it could not pay is said as owed.
      const items: ReminderItem[] = [...unpaidChangeItems(t, yen, state), { id: 'certificate', text: t('cert.take.certificate', { copies: state.copies }) }];
      if (state.changeYen > 0) items.push({ id: 'change', text: t('cert.take.change', { yen: yen(state.changeYen) }) });
      if (state.receiptPrinted) items.push({ id: 'receipt', text: t('cert.take.receipt') });
      return items;
    }
    case 'refunded': {
      const items: ReminderItem[] = [];
      if (state.hopperYen > 0) items.push({ id: 'coins', text: t('cert.refunded.hopper', { yen: yen(state.hopperYen) }) });
      if (state.voucherYen > 0) items.push({ id: 'voucher', text: t('cert.refunded.voucher', { yen: yen(state.voucherYen) }) });
      return items;
    }
    case 'cancelled': {
      const items: ReminderItem[] = [];
      if (state.returnedYen > 0) items.push({ id: 'coins', text: t('cert.cancelled.returned', { yen: yen(state.returnedYen) }) });
      if (state.unreturnedYen > 0) items.push({ id: 'voucher', text: t('cert.refunded.voucher', { yen: yen(state.unreturnedYen) }) });
      return items;
    }
    default:
      return [];
  }
}

/** About how long each step after payment takes (the hub's answer, an A4 page with its copies, a receipt). */
const STEP_SECONDS = [20, 60, 15] as const;

/**
 * The long wait after payment in three visible steps: issuing, printing the certificate, printing the
 * receipt; `step` is the one under way (1-based) and `minutesLeft` a rounded-up estimate to say.
 */
export function afterPaymentStep(state: CertificateViewState): { done: number; total: number; step: number; minutesLeft: number } | null {
  const done = state.screen === 'issuing' ? 0 : state.screen === 'printing' ? (state.stage === 'certificate' ? 1 : 2) : null;
  if (done === null) return null;
  const seconds = STEP_SECONDS.slice(done).reduce((sum, each) => sum + each, 0);
  return { done, total: STEP_SECONDS.length, step: done + 1, minutesLeft: Math.max(1, Math.ceil(seconds / 60)) };
}
