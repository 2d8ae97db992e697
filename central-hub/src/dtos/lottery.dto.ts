import type { BookingView, EntryView, FacilityView, RoundView } from '@kiosk/protocols';
import { roundPhase } from '../domain/lottery/schedule';
import { isAnnounced } from './lottery-public.dto';
import type { FacilitySpec } from '../domain/lottery/slots';
import type { BookingRecord } from '../repositories/facility-booking.repository';
import type { EntryRecord } from '../repositories/lottery.repository';
import type { RoundRecord } from '../repositories/lottery.rows';

/** Stored lottery records as the wire shows them (protocols/src/lottery.ts). */

export function toFacilityView(facility: FacilitySpec): FacilityView {
  return {
    facilityId: facility.facilityId,
    municipality: facility.municipality,
    name: facility.name,
    nameEn: facility.nameEn,
    facilityType: facility.facilityType,
    cancelDeadlineDays: facility.cancelDeadlineDays,
    units: facility.units.map((unit) => ({ unitId: unit.unitId, name: unit.name, nameEn: unit.nameEn, sports: unit.sports })),
  };
}

/** The seed and digest are shown only once the results are announced, as on the public route; before, only the commitment. */
export function toRoundView(round: RoundRecord, now: Date): RoundView {
  const t = round.timetable;
  return {
    roundId: round.roundId,
    municipality: round.municipality,
    facilityType: round.facilityType,
    useMonth: round.useMonth,
    kind: round.kind,
    phase: roundPhase(t, now),
    entryOpensAt: t.entryOpensAt.toISOString(),
    entryClosesAt: t.entryClosesAt.toISOString(),
    drawAt: t.drawAt.toISOString(),
    resultsAt: t.resultsAt.toISOString(),
    confirmClosesAt: t.confirmClosesAt.toISOString(),
    firstComeOpensAt: t.firstComeOpensAt.toISOString(),
    endsAt: t.endsAt.toISOString(),
    caps: round.caps,
    commitment: round.commitmentHex,
    seed: isAnnounced(round, now) ? round.seedHex : null,
    resultDigest: isAnnounced(round, now) ? round.resultDigest : null,
  };
}

/**
 * An entry as its owner sees it: the result only once the round's results are published, and a held
 * win whose confirmation window has closed as released even if the release job has not run yet.
 */
export function toEntryView(entry: EntryRecord, round: RoundRecord, now: Date): EntryView {
  const published = isAnnounced(round, now);
  // A promoted alternate has its own deadline; a drawn winner the round's.
  const deadline = entry.confirmBy ? new Date(entry.confirmBy) : round.timetable.confirmClosesAt;
  const confirmOpen = now.getTime() < deadline.getTime();
  let confirmation: EntryView['confirmation'] = 'none';
  if (published && entry.bookingStatus) {
    confirmation = entry.bookingStatus === 'held' ? (confirmOpen ? 'pending' : 'released') : entry.bookingStatus;
  }
  return {
    entryId: entry.entryId,
    entryNumber: entry.entryNumber,
    clientEntryId: entry.clientEntryId,
    roundId: entry.roundId,
    firstSlotId: entry.firstSlotId,
    secondSlotId: entry.secondSlotId,
    status: entry.status,
    channel: entry.channel,
    occurredAt: entry.occurredAt,
    acceptedAt: entry.acceptedAt,
    result: entry.status === 'void' ? 'void' : published && entry.result ? entry.result : 'pending',
    wonSlotId: published ? entry.wonSlotId : null,
    confirmation,
    confirmBy: confirmation === 'pending' ? deadline.toISOString() : null,
    // Only a promoted alternate's win has a deadline of its own.
    ...(published && entry.confirmBy ? { promoted: true } : {}),
  };
}

export function toBookingView(booking: BookingRecord): BookingView {
  return {
    bookingId: booking.bookingId,
    bookingNumber: booking.bookingNumber,
    slotId: booking.slotId,
    source: booking.source,
    status: booking.status,
    feeYen: booking.feeYen,
    createdAt: booking.createdAt,
  };
}
