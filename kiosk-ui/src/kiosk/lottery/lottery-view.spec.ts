import type { EntryView, FacilityView, LotteryUiState, SlotView } from '@kiosk/protocols';
import {
  calendarDays,
  canCancel,
  canCancelBooking,
  canConfirm,
  changedResults,
  entryStatusKey,
  facilityName,
  leadingBlanks,
  NO_CHOICES,
  placeName,
  refusalMessage,
  screenFor,
  selectable,
  slotWhen,
  toggleChoice,
  weekdayNames,
  winOf,
} from './lottery-view';
import { calendarMonths, dayLabel, daysBefore, deadlineLabel } from './lottery-dates';
import { failureKey, failureText } from './lottery-failures';
import { lotteryTranslator } from './i18n/index';

const state = (over: Partial<LotteryUiState>): LotteryUiState => ({
  stage: 'awaiting-card',
  pinDigits: 0,
  cardHint: null,
  mode: null,
  user: null,
  refusal: null,
  offlineEntryAvailable: false,
  ...over,
});

const slot = (over: Partial<SlotView>): SlotView => ({
  slotId: 'nobata-court-1@2027-02-09T0900',
  unitId: 'nobata-court-1',
  date: '2027-02-09',
  start: '09:00',
  end: '11:00',
  feeYen: 1200,
  state: 'lottery-open',
  ...over,
});

const entry = (over: Partial<EntryView>): EntryView => ({
  entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  entryNumber: '0000000042',
  clientEntryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
  roundId: 'toyonaka-tennis-2027-02',
  firstSlotId: 'nobata-court-1@2027-02-09T0900',
  secondSlotId: null,
  status: 'active',
  channel: 'online',
  occurredAt: '2026-12-05T01:00:00Z',
  acceptedAt: '2026-12-05T01:00:00Z',
  result: 'pending',
  wonSlotId: null,
  confirmation: 'none',
  confirmBy: null,
  ...over,
});

describe('lottery screens', () => {
  it('shows the sign-in until the agent says signed in', () => {
    expect(screenFor(null, 'entries')).toBe('sign-in');
    expect(screenFor(state({ stage: 'signing-in' }), 'calendar')).toBe('sign-in');
    expect(screenFor(state({ stage: 'signed-in', mode: 'online' }), 'sign-in')).toBe('menu');
    expect(screenFor(state({ stage: 'signed-in', mode: 'online' }), 'entries')).toBe('entries');
  });

  it('explains a refusal with the tries left or the lock time', () => {
    expect(refusalMessage(state({ refusal: { code: 'invalid_credentials', attemptsLeft: 2 } }), (iso) => iso).map((line) => line.key)).toEqual([
      'lot.refusal.invalid_credentials',
      'lot.refusal.attemptsLeft',
    ]);
    expect(refusalMessage(state({ refusal: { code: 'account_locked', lockedUntil: 'X' } }), (iso) => `at ${iso}`)).toEqual([
      { key: 'lot.refusal.account_locked', params: { until: 'at X' } },
    ]);
    expect(refusalMessage(state({ refusal: { code: 'internal' } }), String)[0]?.key).toBe('lot.refusal.other');
    expect(refusalMessage(state({}), String)).toEqual([]);
  });

  it('explains a My Number card refusal: tries left, not linked, revoked, needs the centre', () => {
    expect(refusalMessage(state({ refusal: { code: 'card_pin_wrong', attemptsLeft: 1 } }), String)).toEqual([{ key: 'lot.refusal.card_pin_wrong', params: { n: 1 } }]);
    expect(refusalMessage(state({ refusal: { code: 'card_refused', cardRefusal: 'not-linked' } }), String)[0]?.key).toBe('lot.refusal.card.not-linked');
    expect(refusalMessage(state({ refusal: { code: 'card_refused', cardRefusal: 'revoked' } }), String)[0]?.key).toBe('lot.refusal.card.revoked');
    expect(refusalMessage(state({ refusal: { code: 'card_needs_hub' } }), String)[0]?.key).toBe('lot.refusal.card_needs_hub');
  });

  it('chooses 1st then 2nd, moves the 2nd up when the 1st is dropped, and ignores a third', () => {
    let choices = toggleChoice(NO_CHOICES, 'a');
    choices = toggleChoice(choices, 'b');
    expect(choices).toEqual({ first: 'a', second: 'b' });
    expect(toggleChoice(choices, 'c')).toBe(choices);
    expect(toggleChoice(choices, 'a')).toEqual({ first: 'b', second: null });
    expect(toggleChoice(choices, 'b')).toEqual({ first: 'a', second: null });
  });

  it('lets lottery slots be entered and open slots be booked, nothing else', () => {
    expect(selectable(slot({ state: 'lottery-open' }), 'enter')).toBe(true);
    expect(selectable(slot({ state: 'lottery-open' }), 'book')).toBe(false);
    expect(selectable(slot({ state: 'available' }), 'book')).toBe(true);
    expect(selectable(slot({ state: 'booked' }), 'book')).toBe(false);
  });

  it('lays out every day of the month, counting what can be chosen, weeks starting on Sunday', () => {
    const days = calendarDays(
      '2027-02',
      [
        slot({ slotId: 'u@2027-02-10T0900', date: '2027-02-10', state: 'held' }),
        slot({ slotId: 'u@2027-02-09T1300', date: '2027-02-09', start: '13:00' }),
        slot({}),
      ],
      'enter',
    );
    expect(days).toHaveLength(28);
    expect(days.filter((day) => day.slots.length > 0).map((day) => [day.date, day.day, day.open, day.slots.map((s) => s.start)])).toEqual([
      ['2027-02-09', 9, 2, ['09:00', '13:00']],
      ['2027-02-10', 10, 0, ['09:00']],
    ]);
    expect(calendarDays('2028-02', [], 'book')).toHaveLength(29);
    expect(leadingBlanks('2027-02')).toBe(1); // 1 February 2027 is a Monday
    expect(leadingBlanks('2026-11')).toBe(0); // 1 November 2026 is a Sunday
    expect(weekdayNames('ja')[0]).toBe('日');
    expect(weekdayNames('en')).toEqual(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']);
  });

  it('offers the lottery clock’s month and the next two in Japan time, across the year end', () => {
    expect(calendarMonths(new Date('2026-12-31T15:30:00Z'))).toEqual(['2027-01', '2027-02', '2027-03']);
    expect(calendarMonths(new Date('2026-12-05T01:00:00Z'))).toEqual(['2026-12', '2027-01', '2027-02']);
  });

  it('tells at sign-in only the results that changed and still wait for the person: a promoted win to confirm (issue 20, item 7)', () => {
    const now = new Date('2026-12-15T00:00:00Z');
    const promoted = entry({ entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70', result: 'won-first', wonSlotId: 'nobata-court-1@2027-02-09T0900', confirmation: 'pending', confirmBy: '2026-12-20T15:00:00Z', promoted: true });
    const drawnWin = { ...promoted, entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a71', promoted: undefined };
    const confirmed = { ...promoted, entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a72', confirmation: 'confirmed' as const };
    const late = { ...promoted, entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a73', confirmBy: '2026-12-14T00:00:00Z' };
    expect(changedResults([entry({}), drawnWin, confirmed, late, promoted], now)).toEqual([promoted]);
    const t = lotteryTranslator('en');
    expect(t('lot.changes.confirmBy', { date: deadlineLabel('2026-12-20T15:00:00Z', 'en') })).toBe(
      'Please confirm no later than Sun, Dec 20. If you do not confirm by then, the win passes to the next person.',
    );
    expect(lotteryTranslator('ja')('lot.changes.confirmBy', { date: deadlineLabel('2026-12-20T15:00:00Z', 'ja') })).toMatch(/^12月20日（日）までに利用を確定してください。/);
  });

  it('offers confirm only for a won entry awaiting confirmation before its deadline, cancel only before the draw', () => {
    const now = new Date('2026-12-15T00:00:00Z');
    const won = entry({ result: 'won-first', confirmation: 'pending', confirmBy: '2026-12-20T15:00:00Z' });
    expect(canConfirm(won, now)).toBe(true);
    expect(canConfirm({ ...won, confirmBy: '2026-12-14T00:00:00Z' }, now)).toBe(false);
    expect(canConfirm({ ...won, confirmation: 'confirmed' }, now)).toBe(false);
    expect(canConfirm(entry({ result: 'lost' }), now)).toBe(false);
    expect(canCancel(entry({}))).toBe(true);
    expect(canCancel(won)).toBe(false);
    expect(entryStatusKey(won)).toBe('lot.entries.result.won-first');
    expect(entryStatusKey({ ...won, confirmation: 'confirmed' })).toBe('lot.entries.confirmation.confirmed');
    expect(slotWhen('nobata-court-1@2027-02-09T0900')).toBe('2027-02-09 09:00');
  });

  it('says every refusal in the person’s words, by what they were doing (issue 20)', () => {
    const t = lotteryTranslator('ja');
    const refusal = (code: 'slot_unavailable' | 'outside_window' | 'internal' | 'duplicate_entry') => ({ ok: false as const, error: { code, message: 'x' } });
    // The hub refuses a held win's cancellation with slot_unavailable: never "this slot was just booked".
    expect(failureKey('booking.cancel', refusal('slot_unavailable'))).toBe('lot.fail.booking_not_cancellable');
    expect(failureKey('entry.decide', refusal('slot_unavailable'))).toBe('lot.fail.win_decided');
    expect(failureKey('booking.create', refusal('slot_unavailable'))).toBe('lot.fail.slot_taken');
    expect(failureKey('entry.decide', refusal('outside_window'))).toBe('lot.fail.confirm_closed');
    expect(failureKey('entry.submit', refusal('duplicate_entry'))).toBe('lot.fail.duplicate_entry');
    // No message of the agent's (English, internal) reaches the screen.
    expect(failureText('browse', refusal('internal'), t)).toBe('センターで問題が発生しました。しばらくしてからもう一度お試しください。');
  });

  it('offers an unconfirmed win under my bookings as confirm/decline, never as a cancellation (issue 20)', () => {
    const now = new Date('2026-12-15T00:00:00Z');
    const held = { bookingId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', bookingNumber: '1000000007', slotId: 'u@2027-02-20T0900', source: 'lottery', status: 'held', feeYen: 1200, createdAt: '2026-12-05T01:00:00Z' } as const;
    const won = entry({ result: 'won-first', confirmation: 'pending', confirmBy: '2026-12-20T15:00:00Z', wonSlotId: 'u@2027-02-20T0900' });
    expect(canCancelBooking(held)).toBe(false);
    expect(winOf(held, [entry({}), won], now)).toBe(won);
    expect(winOf({ ...held, status: 'confirmed' }, [won], now)).toBeNull();
  });

  it('writes a midnight deadline as the end of the day before, per language, in Japan time (issue 20)', () => {
    expect(deadlineLabel('2026-12-21T00:00:00+09:00', 'ja')).toBe('12月20日（日）');
    expect(lotteryTranslator('ja')('lot.entries.confirmBy', { date: deadlineLabel('2026-12-20T15:00:00Z', 'ja') })).toBe('12月20日（日）までに利用を確定してください');
    expect(deadlineLabel('2026-12-21T00:00:00+09:00', 'en')).toBe('Sun, Dec 20');
    expect(deadlineLabel('2026-12-21T00:00:00+09:00', 'ko')).toBe('12월 20일 (일)');
    expect(deadlineLabel('2026-12-21T00:00:00+09:00', 'zh-Hans')).toBe('12月20日周日');
    expect(deadlineLabel('2026-12-20T08:00:00Z', 'ja')).toBe('12月20日（日） 17:00');
    expect(dayLabel('2027-02-14', 'ja')).toBe('2月14日（日）');
    expect(daysBefore('2027-03-02', 7)).toBe('2027-02-23');
  });

  it('offers a booking cancellation only while the booking stands', () => {
    const booking = { bookingId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', bookingNumber: '0000000007', slotId: 'u@2026-12-20T0900', source: 'first-come', feeYen: 1200, createdAt: '2026-12-05T01:00:00Z' } as const;
    expect(canCancelBooking({ ...booking, status: 'confirmed' })).toBe(true);
    expect(canCancelBooking({ ...booking, status: 'held' })).toBe(false);
    expect(canCancelBooking({ ...booking, status: 'cancelled' })).toBe(false);
    expect(canCancelBooking({ ...booking, status: 'released' })).toBe(false);
  });
});

describe('facility names (issue 20, item 10)', () => {
  const gym: FacilityView = {
    facilityId: 'toyonaka-toyoshima-gym',
    municipality: '豊中市',
    name: '豊島体育館',
    nameEn: 'Toyoshima Gymnasium',
    facilityType: 'gym',
    cancelDeadlineDays: 3,
    units: [{ unitId: 'toyonaka-toyoshima-gym-main', name: '主競技場', nameEn: 'Main arena', sports: ['basketball'] }],
  };

  it('shows the official Japanese name in every language, with the English one alongside in the others', () => {
    expect(facilityName(gym, 'ja')).toBe('豊島体育館');
    expect(placeName([gym], 'toyonaka-toyoshima-gym-main@2027-02-14T1300', 'ja')).toBe('豊島体育館 主競技場');
    // Chinese and Korean follow the same rule as English (the catalogue's only translation is English).
    for (const language of ['en', 'zh-Hans', 'ko'] as const) {
      expect(facilityName(gym, language)).toBe('豊島体育館 (Toyoshima Gymnasium)');
      expect(placeName([gym], 'toyonaka-toyoshima-gym-main@2027-02-14T1300', language)).toBe('豊島体育館 主競技場 (Toyoshima Gymnasium Main arena)');
    }
  });
});
