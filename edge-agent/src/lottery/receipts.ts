import type { Receipt, ReceiptLine } from '@kiosk/devices';
import { provisionalReference, type BookingView, type EntryView, type FacilityView, type Language, type ReceiptLanguage, type UnsentEntry } from '@kiosk/protocols';
import { facilityOfUnit, japanTime, parseSlotId } from './lottery-rules';

/**
 * The lottery's receipts for the ESC/POS printer, in the session's language where the printer can print
 * it. Pure: they say what was entered or booked and its number; never the user number or anything else
 * personal. Text is Shift_JIS-safe (no `\` or `~`).
 *
 * The printer prints Shift_JIS only (JIS X 0208 in kanji mode, see `devices/.../escpos/commands.ts`): no
 * Hangul, and most simplified Chinese characters are not in it. So a Korean or Chinese session gets the
 * English receipt, and the screen says so (`LotteryReceiptOutcome.language`). Every language shows the
 * facility's official Japanese name (what the facility's own signs and staff use); the others add the
 * catalogue's English name on the next line.
 */

/** The language a session's receipt is printed in: its own when the printer can print it, else English. */
export function receiptLanguage(language: Language): ReceiptLanguage {
  return language === 'ja' ? 'ja' : 'en';
}

const RULE = '-'.repeat(32);

const TEXT = {
  ja: {
    header: ['大阪府公共施設予約システム', '街頭端末'],
    entryTitle: '抽選申込 受付票',
    entryNumber: (n: string) => `受付番号 ${n}`,
    first: '第1希望',
    second: '第2希望',
    acceptedAt: (at: string) => `受付日時 ${at}`,
    provisionalTitle: '抽選申込 仮受付票',
    provisionalBody: ['仮受付: 端末がセンターに再接続した', 'ときに確定します。'],
    provisionalCheck: ['結果はどの端末でも', '「申込・抽選結果の確認」で', 'ご確認いただけます。'],
    provisionalRef: (ref: string) => `仮受付番号 ${ref}`,
    enteredAt: (at: string) => `申込日時 ${at}`,
    bookingTitle: '施設予約 受付票',
    bookingNumber: (n: string) => `予約番号 ${n}`,
    fee: (yen: number) => `使用料 ${yen}円`,
    winTitle: '当選確定 受付票',
    promoted: ['繰り上げ当選', '(結果が「落選」から「当選」に', '変わりました)'],
    confirmedAt: (at: string) => `確定日時 ${at}`,
  },
  en: {
    header: ['Osaka public facility booking', 'Street terminal'],
    entryTitle: 'LOTTERY ENTRY',
    entryNumber: (n: string) => `Entry No. ${n}`,
    first: '1st choice',
    second: '2nd choice',
    acceptedAt: (at: string) => `Accepted ${at}`,
    provisionalTitle: 'LOTTERY ENTRY - PROVISIONAL',
    provisionalBody: ['Confirmed when the terminal', 'reconnects to the centre.'],
    provisionalCheck: ['Check the result at any terminal:', '"My entries and results".'],
    provisionalRef: (ref: string) => `Reference ${ref}`,
    enteredAt: (at: string) => `Entered ${at}`,
    bookingTitle: 'FACILITY BOOKING',
    bookingNumber: (n: string) => `Booking No. ${n}`,
    fee: (yen: number) => `Fee ${yen} yen`,
    winTitle: 'WIN CONFIRMED',
    promoted: ['繰り上げ当選 / RESULT CHANGED', 'Moved up from the waiting list:', 'now "won" (was "not selected")'],
    confirmedAt: (at: string) => `Confirmed ${at}`,
  },
} as const satisfies Record<ReceiptLanguage, unknown>;

function header(lang: ReceiptLanguage): ReceiptLine[] {
  return [...TEXT[lang].header.map((text): ReceiptLine => ({ text, align: 'center' })), { text: RULE }];
}

/**
 * `豊島体育館 アリーナ` + `2027-02-09 09:00-11:00`; in English the official Japanese name, then the
 * catalogue's English name; the slot id's unit when the facility is not known.
 */
export function slotLines(slotId: string, facilities: readonly FacilityView[], lang: ReceiptLanguage = 'ja', end?: string): string[] {
  const slot = parseSlotId(slotId);
  if (!slot) return [slotId];
  const facility = facilityOfUnit(facilities, slot.unitId);
  const unit = facility?.units.find((candidate) => candidate.unitId === slot.unitId);
  const when = `  ${slot.date} ${slot.start}${end ? `-${end}` : ''}`;
  if (!facility || !unit) return [slot.unitId, when];
  const official = `${facility.name} ${unit.name}`;
  return lang === 'ja' ? [official, when] : [official, `(${facility.nameEn} ${unit.nameEn})`, when];
}

function choices(first: string, second: string | null, facilities: readonly FacilityView[], lang: ReceiptLanguage): ReceiptLine[] {
  const text = TEXT[lang];
  const lines: ReceiptLine[] = [{ text: text.first }, ...slotLines(first, facilities, lang).map((line) => ({ text: `  ${line}` }))];
  if (second) lines.push({ text: text.second }, ...slotLines(second, facilities, lang).map((line) => ({ text: `  ${line}` })));
  return lines;
}

export function entryReceipt(entry: EntryView, facilities: readonly FacilityView[], language: Language = 'ja'): Receipt {
  const lang = receiptLanguage(language);
  const text = TEXT[lang];
  return {
    lines: [
      ...header(lang),
      { text: text.entryTitle, align: 'center', bold: true },
      { text: text.entryNumber(entry.entryNumber), bold: true },
      ...choices(entry.firstSlotId, entry.secondSlotId, facilities, lang),
      { text: text.acceptedAt(japanTime(entry.acceptedAt)) },
      { feed: 1 },
    ],
  };
}

export function provisionalEntryReceipt(entry: UnsentEntry, facilities: readonly FacilityView[], language: Language = 'ja'): Receipt {
  const lang = receiptLanguage(language);
  const text = TEXT[lang];
  const reference = provisionalReference(entry.clientEntryId);
  return {
    lines: [
      ...header(lang),
      { text: text.provisionalTitle, align: 'center', bold: true },
      ...text.provisionalBody.map((line): ReceiptLine => ({ text: line, bold: true })),
      ...text.provisionalCheck.map((line): ReceiptLine => ({ text: line })),
      { text: text.provisionalRef(reference), bold: true },
      ...choices(entry.firstSlotId, entry.secondSlotId, facilities, lang),
      { text: text.enteredAt(japanTime(entry.occurredAt)) },
      { feed: 1 },
    ],
  };
}

export function bookingReceipt(booking: BookingView, facilities: readonly FacilityView[], language: Language = 'ja'): Receipt {
  const lang = receiptLanguage(language);
  const text = TEXT[lang];
  return {
    lines: [
      ...header(lang),
      { text: text.bookingTitle, align: 'center', bold: true },
      { text: text.bookingNumber(booking.bookingNumber), bold: true },
      ...slotLines(booking.slotId, facilities, lang).map((line) => ({ text: line })),
      { text: text.fee(booking.feeYen) },
      { text: text.acceptedAt(japanTime(booking.createdAt)) },
      { feed: 1 },
    ],
  };
}

/**
 * Printed when a win is confirmed. A promoted alternate's win (someone who may have seen 落選 before)
 * carries the 繰り上げ当選 mark, in Japanese in every language, so the paper says their result changed.
 */
export function confirmedWinReceipt(entry: EntryView, facilities: readonly FacilityView[], at: Date, language: Language = 'ja'): Receipt {
  const lang = receiptLanguage(language);
  const text = TEXT[lang];
  const won = entry.wonSlotId ?? entry.firstSlotId;
  return {
    lines: [
      ...header(lang),
      { text: text.winTitle, align: 'center', bold: true },
      ...(entry.promoted === true ? text.promoted.map((line, index): ReceiptLine => ({ text: line, bold: index === 0 })) : []),
      { text: text.entryNumber(entry.entryNumber), bold: true },
      ...slotLines(won, facilities, lang).map((line) => ({ text: line })),
      { text: text.confirmedAt(japanTime(at)) },
      { feed: 1 },
    ],
  };
}
