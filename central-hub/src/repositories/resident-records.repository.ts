import { Inject, Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import type { Gender, HouseholdMemberRecord, RegisterMemberRecord, ResidentDossier, TaxRecord } from '../domain/certificates/resident';
import type { ResidentsTable } from '../storage/hub-schema';
import type { HubStore } from '../storage/hub-store';
import { DATABASE } from './database.repository';

/**
 * The municipal records behind the certificates: who a card belongs to, and what the certificates say
 * about them. A real deployment would put the municipality's register behind this interface.
 */
export interface ResidentRecords {
  /** The resident a card certificate is linked to (issuer DN as node prints it, serial as uppercase hex). */
  findResidentByCertificate(issuer: string, serialNumber: string): Promise<string | undefined>;
  loadDossier(residentId: string): Promise<ResidentDossier | undefined>;
}
export const RESIDENT_RECORDS = 'ResidentRecords';

type ResidentRow = Selectable<ResidentsTable>;

@Injectable()
export class KyselyResidentRecords implements ResidentRecords {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async findResidentByCertificate(issuer: string, serialNumber: string): Promise<string | undefined> {
    const row = await this.store.db
      .selectFrom('resident_certificates')
      .select('resident_id')
      .where('cert_issuer', '=', issuer)
      .where('cert_serial', '=', serialNumber)
      .executeTakeFirst();
    return row?.resident_id;
  }

  /** One read-only transaction, so the dossier is one state of the register (PostgreSQL: one snapshot). */
  loadDossier(residentId: string): Promise<ResidentDossier | undefined> {
    return this.store.transaction(async (tx): Promise<ResidentDossier | undefined> => {
      const row = await tx.selectFrom('residents').selectAll().where('resident_id', '=', residentId).executeTakeFirst();
      if (!row) return undefined;
      const household = await tx
        .selectFrom('resident_households')
        .select(['household_id', 'address', 'head_name'])
        .where('household_id', '=', row.household_id)
        .executeTakeFirst();
      if (!household) throw new Error(`resident ${residentId} has no household row`);
      const householdMembers = await tx.selectFrom('residents').selectAll().where('household_id', '=', row.household_id).orderBy('household_order').execute();
      const register = row.register_id
        ? await tx.selectFrom('resident_family_registers').selectAll().where('register_id', '=', row.register_id).executeTakeFirst()
        : undefined;
      const registerMembers =
        register && register.held_here === 1
          ? await tx.selectFrom('residents').selectAll().where('register_id', '=', register.register_id).orderBy('register_order').execute()
          : null;
      const taxRecords = await tx.selectFrom('resident_tax_records').selectAll().where('resident_id', '=', residentId).orderBy('fiscal_year').execute();
      const addressHistory = await tx
        .selectFrom('resident_address_history')
        .select(['address', 'since'])
        .where('resident_id', '=', residentId)
        .orderBy('since')
        .execute();
      return {
        residentId: row.resident_id,
        municipality: row.municipality,
        address: household.address,
        household: { householdId: household.household_id, headName: household.head_name, members: householdMembers.map(toHouseholdMember) },
        domicile: register ? { honseki: register.honseki, registerHead: register.register_head } : null,
        familyRegister:
          register && registerMembers ? { honseki: register.honseki, registerHead: register.register_head, members: registerMembers.map(toRegisterMember) } : null,
        seal:
          row.seal_registration_number && row.seal_registered_on
            ? { registrationNumber: row.seal_registration_number, registeredOn: row.seal_registered_on }
            : null,
        taxRecords: taxRecords.map(
          (t): TaxRecord => ({
            fiscalYear: t.fiscal_year,
            totalIncomeYen: t.total_income_yen,
            municipalTaxYen: t.municipal_tax_yen,
            prefecturalTaxYen: t.prefectural_tax_yen,
          }),
        ),
        addressHistory,
      };
    });
  }
}

function toHouseholdMember(row: ResidentRow): HouseholdMemberRecord {
  return {
    memberId: row.resident_id,
    nameJa: row.name_ja,
    nameKana: row.name_kana,
    birthDate: row.birth_date,
    gender: genderOf(row),
    relationship: row.household_relationship,
    becameResidentOn: row.became_resident_on,
  };
}

function toRegisterMember(row: ResidentRow): RegisterMemberRecord {
  return { memberId: row.resident_id, nameJa: row.name_ja, birthDate: row.birth_date, gender: genderOf(row), relationship: row.register_relationship ?? '' };
}

/** The column is CHECKed to 'male' or 'female' (the schema types it TEXT). */
const genderOf = (row: ResidentRow): Gender => row.gender as Gender;
