import { encodeReceipt, renderEscPos, type Receipt } from '@kiosk/devices';
import { provisionalReference, type BookingView, type EntryView, type Language } from '@kiosk/protocols';
import { tennisFacility as facility, tennisRound as round, tennisSlot } from './lottery-fixtures';
import { bookingReceipt, confirmedWinReceipt, entryReceipt, provisionalEntryReceipt, receiptLanguage } from './receipts';

const slot = tennisSlot.slotId;
const clientEntryId = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const entry: EntryView = {
  entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
  entryNumber: '0000000042',
  clientEntryId,
  roundId: round.roundId,
  firstSlotId: slot,
  secondSlotId: null,
  status: 'active',
  channel: 'online',
  occurredAt: '2026-12-05T01:00:00Z',
  acceptedAt: '2026-12-05T01:00:00Z',
  result: 'pending',
  wonSlotId: null,
  confirmation: 'none',
  confirmBy: null,
};
const booking: BookingView = {
  bookingId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d',
  bookingNumber: '0000000007',
  slotId: slot,
  feeYen: 1200,
  source: 'first-come',
  status: 'confirmed',
  createdAt: '2026-12-22T03:00:00Z',
};

/** The receipt as the paper reads it: through the printer's encoder and back (Shift_JIS, kanji mode). */
function printed(receipt: Receipt): string {
  const { receipts } = renderEscPos(encodeReceipt(receipt));
  expect(receipts).toHaveLength(1);
  return receipts[0] ?? '';
}

describe('lottery receipts (issue 20, items 7 and 10)', () => {
  const languages: Language[] = ['ja', 'en', 'zh-Hans', 'ko'];

  it('prints Japanese for Japanese sessions and English for the rest: the printer has no Hangul or simplified Chinese', () => {
    expect(languages.map(receiptLanguage)).toEqual(['ja', 'en', 'en', 'en']);
    // The limit itself: the Shift_JIS encoder refuses Hangul and simplified-only characters.
    expect(() => encodeReceipt({ lines: [{ text: '추첨 신청' }] })).toThrow();
    expect(() => encodeReceipt({ lines: [{ text: '抽签申请 预约' }] })).toThrow();
  });

  it('prints the entry receipt in the session’s language, the official Japanese name in every language', () => {
    const ja = printed(entryReceipt(entry, [facility], 'ja'));
    expect(ja).toContain('抽選申込 受付票');
    expect(ja).toContain('受付番号 0000000042');
    expect(ja).toContain('野畑テニスコート 1番コート');
    expect(ja).not.toMatch(/Entry No|Lottery/);
    for (const language of ['en', 'zh-Hans', 'ko'] as const) {
      const text = printed(entryReceipt(entry, [facility], language));
      expect(text).toContain('LOTTERY ENTRY');
      expect(text).toContain('Entry No. 0000000042');
      expect(text).toContain('野畑テニスコート 1番コート');
      expect(text).toContain('(Nobata Tennis Courts Court 1)');
      expect(text).toContain('Accepted 2026-12-05 10:00');
      expect(text).not.toContain('受付番号');
    }
  });

  it('prints the provisional receipt with its short reference in either language, never the long id', () => {
    const unsent = { clientEntryId, roundId: round.roundId, firstSlotId: slot, secondSlotId: null, occurredAt: '2026-12-05T01:00:00Z' };
    const reference = provisionalReference(clientEntryId);
    const ja = printed(provisionalEntryReceipt(unsent, [facility], 'ja'));
    expect(ja).toContain('仮受付');
    expect(ja).toContain(`仮受付番号 ${reference}`);
    expect(ja).not.toContain('PROVISIONAL');
    const ko = printed(provisionalEntryReceipt(unsent, [facility], 'ko'));
    expect(ko).toContain('PROVISIONAL');
    expect(ko).toContain(`Reference ${reference}`);
    expect(ko).toContain('野畑テニスコート 1番コート');
    for (const text of [ja, ko]) expect(text).not.toContain(clientEntryId);
  });

  it('prints the booking receipt in the session’s language', () => {
    expect(printed(bookingReceipt(booking, [facility], 'ja'))).toContain('使用料 1200円');
    const en = printed(bookingReceipt(booking, [facility], 'en'));
    expect(en).toContain('Booking No. 0000000007');
    expect(en).toContain('Fee 1200 yen');
    expect(en).toContain('野畑テニスコート 1番コート');
  });

  it('marks a promoted alternate’s confirmed win 繰り上げ当選 on the receipt, in every language', () => {
    const won: EntryView = { ...entry, result: 'won-first', wonSlotId: slot, confirmation: 'confirmed' };
    const at = new Date('2026-12-15T01:00:00Z');
    expect(printed(confirmedWinReceipt(won, [facility], at, 'ja'))).not.toContain('繰り上げ当選');
    const ja = printed(confirmedWinReceipt({ ...won, promoted: true }, [facility], at, 'ja'));
    expect(ja).toContain('当選確定');
    expect(ja).toContain('繰り上げ当選');
    expect(ja).toContain('「落選」から「当選」');
    const ko = printed(confirmedWinReceipt({ ...won, promoted: true }, [facility], at, 'ko'));
    expect(ko).toContain('繰り上げ当選 / RESULT CHANGED');
    expect(ko).toContain('Confirmed 2026-12-15 10:00');
  });
});
