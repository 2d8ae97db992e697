import { Inject, Injectable } from '@nestjs/common';
import type { Statement, Transaction } from 'better-sqlite3';
import type { FacilityType, Municipality, Sport } from '@kiosk/protocols';
import { LotterySettingsSchema, type LotterySettings } from '../domain/lottery/settings';
import type { FacilitySpec, SlotTemplate } from '../domain/lottery/slots';
import { SqliteDatabase } from './database.repository';
import { SLOT_INFO_SELECT, slotFromRow, type SlotInfo, type SlotInfoRow } from './lottery.rows';
import { settle } from './settle';

export interface SlotAvailabilityRecord {
  slot: SlotInfo;
  live: 'held' | 'confirmed' | null;
  /** A held win's own deadline (a promoted alternate's); null: the round's. */
  liveConfirmBy: string | null;
}

/** Facilities, their units and slots, and each municipality's lottery settings. */
export interface FacilityCatalogueRepository {
  /** Inserts or updates facilities and units (slots already generated are not touched). */
  upsertFacilities(facilities: readonly FacilitySpec[]): Promise<void>;
  listFacilities(municipality: Municipality): Promise<FacilitySpec[]>;
  findFacility(facilityId: string): Promise<FacilitySpec | undefined>;
  getSettings(municipality: Municipality): Promise<LotterySettings | undefined>;
  /** Every municipality that has settings, i.e. runs the lottery on this hub. */
  listSettings(): Promise<LotterySettings[]>;
  saveSettings(settings: LotterySettings, at: string): Promise<void>;
  findSlots(slotIds: readonly string[]): Promise<Map<string, SlotInfo>>;
  /** Slots of a facility between two dates (inclusive) with their live booking, by date, time, unit. */
  availability(facilityId: string, from: string, to: string): Promise<SlotAvailabilityRecord[]>;
}
export const FACILITY_CATALOGUE_REPOSITORY = 'FacilityCatalogueRepository';

interface FacilityRow {
  facility_id: string;
  municipality: Municipality;
  name: string;
  name_en: string;
  facility_type: FacilityType;
  closed_weekdays_json: string;
  cancel_deadline_days: number;
}
interface UnitRow {
  unit_id: string;
  facility_id: string;
  name: string;
  name_en: string;
  sports_json: string;
  slot_templates_json: string;
}

@Injectable()
export class SqliteFacilityCatalogueRepository implements FacilityCatalogueRepository {
  private readonly upsertTx: Transaction<(facilities: readonly FacilitySpec[]) => void>;
  private readonly facilitiesOf: Statement<[string], FacilityRow>;
  private readonly facilityById: Statement<[string], FacilityRow>;
  private readonly unitsOf: Statement<[string], UnitRow>;
  private readonly settingsOf: Statement<[string], { settings_json: string }>;
  private readonly allSettings: Statement<[], { settings_json: string }>;
  private readonly writeSettings: Statement<[string, string, string]>;
  private readonly slotById: Statement<[string], SlotInfoRow>;
  private readonly slotsOf: Statement<[string, string, string], SlotInfoRow & { live: 'held' | 'confirmed' | null; live_confirm_by: string | null }>;

  constructor(@Inject(SqliteDatabase) { db }: Pick<SqliteDatabase, 'db'>) {
    const facility = db.prepare(`
      INSERT INTO facilities (facility_id, municipality, name, name_en, facility_type, closed_weekdays_json, cancel_deadline_days, sort_order)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (facility_id) DO UPDATE SET municipality = excluded.municipality, name = excluded.name,
        name_en = excluded.name_en, facility_type = excluded.facility_type, closed_weekdays_json = excluded.closed_weekdays_json,
        cancel_deadline_days = excluded.cancel_deadline_days, sort_order = excluded.sort_order`);
    const unit = db.prepare(`
      INSERT INTO facility_units (unit_id, facility_id, name, name_en, sports_json, slot_templates_json, sort_order)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (unit_id) DO UPDATE SET facility_id = excluded.facility_id, name = excluded.name, name_en = excluded.name_en,
        sports_json = excluded.sports_json, slot_templates_json = excluded.slot_templates_json, sort_order = excluded.sort_order`);
    this.upsertTx = db.transaction((facilities: readonly FacilitySpec[]) => {
      facilities.forEach((f, i) => {
        facility.run(f.facilityId, f.municipality, f.name, f.nameEn, f.facilityType, JSON.stringify(f.closedWeekdays), f.cancelDeadlineDays, i);
        f.units.forEach((u, j) => unit.run(u.unitId, f.facilityId, u.name, u.nameEn, JSON.stringify(u.sports), JSON.stringify(u.slots), j));
      });
    });
    this.facilitiesOf = db.prepare('SELECT * FROM facilities WHERE municipality = ? ORDER BY sort_order, facility_id');
    this.facilityById = db.prepare('SELECT * FROM facilities WHERE facility_id = ?');
    this.unitsOf = db.prepare('SELECT * FROM facility_units WHERE facility_id = ? ORDER BY sort_order, unit_id');
    this.settingsOf = db.prepare('SELECT settings_json FROM lottery_settings WHERE municipality = ?');
    this.allSettings = db.prepare('SELECT settings_json FROM lottery_settings ORDER BY municipality');
    this.writeSettings = db.prepare(`INSERT INTO lottery_settings (municipality, settings_json, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (municipality) DO UPDATE SET settings_json = excluded.settings_json, updated_at = excluded.updated_at`);
    this.slotById = db.prepare(`${SLOT_INFO_SELECT} WHERE s.slot_id = ?`);
    this.slotsOf = db.prepare(`
      SELECT s.*, f.facility_id, f.facility_type, f.municipality, f.cancel_deadline_days,
        (SELECT b.status FROM facility_bookings b WHERE b.slot_id = s.slot_id AND b.status IN ('held', 'confirmed')) AS live,
        (SELECT b.confirm_by FROM facility_bookings b WHERE b.slot_id = s.slot_id AND b.status = 'held') AS live_confirm_by
      FROM facility_slots s
      JOIN facility_units u ON u.unit_id = s.unit_id
      JOIN facilities f ON f.facility_id = u.facility_id
      WHERE u.facility_id = ? AND s.use_date BETWEEN ? AND ?
      ORDER BY s.use_date, s.start_time, u.sort_order`);
  }

  upsertFacilities(facilities: readonly FacilitySpec[]): Promise<void> {
    return settle(() => this.upsertTx.immediate(facilities));
  }

  listFacilities(municipality: Municipality): Promise<FacilitySpec[]> {
    return settle(() => this.facilitiesOf.all(municipality).map((row) => this.facilityFromRow(row)));
  }

  findFacility(facilityId: string): Promise<FacilitySpec | undefined> {
    return settle(() => {
      const row = this.facilityById.get(facilityId);
      return row ? this.facilityFromRow(row) : undefined;
    });
  }

  /** Settings are re-validated on the way out: a hand-edited row that breaks the rules fails loudly. */
  getSettings(municipality: Municipality): Promise<LotterySettings | undefined> {
    return settle(() => {
      const row = this.settingsOf.get(municipality);
      return row ? LotterySettingsSchema.parse(JSON.parse(row.settings_json)) : undefined;
    });
  }

  listSettings(): Promise<LotterySettings[]> {
    return settle(() => this.allSettings.all().map((row) => LotterySettingsSchema.parse(JSON.parse(row.settings_json))));
  }

  saveSettings(settings: LotterySettings, at: string): Promise<void> {
    return settle(() => {
      this.writeSettings.run(settings.municipality, JSON.stringify(LotterySettingsSchema.parse(settings)), at);
    });
  }

  findSlots(slotIds: readonly string[]): Promise<Map<string, SlotInfo>> {
    return settle(() => {
      const found = new Map<string, SlotInfo>();
      for (const slotId of slotIds) {
        const row = this.slotById.get(slotId);
        if (row) found.set(slotId, slotFromRow(row));
      }
      return found;
    });
  }

  availability(facilityId: string, from: string, to: string): Promise<SlotAvailabilityRecord[]> {
    return settle(() => this.slotsOf.all(facilityId, from, to).map((row) => ({ slot: slotFromRow(row), live: row.live, liveConfirmBy: row.live_confirm_by })));
  }

  private facilityFromRow(row: FacilityRow): FacilitySpec {
    return {
      facilityId: row.facility_id,
      municipality: row.municipality,
      name: row.name,
      nameEn: row.name_en,
      facilityType: row.facility_type,
      closedWeekdays: JSON.parse(row.closed_weekdays_json) as number[],
      cancelDeadlineDays: row.cancel_deadline_days,
      units: this.unitsOf.all(row.facility_id).map((unit) => ({
        unitId: unit.unit_id,
        name: unit.name,
        nameEn: unit.name_en,
        sports: JSON.parse(unit.sports_json) as Sport[],
        slots: JSON.parse(unit.slot_templates_json) as SlotTemplate[],
      })),
    };
  }
}
