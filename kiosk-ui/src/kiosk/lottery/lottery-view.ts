import type {
  BookingView,
  EntryView,
  FacilityView,
  Language,
  LotteryCardRefusal,
  LotteryUiState,
  ProvisionalEntryView,
  SlotView,
  UnsentEntry,
} from '@kiosk/protocols';
import type { LotteryMessageKey } from './i18n/index';

/**
 * The lottery screens' rules as pure functions (no Svelte, no socket): which screen, which slots can be
 * chosen, how choices are made, what a result says. Components only render what these return.
 */

export type LotteryScreenKind = 'sign-in' | 'menu' | 'facilities' | 'calendar' | 'review-entry' | 'review-booking' | 'done' | 'entries' | 'bookings';
export type LotteryPurpose = 'enter' | 'book';

/** Signed in → the menu and what follows; otherwise the sign-in screen whatever was showing. */
export function screenFor(state: LotteryUiState | null, wanted: LotteryScreenKind): LotteryScreenKind {
  if (state?.stage !== 'signed-in') return 'sign-in';
  return wanted === 'sign-in' ? 'menu' : wanted;
}

/** Why the hub refused a My Number card, in words a person can act on. */
const CARD_REFUSALS: Record<LotteryCardRefusal, LotteryMessageKey> = {
  'not-linked': 'lot.refusal.card.not-linked',
  revoked: 'lot.refusal.card.revoked',
  'certificate-expired': 'lot.refusal.card.expired',
  'certificate-not-yet-valid': 'lot.refusal.card.expired',
  'untrusted-chain': 'lot.refusal.card.untrusted',
  'malformed-certificate': 'lot.refusal.card.untrusted',
  'bad-signature': 'lot.refusal.card.retry',
  'challenge-unknown': 'lot.refusal.card.retry',
  'challenge-expired': 'lot.refusal.card.retry',
  'revocation-unknown': 'lot.refusal.card.unchecked',
};

/** The text explaining why a sign-in was refused (a key and its parameters), or null. */
export function refusalMessage(state: LotteryUiState | null, formatTime: (iso: string) => string): Array<{ key: LotteryMessageKey; params?: Record<string, string | number> }> {
  const refusal = state?.refusal;
  if (!refusal) return [];
  const known: Partial<Record<string, LotteryMessageKey>> = {
    invalid_credentials: 'lot.refusal.invalid_credentials',
    account_locked: 'lot.refusal.account_locked',
    registration_expired: 'lot.refusal.registration_expired',
    no_card: 'lot.refusal.no_card',
    hub_unreachable: 'lot.refusal.hub_unreachable',
    session_expired: 'lot.refusal.session_expired',
    invalid_message: 'lot.refusal.invalid_message',
    card_needs_hub: 'lot.refusal.card_needs_hub',
    card_pin_locked: 'lot.refusal.card_pin_locked',
    card_unreadable: 'lot.refusal.card_unreadable',
  };
  if (refusal.code === 'card_pin_wrong') return [{ key: 'lot.refusal.card_pin_wrong', params: { n: refusal.attemptsLeft ?? 0 } }];
  if (refusal.code === 'card_refused') return [{ key: CARD_REFUSALS[refusal.cardRefusal ?? 'untrusted-chain'] }];
  const lines: Array<{ key: LotteryMessageKey; params?: Record<string, string | number> }> = [
    { key: known[refusal.code] ?? 'lot.refusal.other', params: { until: refusal.lockedUntil ? formatTime(refusal.lockedUntil) : '' } },
  ];
  if (refusal.attemptsLeft !== undefined && refusal.code === 'invalid_credentials') lines.push({ key: 'lot.refusal.attemptsLeft', params: { n: refusal.attemptsLeft } });
  return lines;
}

/** Whether a slot can be chosen for this purpose. */
export function selectable(slot: SlotView, purpose: LotteryPurpose): boolean {
  return purpose === 'enter' ? slot.state === 'lottery-open' : slot.state === 'available';
}

export interface CalendarDay {
  date: string;
  day: number;
  /** Slots of this day, by start time then unit. */
  slots: SlotView[];
  /** How many can be chosen for the purpose. */
  open: number;
}

/** Every day of the month (`YYYY-MM`), each with its slots and how many can be chosen. */
export function calendarDays(month: string, slots: readonly SlotView[], purpose: LotteryPurpose): CalendarDay[] {
  const [year = 0, monthNumber = 0] = month.split('-').map(Number);
  const length = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  const byDate = new Map<string, SlotView[]>();
  for (const slot of slots) byDate.set(slot.date, [...(byDate.get(slot.date) ?? []), slot]);
  return Array.from({ length: Number.isFinite(length) ? length : 0 }, (_, index) => {
    const date = `${month}-${String(index + 1).padStart(2, '0')}`;
    const daySlots = byDate.get(date) ?? [];
    return {
      date,
      day: index + 1,
      slots: [...daySlots].sort((a, b) => a.start.localeCompare(b.start) || a.unitId.localeCompare(b.unitId)),
      open: daySlots.filter((slot) => selectable(slot, purpose)).length,
    };
  });
}

/** Empty cells before the 1st in a week that starts on Sunday (0 = the 1st is a Sunday). */
export function leadingBlanks(month: string): number {
  const [year = 0, monthNumber = 1] = month.split('-').map(Number);
  return new Date(Date.UTC(year, monthNumber - 1, 1)).getUTCDay();
}

const LOCALES: Readonly<Record<Language, string>> = { ja: 'ja-JP', en: 'en-US', 'zh-Hans': 'zh-CN', ko: 'ko-KR' };

/** Short weekday names, Sunday first, in the screen's language. */
export function weekdayNames(language: Language): string[] {
  const format = new Intl.DateTimeFormat(LOCALES[language], { weekday: 'short', timeZone: 'UTC' });
  // 2023-01-01 was a Sunday.
  return Array.from({ length: 7 }, (_, index) => format.format(new Date(Date.UTC(2023, 0, 1 + index))));
}

/** What "my entries" shows: the hub's entries and judged offline entries, and those not sent yet. */
export interface EntriesData {
  entries: EntryView[];
  provisional: ProvisionalEntryView[];
  unsent: UnsentEntry[];
}

/** One row of "my entries": not sent yet, judged offline, or the hub's entry; in that order, one list to page. */
export type EntryRow =
  | { kind: 'unsent'; key: string; entry: UnsentEntry }
  | { kind: 'provisional'; key: string; entry: ProvisionalEntryView }
  | { kind: 'entry'; key: string; entry: EntryView };

export function entryRows(data: EntriesData): EntryRow[] {
  return [
    ...data.unsent.map((entry): EntryRow => ({ kind: 'unsent', key: `unsent-${entry.clientEntryId}`, entry })),
    ...data.provisional.map((entry): EntryRow => ({ kind: 'provisional', key: `provisional-${entry.clientEntryId}`, entry })),
    ...data.entries.map((entry): EntryRow => ({ kind: 'entry', key: `entry-${entry.entryId}`, entry })),
  ];
}

export interface Choices {
  first: string | null;
  second: string | null;
}

export const NO_CHOICES: Choices = { first: null, second: null };

/**
 * Tapping a slot: unchoose it if chosen (a 2nd choice moves up when the 1st goes), else it becomes the
 * 1st choice, else the 2nd; with both taken the tap changes nothing.
 */
export function toggleChoice(choices: Choices, slotId: string): Choices {
  if (choices.first === slotId) return { first: choices.second, second: null };
  if (choices.second === slotId) return { first: choices.first, second: null };
  if (choices.first === null) return { first: slotId, second: null };
  if (choices.second === null) return { first: choices.first, second: slotId };
  return choices;
}

/** What to say about an entry's result and confirmation. */
export function entryStatusKey(entry: EntryView): LotteryMessageKey {
  if (entry.status === 'cancelled') return 'lot.entries.cancelled';
  if (entry.confirmation === 'confirmed') return 'lot.entries.confirmation.confirmed';
  if (entry.confirmation === 'declined') return 'lot.entries.confirmation.declined';
  if (entry.confirmation === 'released') return 'lot.entries.confirmation.released';
  return `lot.entries.result.${entry.result}`;
}

/** A won entry waiting for its winner (and the deadline not past) can be confirmed or declined. */
export function canConfirm(entry: EntryView, now: Date): boolean {
  return (
    entry.status === 'active' &&
    (entry.result === 'won-first' || entry.result === 'won-second') &&
    entry.confirmation === 'pending' &&
    (entry.confirmBy === null || Date.parse(entry.confirmBy) > now.getTime())
  );
}

/**
 * Results that changed after the draw and now wait for the person: a promoted alternate's win (they may
 * have seen 落選) still to be confirmed before its deadline. Told on the first screen after sign-in
 * (issue 20, item 7) until confirmed, declined or past its deadline.
 */
export function changedResults(entries: readonly EntryView[], now: Date): EntryView[] {
  return entries.filter((entry) => entry.promoted === true && canConfirm(entry, now));
}

/** An active entry can be cancelled until its draw (result still pending). */
export function canCancel(entry: EntryView): boolean {
  return entry.status === 'active' && entry.result === 'pending';
}

/** Offline entries the hub has judged but did not turn into an entry listed above (pending or rejected). */
export function provisionalToShow(provisional: readonly ProvisionalEntryView[]): ProvisionalEntryView[] {
  return provisional.filter((entry) => entry.status !== 'accepted');
}

/**
 * Facility names, one rule for every language: the official Japanese name always (what the facility's
 * signs, its staff and the receipt use), then the catalogue's translation in brackets for the other
 * languages. The catalogue has English only, so Chinese and Korean show the English one too.
 */
function withTranslation(official: string, english: string, language: Language): string {
  return language === 'ja' ? official : `${official} (${english})`;
}

/** Facility and unit names for the screen (see `withTranslation`). */
export function placeName(facilities: readonly FacilityView[], slotId: string, language: Language): string {
  const unitId = slotId.split('@')[0] ?? slotId;
  for (const facility of facilities) {
    const unit = facility.units.find((candidate) => candidate.unitId === unitId);
    if (unit) return withTranslation(`${facility.name} ${unit.name}`, `${facility.nameEn} ${unit.nameEn}`, language);
  }
  return unitId;
}

/** The facility a slot belongs to, if known. */
export function facilityOfSlot(facilities: readonly FacilityView[], slotId: string): FacilityView | null {
  const unitId = slotId.split('@')[0] ?? slotId;
  return facilities.find((facility) => facility.units.some((unit) => unit.unitId === unitId)) ?? null;
}

export function facilityName(facility: FacilityView, language: Language): string {
  return withTranslation(facility.name, facility.nameEn, language);
}

/** `2027-02-09T0900` part of a slot id as `2027-02-09 09:00`. */
export function slotWhen(slotId: string): string {
  const match = /@([0-9-]{10})T([0-9]{2})([0-9]{2})$/.exec(slotId);
  return match ? `${match[1]} ${match[2]}:${match[3]}` : slotId;
}

/** An instant in Japan time, `YYYY-MM-DD HH:MM`. */
/**
 * A confirmed booking may be cancelled (the fee is quoted first). A held one is a lottery win waiting for
 * its winner: it is confirmed or declined (`winOf`), never cancelled.
 */
export function canCancelBooking(booking: BookingView): boolean {
  return booking.status === 'confirmed';
}

/** The entry whose win a held booking is, if it can still be confirmed or declined. */
export function winOf(booking: BookingView, entries: readonly EntryView[], now: Date): EntryView | null {
  if (booking.status !== 'held' || booking.source !== 'lottery') return null;
  return entries.find((entry) => entry.wonSlotId === booking.slotId && canConfirm(entry, now)) ?? null;
}

/**
 * The month as the calendar draws it: weeks of seven cells from Sunday, null before the 1st and after
 * the last day (so a page of weeks is a block of whole rows).
 */
export function calendarWeeks(month: string, days: readonly CalendarDay[]): Array<Array<CalendarDay | null>> {
  const cells: Array<CalendarDay | null> = [...Array.from({ length: leadingBlanks(month) }, () => null), ...days];
  const weeks: Array<Array<CalendarDay | null>> = [];
  for (let start = 0; start < cells.length; start += 7) {
    const week = cells.slice(start, start + 7);
    weeks.push([...week, ...Array.from({ length: 7 - week.length }, () => null)]);
  }
  return weeks;
}
