/**
 * Test data shared by the lottery unit specs and the lottery service test: one Toyonaka tennis facility,
 * its February 2027 lottery round (entry open from Dec 1 to Dec 10, 2026 JST) and one of its slots.
 */
import type { FacilityView, RoundView, SlotView } from '@kiosk/protocols';

export const tennisFacility: FacilityView = {
  facilityId: 'toyonaka-nobata-tennis',
  municipality: '豊中市',
  name: '野畑テニスコート',
  nameEn: 'Nobata Tennis Courts',
  facilityType: 'tennis',
  cancelDeadlineDays: 3,
  units: [{ unitId: 'nobata-court-1', name: '1番コート', nameEn: 'Court 1', sports: ['tennis'] }],
};

export const tennisRound: RoundView = {
  roundId: 'toyonaka-tennis-2027-02',
  municipality: '豊中市',
  facilityType: 'tennis',
  useMonth: '2027-02',
  kind: 'lottery',
  phase: 'entry',
  entryOpensAt: '2026-11-30T15:00:00Z',
  entryClosesAt: '2026-12-10T15:00:00Z',
  drawAt: '2026-12-11T03:00:00Z',
  resultsAt: '2026-12-12T03:00:00Z',
  confirmClosesAt: '2026-12-20T15:00:00Z',
  firstComeOpensAt: '2026-12-22T03:00:00Z',
  endsAt: '2027-02-28T15:00:00Z',
  caps: { maxEntries: 4, maxHours: 8, maxWins: 2 },
  commitment: 'a'.repeat(64),
  seed: null,
  resultDigest: null,
};

/** A slot of `tennisRound` whose lottery is open. */
export const tennisSlot: SlotView = {
  slotId: 'nobata-court-1@2027-02-09T0900',
  unitId: 'nobata-court-1',
  date: '2027-02-09',
  start: '09:00',
  end: '11:00',
  feeYen: 1200,
  state: 'lottery-open',
};
