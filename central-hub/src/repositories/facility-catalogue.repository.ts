import { Inject, Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import type { FacilityType, Municipality, Sport } from '@kiosk/protocols';
import { LotterySettingsSchema, type LotterySettings } from '../domain/lottery/settings';
import type { FacilitySpec, SlotTemplate } from '../domain/lottery/slots';
import type { FacilitiesTable, FacilityUnitsTable } from '../storage/hub-schema';
import type { HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';
import { slotFromRow, slotInfoQuery, type SlotInfo } from './lottery.rows';

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

type FacilityRow = Selectable<FacilitiesTable>;
type UnitRow = Selectable<FacilityUnitsTable>;

/** Settings are re-validated on the way out: a hand-edited row that breaks the rules fails loudly. */
const settingsFromJson = (json: string): LotterySettings => LotterySettingsSchema.parse(JSON.parse(json));

@Injectable()
export class KyselyFacilityCatalogueRepository implements FacilityCatalogueRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  /** Keyed upserts only, so two hubs seeding the same catalogue at once both succeed with one result. */
  upsertFacilities(facilities: readonly FacilitySpec[]): Promise<void> {
    return this.store.transaction(
      async (tx) => {
        for (const [i, f] of facilities.entries()) {
          await this.upsertFacility(tx, f, i);
          for (const [j, u] of f.units.entries()) await this.upsertUnit(tx, f.facilityId, u, j);
        }
      },
      { isolation: 'read committed' },
    );
  }

  async listFacilities(municipality: Municipality): Promise<FacilitySpec[]> {
    const rows = await this.store.db
      .selectFrom('facilities')
      .selectAll()
      .where('municipality', '=', municipality)
      .orderBy('sort_order')
      .orderBy('facility_id')
      .execute();
    const units = await this.unitsOf(rows.map((row) => row.facility_id));
    return rows.map((row) => facilityFromRows(row, units.get(row.facility_id) ?? []));
  }

  async findFacility(facilityId: string): Promise<FacilitySpec | undefined> {
    const row = await this.store.db.selectFrom('facilities').selectAll().where('facility_id', '=', facilityId).executeTakeFirst();
    if (!row) return undefined;
    const units = await this.unitsOf([facilityId]);
    return facilityFromRows(row, units.get(facilityId) ?? []);
  }

  async getSettings(municipality: Municipality): Promise<LotterySettings | undefined> {
    const row = await this.store.db.selectFrom('lottery_settings').select('settings_json').where('municipality', '=', municipality).executeTakeFirst();
    return row ? settingsFromJson(row.settings_json) : undefined;
  }

  async listSettings(): Promise<LotterySettings[]> {
    const rows = await this.store.db.selectFrom('lottery_settings').select('settings_json').orderBy('municipality').execute();
    return rows.map((row) => settingsFromJson(row.settings_json));
  }

  async saveSettings(settings: LotterySettings, at: string): Promise<void> {
    await this.store.db
      .insertInto('lottery_settings')
      .values({ municipality: settings.municipality, settings_json: JSON.stringify(LotterySettingsSchema.parse(settings)), updated_at: at })
      .onConflict((c) => c.column('municipality').doUpdateSet((eb) => ({ settings_json: eb.ref('excluded.settings_json'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }

  async findSlots(slotIds: readonly string[]): Promise<Map<string, SlotInfo>> {
    const found = new Map<string, SlotInfo>();
    if (slotIds.length === 0) return found;
    const rows = await slotInfoQuery(this.store.db).where('s.slot_id', 'in', [...new Set(slotIds)]).execute();
    for (const row of rows) found.set(row.slot_id, slotFromRow(row));
    return found;
  }

  async availability(facilityId: string, from: string, to: string): Promise<SlotAvailabilityRecord[]> {
    // A slot has at most one live booking (unique index facility_bookings_one_live_per_slot).
    const rows = await slotInfoQuery(this.store.db)
      .leftJoin('facility_bookings as b', (join) => join.onRef('b.slot_id', '=', 's.slot_id').on('b.status', 'in', ['held', 'confirmed']))
      .select(['b.status as live', 'b.confirm_by as live_confirm_by'])
      .where('u.facility_id', '=', facilityId)
      .where('s.use_date', '>=', from)
      .where('s.use_date', '<=', to)
      .orderBy('s.use_date')
      .orderBy('s.start_time')
      .orderBy('u.sort_order')
      .execute();
    return rows.map((row) => ({
      slot: slotFromRow(row),
      live: row.live as SlotAvailabilityRecord['live'],
      // A confirmed booking has no deadline left.
      liveConfirmBy: row.live === 'held' ? row.live_confirm_by : null,
    }));
  }

  private async upsertFacility(tx: Tx, f: FacilitySpec, sortOrder: number): Promise<void> {
    await tx
      .insertInto('facilities')
      .values({
        facility_id: f.facilityId,
        municipality: f.municipality,
        name: f.name,
        name_en: f.nameEn,
        facility_type: f.facilityType,
        closed_weekdays_json: JSON.stringify(f.closedWeekdays),
        cancel_deadline_days: f.cancelDeadlineDays,
        sort_order: sortOrder,
      })
      .onConflict((c) =>
        c.column('facility_id').doUpdateSet((eb) => ({
          municipality: eb.ref('excluded.municipality'),
          name: eb.ref('excluded.name'),
          name_en: eb.ref('excluded.name_en'),
          facility_type: eb.ref('excluded.facility_type'),
          closed_weekdays_json: eb.ref('excluded.closed_weekdays_json'),
          cancel_deadline_days: eb.ref('excluded.cancel_deadline_days'),
          sort_order: eb.ref('excluded.sort_order'),
        })),
      )
      .execute();
  }

  private async upsertUnit(tx: Tx, facilityId: string, u: FacilitySpec['units'][number], sortOrder: number): Promise<void> {
    await tx
      .insertInto('facility_units')
      .values({
        unit_id: u.unitId,
        facility_id: facilityId,
        name: u.name,
        name_en: u.nameEn,
        sports_json: JSON.stringify(u.sports),
        slot_templates_json: JSON.stringify(u.slots),
        sort_order: sortOrder,
      })
      .onConflict((c) =>
        c.column('unit_id').doUpdateSet((eb) => ({
          facility_id: eb.ref('excluded.facility_id'),
          name: eb.ref('excluded.name'),
          name_en: eb.ref('excluded.name_en'),
          sports_json: eb.ref('excluded.sports_json'),
          slot_templates_json: eb.ref('excluded.slot_templates_json'),
          sort_order: eb.ref('excluded.sort_order'),
        })),
      )
      .execute();
  }

  /** The units of those facilities, each facility's in its order. */
  private async unitsOf(facilityIds: readonly string[]): Promise<Map<string, UnitRow[]>> {
    const byFacility = new Map<string, UnitRow[]>();
    if (facilityIds.length === 0) return byFacility;
    const rows = await this.store.db
      .selectFrom('facility_units')
      .selectAll()
      .where('facility_id', 'in', [...facilityIds])
      .orderBy('facility_id')
      .orderBy('sort_order')
      .orderBy('unit_id')
      .execute();
    for (const row of rows) byFacility.set(row.facility_id, [...(byFacility.get(row.facility_id) ?? []), row]);
    return byFacility;
  }
}

function facilityFromRows(row: FacilityRow, units: readonly UnitRow[]): FacilitySpec {
  return {
    facilityId: row.facility_id,
    municipality: row.municipality as Municipality,
    name: row.name,
    nameEn: row.name_en,
    facilityType: row.facility_type as FacilityType,
    closedWeekdays: JSON.parse(row.closed_weekdays_json) as number[],
    cancelDeadlineDays: row.cancel_deadline_days,
    units: units.map((unit) => ({
      unitId: unit.unit_id,
      name: unit.name,
      nameEn: unit.name_en,
      sports: JSON.parse(unit.sports_json) as Sport[],
      slots: JSON.parse(unit.slot_templates_json) as SlotTemplate[],
    })),
  };
}
