import type { Receipt, ReceiptLine } from '@kiosk/devices';
import { provisionalReference, type BookingView, type EntryView, type FacilityView, type UnsentEntry } from '@kiosk/protocols';
import { facilityOfUnit, japanTime, parseSlotId } from './lottery-rules';

/**
 * The lottery's receipts for the ESC/POS printer (Japanese, with an English line for visitors). Pure:
 * they say what was entered or booked and its number; never the user number or anything else personal.
 * Text is Shift_JIS-safe (no `\` or `~`).
 */

const RULE = '-'.repeat(32);
const HEADER: ReceiptLine[] = [
  { text: '大阪府公共施設予約システム', align: 'center' },
  { text: '街頭端末', align: 'center' },
  { text: RULE },
];

/** `豊島体育館 アリーナ` + `2027-02-09 09:00-11:00`, or the slot id when the facility is not known. */
export function slotLines(slotId: string, facilities: readonly FacilityView[], end?: string): string[] {
  const slot = parseSlotId(slotId);
  if (!slot) return [slotId];
  const facility = facilityOfUnit(facilities, slot.unitId);
  const unit = facility?.units.find((candidate) => candidate.unitId === slot.unitId);
  const place = facility && unit ? `${facility.name} ${unit.name}` : slot.unitId;
  return [place, `  ${slot.date} ${slot.start}${end ? `-${end}` : ''}`];
}

function choices(first: string, second: string | null, facilities: readonly FacilityView[]): ReceiptLine[] {
  const lines: ReceiptLine[] = [{ text: '第1希望' }, ...slotLines(first, facilities).map((text) => ({ text: `  ${text}` }))];
  if (second) lines.push({ text: '第2希望' }, ...slotLines(second, facilities).map((text) => ({ text: `  ${text}` })));
  return lines;
}

export function entryReceipt(entry: EntryView, facilities: readonly FacilityView[]): Receipt {
  return {
    lines: [
      ...HEADER,
      { text: '抽選申込 受付票', align: 'center', bold: true },
      { text: `受付番号 ${entry.entryNumber}`, bold: true },
      ...choices(entry.firstSlotId, entry.secondSlotId, facilities),
      { text: `受付日時 ${japanTime(entry.acceptedAt)}` },
      { text: RULE },
      { text: `Lottery entry No. ${entry.entryNumber}` },
      { feed: 1 },
    ],
  };
}

export function provisionalEntryReceipt(entry: UnsentEntry, facilities: readonly FacilityView[]): Receipt {
  return {
    lines: [
      ...HEADER,
      { text: '抽選申込 仮受付票', align: 'center', bold: true },
      { text: '仮受付: 端末がセンターに再接続した', bold: true },
      { text: 'ときに確定します。', bold: true },
      { text: '結果はどの端末でも' },
      { text: '「申込・抽選結果の確認」で' },
      { text: 'ご確認いただけます。' },
      { text: `仮受付番号 ${provisionalReference(entry.clientEntryId)}`, bold: true },
      ...choices(entry.firstSlotId, entry.secondSlotId, facilities),
      { text: `申込日時 ${japanTime(entry.occurredAt)}` },
      { text: RULE },
      { text: 'PROVISIONAL - confirmed when the' },
      { text: 'terminal reconnects' },
      { text: `Reference ${provisionalReference(entry.clientEntryId)}` },
      { feed: 1 },
    ],
  };
}

export function bookingReceipt(booking: BookingView, facilities: readonly FacilityView[]): Receipt {
  return {
    lines: [
      ...HEADER,
      { text: '施設予約 受付票', align: 'center', bold: true },
      { text: `予約番号 ${booking.bookingNumber}`, bold: true },
      ...slotLines(booking.slotId, facilities).map((text) => ({ text })),
      { text: `使用料 ${booking.feeYen}円` },
      { text: `受付日時 ${japanTime(booking.createdAt)}` },
      { text: RULE },
      { text: `Booking No. ${booking.bookingNumber}` },
      { feed: 1 },
    ],
  };
}
