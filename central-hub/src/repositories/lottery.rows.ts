import type { Selectable } from 'kysely';
import type { DrawWitness, FacilityType, Municipality, RoundCaps } from '@kiosk/protocols';
import type { RoundTimetable } from '../domain/lottery/schedule';
import type { SlotRecord } from '../domain/lottery/slots';
import type { FacilitySlotsTable, LotteryRoundsTable } from '../storage/hub-schema';
import type { HubDb } from '../storage/hub-store';

/** Records the lottery repositories hand to services, and how their rows map to them. */

export type RoundKind = 'lottery' | 'first-come-only';

export interface RoundRecord {
  roundId: string;
  municipality: Municipality;
  facilityType: FacilityType;
  useMonth: string;
  kind: RoundKind;
  timetable: RoundTimetable;
  offlineGraceMs: number;
  caps: RoundCaps;
  /** Secret until the results: services never show it before `resultsAt` (DRAW.md, "Publication"). */
  seedHex: string | null;
  commitmentHex: string | null;
  createdAt: string;
  drawnAt: string | null;
  resultDigest: string | null;
  /** Entered by a draw officer at the draw (format v2); null before, and for rounds drawn without one (v1). */
  witness: DrawWitness | null;
}

/** A slot with where it belongs (facility, round), as entry and booking rules need it. */
export interface SlotInfo extends SlotRecord {
  facilityId: string;
  facilityType: FacilityType;
  municipality: Municipality;
  roundId: string;
  cancelDeadlineDays: number;
  /** Set when a lottery win of the slot ended after its round's first-come opening: first-come waits until then. */
  firstComeFrom?: string | null;
}

/** A round's row (its published draw is read on its own: it is large). */
export type RoundRow = Omit<Selectable<LotteryRoundsTable>, 'published_json'>;

/** The columns of `RoundRow`, for `select(ROUND_COLUMNS)`. */
export const ROUND_COLUMNS = [
  'round_id', 'municipality', 'facility_type', 'use_month', 'kind', 'entry_opens_at', 'entry_closes_at', 'draw_at',
  'results_at', 'confirm_closes_at', 'first_come_opens_at', 'ends_at', 'offline_grace_ms', 'caps_json', 'seed_hex',
  'commitment_hex', 'created_at', 'drawn_at', 'result_digest', 'witness_value', 'witness_source', 'witness_entered_at', 'witness_entered_by',
] as const satisfies readonly (keyof RoundRow)[];

export function roundFromRow(row: RoundRow): RoundRecord {
  return {
    roundId: row.round_id,
    // The schema's CHECK constraints and the writers keep these columns to their unions.
    municipality: row.municipality as Municipality,
    facilityType: row.facility_type as FacilityType,
    useMonth: row.use_month,
    kind: row.kind as RoundKind,
    timetable: {
      entryOpensAt: new Date(row.entry_opens_at),
      entryClosesAt: new Date(row.entry_closes_at),
      drawAt: new Date(row.draw_at),
      resultsAt: new Date(row.results_at),
      confirmClosesAt: new Date(row.confirm_closes_at),
      firstComeOpensAt: new Date(row.first_come_opens_at),
      endsAt: new Date(row.ends_at),
    },
    offlineGraceMs: row.offline_grace_ms,
    caps: JSON.parse(row.caps_json) as RoundCaps,
    seedHex: row.seed_hex,
    commitmentHex: row.commitment_hex,
    createdAt: row.created_at,
    drawnAt: row.drawn_at,
    resultDigest: row.result_digest,
    witness:
      row.witness_value !== null && row.witness_source !== null && row.witness_entered_at !== null
        ? { value: row.witness_value, source: row.witness_source, enteredAt: row.witness_entered_at }
        : null,
  };
}

/** A slot's row with its facility's columns, as `slotInfoQuery` selects it. */
export type SlotInfoRow = Selectable<FacilitySlotsTable> & {
  facility_id: string;
  facility_type: string;
  municipality: string;
  cancel_deadline_days: number;
};

/** Every slot with where it belongs (`s` the slot, `u` its unit, `f` its facility): add the WHERE. */
export function slotInfoQuery(db: HubDb) {
  return db
    .selectFrom('facility_slots as s')
    .innerJoin('facility_units as u', 'u.unit_id', 's.unit_id')
    .innerJoin('facilities as f', 'f.facility_id', 'u.facility_id')
    .selectAll('s')
    .select(['f.facility_id', 'f.facility_type', 'f.municipality', 'f.cancel_deadline_days']);
}

export function slotFromRow(row: SlotInfoRow): SlotInfo {
  return {
    slotId: row.slot_id,
    unitId: row.unit_id,
    date: row.use_date,
    start: row.start_time,
    end: row.end_time,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    feeYen: row.fee_yen,
    facilityId: row.facility_id,
    facilityType: row.facility_type as FacilityType,
    municipality: row.municipality as Municipality,
    roundId: row.round_id,
    cancelDeadlineDays: row.cancel_deadline_days,
    firstComeFrom: row.first_come_from,
  };
}
