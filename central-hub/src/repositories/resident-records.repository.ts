import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { Gender, HouseholdMemberRecord, RegisterMemberRecord, ResidentDossier, TaxRecord } from '../domain/certificates/resident';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

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

interface ResidentRow {
  resident_id: string;
  municipality: string;
  household_id: string;
  name_ja: string;
  name_kana: string;
  birth_date: string;
  gender: Gender;
  household_relationship: string;
  became_resident_on: string;
  register_id: string | null;
  register_relationship: string | null;
  seal_registration_number: string | null;
  seal_registered_on: string | null;
}

interface HouseholdRow {
  household_id: string;
  address: string;
  head_name: string;
}

interface RegisterRow {
  register_id: string;
  honseki: string;
  register_head: string;
  held_here: number;
}

@Injectable()
export class SqliteResidentRecords implements ResidentRecords {
  private readonly byCertificate: Statement<[string, string], string>;
  private readonly resident: Statement<[string], ResidentRow>;
  private readonly household: Statement<[string], HouseholdRow>;
  private readonly householdMembers: Statement<[string], ResidentRow>;
  private readonly register: Statement<[string], RegisterRow>;
  private readonly registerMembers: Statement<[string], ResidentRow>;
  private readonly taxRecords: Statement<[string], { fiscal_year: number; total_income_yen: number; municipal_tax_yen: number; prefectural_tax_yen: number }>;
  private readonly addresses: Statement<[string], { address: string; since: string }>;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.byCertificate = db
      .prepare<[string, string], string>('SELECT resident_id FROM resident_certificates WHERE cert_issuer = ? AND cert_serial = ?')
      .pluck();
    this.resident = db.prepare('SELECT * FROM residents WHERE resident_id = ?');
    this.household = db.prepare('SELECT household_id, address, head_name FROM resident_households WHERE household_id = ?');
    this.householdMembers = db.prepare('SELECT * FROM residents WHERE household_id = ? ORDER BY household_order');
    this.register = db.prepare('SELECT * FROM resident_family_registers WHERE register_id = ?');
    this.registerMembers = db.prepare('SELECT * FROM residents WHERE register_id = ? ORDER BY register_order');
    this.taxRecords = db.prepare('SELECT * FROM resident_tax_records WHERE resident_id = ? ORDER BY fiscal_year');
    this.addresses = db.prepare('SELECT address, since FROM resident_address_history WHERE resident_id = ? ORDER BY since');
  }

  findResidentByCertificate(issuer: string, serialNumber: string): Promise<string | undefined> {
    return settle(() => this.byCertificate.get(issuer, serialNumber));
  }

  loadDossier(residentId: string): Promise<ResidentDossier | undefined> {
    return settle(() => {
      const row = this.resident.get(residentId);
      if (!row) return undefined;
      const household = this.household.get(row.household_id);
      if (!household) throw new Error(`resident ${residentId} has no household row`);
      const register = row.register_id ? this.register.get(row.register_id) : undefined;
      return {
        residentId: row.resident_id,
        municipality: row.municipality,
        address: household.address,
        household: {
          householdId: household.household_id,
          headName: household.head_name,
          members: this.householdMembers.all(row.household_id).map(toHouseholdMember),
        },
        domicile: register ? { honseki: register.honseki, registerHead: register.register_head } : null,
        familyRegister:
          register && register.held_here === 1
            ? { honseki: register.honseki, registerHead: register.register_head, members: this.registerMembers.all(register.register_id).map(toRegisterMember) }
            : null,
        seal:
          row.seal_registration_number && row.seal_registered_on
            ? { registrationNumber: row.seal_registration_number, registeredOn: row.seal_registered_on }
            : null,
        taxRecords: this.taxRecords.all(residentId).map(
          (t): TaxRecord => ({
            fiscalYear: t.fiscal_year,
            totalIncomeYen: t.total_income_yen,
            municipalTaxYen: t.municipal_tax_yen,
            prefecturalTaxYen: t.prefectural_tax_yen,
          }),
        ),
        addressHistory: this.addresses.all(residentId),
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
    gender: row.gender,
    relationship: row.household_relationship,
    becameResidentOn: row.became_resident_on,
  };
}

function toRegisterMember(row: ResidentRow): RegisterMemberRecord {
  return { memberId: row.resident_id, nameJa: row.name_ja, birthDate: row.birth_date, gender: row.gender, relationship: row.register_relationship ?? '' };
}
