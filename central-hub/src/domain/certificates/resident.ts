/**
 * What the hub knows about a resident, as far as the kiosk certificates need it. Synthetic in this
 * project (see repositories/resident-seed.ts); in production it would come from the municipality's
 * resident register. Personal data: it lives in memory for one request and never reaches a log or the
 * ledger.
 */
export type Gender = 'male' | 'female';

export interface HouseholdMemberRecord {
  memberId: string;
  nameJa: string;
  nameKana: string;
  birthDate: string;
  gender: Gender;
  /** 続柄 in the household: 世帯主, 妻, 子, … */
  relationship: string;
  /** 住民となった年月日 */
  becameResidentOn: string;
}

export interface RegisterMemberRecord {
  memberId: string;
  nameJa: string;
  birthDate: string;
  gender: Gender;
  /** 続柄 in the family register: 長女, 二男, 妻, … (筆頭者 for the head). */
  relationship: string;
}

export interface TaxRecord {
  fiscalYear: number;
  totalIncomeYen: number;
  municipalTaxYen: number;
  prefecturalTaxYen: number;
}

export interface ResidentDossier {
  residentId: string;
  /** The municipality holding the resident register entry, which issues the certificates. */
  municipality: string;
  address: string;
  household: { householdId: string; headName: string; members: HouseholdMemberRecord[] };
  /** 本籍 and 筆頭者, wherever the family register is held. */
  domicile: { honseki: string; registerHead: string } | null;
  /** The family register, only when this municipality holds it (koseki certificates need it). */
  familyRegister: { honseki: string; registerHead: string; members: RegisterMemberRecord[] } | null;
  seal: { registrationNumber: string; registeredOn: string } | null;
  taxRecords: TaxRecord[];
  /** 戸籍の附票: the addresses of the resident, oldest first. */
  addressHistory: { address: string; since: string }[];
}

export function selfMember(dossier: ResidentDossier): HouseholdMemberRecord | undefined {
  return dossier.household.members.find((m) => m.memberId === dossier.residentId);
}
