import type {
  BookingView,
  CancellationQuote,
  EntryView,
  FacilityView,
  LotteryReceiptOutcome,
  LotteryUiEntrySubmitAck,
  LotteryUiFailure,
  LotteryUiState,
  SlotView,
} from '@kiosk/protocols';
import type { LotteryTranslate } from './i18n/index';
import { failureText, type LotteryAction } from './lottery-failures';
import { NO_CHOICES, screenFor, type Choices, type EntriesData, type LotteryPurpose, type LotteryScreenKind } from './lottery-view';

/** What the done screen tells: the entry the hub (or the agent, offline) took, or the booking made. */
export type LotteryDone =
  | { kind: 'entry'; ack: Extract<LotteryUiEntrySubmitAck, { ok: true }> }
  | { kind: 'booking'; booking: BookingView; receipt: LotteryReceiptOutcome };

/** A problem to show: a refusal (worded for the action) or a request that failed outright. */
export type LotteryProblem = { action: LotteryAction; failure: LotteryUiFailure } | { message: string };

/** Which list's page a pager moves. */
export type LotteryPager = 'facilities' | 'weeks' | 'slots' | 'entries' | 'bookings';

/**
 * Everything the lottery screens show for one visit, as one immutable value: the controller makes a new
 * one for every change and the components only read it.
 */
export interface LotteryScreenData {
  /** The agent's last pushed lottery state (sign-in stage, mode, refusal). */
  agent: LotteryUiState | null;
  /** The screen the person went to (the agent's stage may override it: `screenFor`). */
  wanted: LotteryScreenKind;
  purpose: LotteryPurpose;
  facilities: readonly FacilityView[];
  /** The hub's lottery clock (as the agent last heard it): the months and deadlines go by it, not the browser's date. */
  lotteryNow: Date | null;
  /** When the shown catalogue or month came from the agent's cache: as of when. */
  asOf: string | null;
  facility: FacilityView | null;
  month: string;
  slots: readonly SlotView[];
  /** Every slot shown this session, so a choice in another month still reads with its date and end time. */
  seenSlots: ReadonlyMap<string, SlotView>;
  /** The month whose availability the calendar shows (null while it loads). */
  loadedMonth: string | null;
  /** The month this terminal has no information on (offline, never cached). */
  noInfoMonth: string | null;
  day: string | null;
  choices: Choices;
  bookingSlot: SlotView | null;
  done: LotteryDone | null;
  entries: EntriesData | null;
  bookings: readonly BookingView[] | null;
  quote: CancellationQuote | null;
  problem: LotteryProblem | null;
  busy: boolean;
  /** Results that changed after the draw, told on the menu (the first screen after sign-in). */
  changes: readonly EntryView[];
  /** The page each paged list shows (0-based; clamped when drawn). */
  pages: Readonly<Record<LotteryPager, number>>;
}

export const FIRST_PAGES: Readonly<Record<LotteryPager, number>> = { facilities: 0, weeks: 0, slots: 0, entries: 0, bookings: 0 };

export const INITIAL_SCREEN_DATA: LotteryScreenData = {
  agent: null,
  wanted: 'menu',
  purpose: 'enter',
  facilities: [],
  lotteryNow: null,
  asOf: null,
  facility: null,
  month: '',
  slots: [],
  seenSlots: new Map(),
  loadedMonth: null,
  noInfoMonth: null,
  day: null,
  choices: NO_CHOICES,
  bookingSlot: null,
  done: null,
  entries: null,
  bookings: null,
  quote: null,
  problem: null,
  busy: false,
  changes: [],
  pages: FIRST_PAGES,
};

/** The screen shown: the agent's sign-in stage first, then where the person went. */
export function shownScreen(data: LotteryScreenData): LotteryScreenKind {
  return screenFor(data.agent, data.wanted);
}

export function isOffline(data: LotteryScreenData): boolean {
  return data.agent?.mode === 'offline';
}

/** The lottery's time for deadlines (the epoch before the hub's clock is known: nothing is "still open"). */
export function lotteryTime(data: LotteryScreenData): Date {
  return data.lotteryNow ?? new Date(0);
}

/** The printer prints Japanese and English only: a Korean or Chinese session is told its receipt is in English. */
export function doneReceipt(done: LotteryDone | null): LotteryReceiptOutcome | null {
  if (done === null) return null;
  return done.kind === 'entry' ? done.ack.receipt : done.receipt;
}

/** Where 戻る goes from each screen after sign-in. */
export function backFrom(screen: LotteryScreenKind): LotteryScreenKind {
  if (screen === 'calendar') return 'facilities';
  if (screen === 'review-entry' || screen === 'review-booking') return 'calendar';
  return 'menu';
}

/** The problem in words, in the screen's language. */
export function problemText(problem: LotteryProblem, t: LotteryTranslate): string {
  return 'message' in problem ? t('lot.error', { message: problem.message }) : failureText(problem.action, problem.failure, t);
}
