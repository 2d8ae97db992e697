import type { FacilityType, Municipality, RoundCaps } from '@kiosk/protocols';
import type { RoundTimetable } from '../domain/lottery/schedule';
import type { SlotRecord } from '../domain/lottery/slots';

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
  /** Secret until the draw: services never show it before `drawnAt`. */
  seedHex: string | null;
  commitmentHex: string | null;
  createdAt: string;
  drawnAt: string | null;
  resultDigest: string | null;
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

export interface RoundRow {
  round_id: string;
  municipality: Municipality;
  facility_type: FacilityType;
  use_month: string;
  kind: RoundKind;
  entry_opens_at: string;
  entry_closes_at: string;
  draw_at: string;
  results_at: string;
  confirm_closes_at: string;
  first_come_opens_at: string;
  ends_at: string;
  offline_grace_ms: number;
  caps_json: string;
  seed_hex: string | null;
  commitment_hex: string | null;
  created_at: string;
  drawn_at: string | null;
  result_digest: string | null;
}

export function roundFromRow(row: RoundRow): RoundRecord {
  return {
    roundId: row.round_id,
    municipality: row.municipality,
    facilityType: row.facility_type,
    useMonth: row.use_month,
    kind: row.kind,
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
  };
}

export interface SlotInfoRow {
  slot_id: string;
  unit_id: string;
  round_id: string;
  use_date: string;
  start_time: string;
  end_time: string;
  starts_at: string;
  ends_at: string;
  fee_yen: number;
  facility_id: string;
  facility_type: FacilityType;
  municipality: Municipality;
  cancel_deadline_days: number;
  first_come_from?: string | null;
}

/** Columns for `SlotInfoRow`: `FROM facility_slots s JOIN facility_units u ... JOIN facilities f ...`. */
export const SLOT_INFO_SELECT = `
  SELECT s.*, f.facility_id, f.facility_type, f.municipality, f.cancel_deadline_days
  FROM facility_slots s
  JOIN facility_units u ON u.unit_id = s.unit_id
  JOIN facilities f ON f.facility_id = u.facility_id`;

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
    facilityType: row.facility_type,
    municipality: row.municipality,
    roundId: row.round_id,
    cancelDeadlineDays: row.cancel_deadline_days,
    firstComeFrom: row.first_come_from ?? null,
  };
}

/**
 * better-sqlite3 names the violated unique key in the message ("UNIQUE constraint failed: t.col").
 * Checked by shape, not `instanceof Error`: the addon keeps the SqliteError class of the first realm
 * that loaded it (a jest worker running several test files has several).
 */
export function uniqueViolationOn(error: unknown, column: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column);
}
