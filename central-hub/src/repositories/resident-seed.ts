import type { Insertable } from 'kysely';
import type { Gender } from '../domain/certificates/resident';
import type { HubSchema } from '../storage/hub-schema';
import type { HubStore } from '../storage/hub-store';

/**
 * Synthetic residents of Toyonaka for tests and the demo: invented people, real town names, house
 * numbers that do not exist. The four card holders match the virtual cards of the project's TEST CA
 * (scripts/test-ca/make-test-ca.sh: serials 1001–1004, same names and addresses), so a virtual card
 * finds its resident here:
 *   1001 豊中 花子  household of three, seal registered, family register held in Toyonaka, tax records
 *   1002 桜塚 一郎  lives alone, seal registered, family register held in Kobe (koseki refused here)
 *   1003 千里 美咲  no seal registration (inkan refused), tax records for the last two years only
 *   1004 庄内 健    a revoked card on the TEST CA: the card is refused before his record is reached
 */
interface SeedPerson {
  id: string;
  name: [ja: string, kana: string];
  birth: string;
  gender: Gender;
  relationship: string;
  since: string;
  register?: [id: string, relationship: string];
  seal?: [number: string, on: string];
  taxYears?: number[];
  income?: number;
  certificateSerial?: string;
  previousAddress?: [address: string, since: string];
}

interface SeedHousehold {
  id: string;
  address: string;
  members: SeedPerson[];
}

const REGISTERS: { id: string; honseki: string; head: string; heldHere: boolean }[] = [
  { id: 'reg-toyonaka-001', honseki: '大阪府豊中市中桜塚三丁目99番地', head: '豊中 太郎', heldHere: true },
  { id: 'reg-toyonaka-002', honseki: '兵庫県神戸市中央区加納町六丁目99番地', head: '桜塚 一郎', heldHere: false },
  { id: 'reg-toyonaka-003', honseki: '大阪府豊中市上野西三丁目97番地', head: '千里 誠', heldHere: true },
  { id: 'reg-toyonaka-004', honseki: '大阪府豊中市庄内幸町四丁目96番地', head: '庄内 健', heldHere: true },
];

const YEARS = [2021, 2022, 2023, 2024, 2025, 2026];

const HOUSEHOLDS: SeedHousehold[] = [
  {
    id: 'h-toyonaka-001',
    address: '大阪府豊中市新千里東町1丁目99番901号',
    members: [
      { id: 'toyonaka-001-head', name: ['豊中 太郎', 'とよなか たろう'], birth: '1982-09-30', gender: 'male', relationship: '世帯主', since: '2010-04-01', register: ['reg-toyonaka-001', '筆頭者'], taxYears: YEARS, income: 5_400_000 },
      {
        id: 'toyonaka-001',
        name: ['豊中 花子', 'とよなか はなこ'],
        birth: '1984-05-12',
        gender: 'female',
        relationship: '妻',
        since: '2010-04-01',
        register: ['reg-toyonaka-001', '妻'],
        seal: ['27203-0012345', '2010-04-20'],
        taxYears: YEARS,
        income: 3_200_000,
        certificateSerial: '1001',
        previousAddress: ['京都府京都市左京区北白川別当町99番地', '2006-04-01'],
      },
      { id: 'toyonaka-001-child', name: ['豊中 陽菜', 'とよなか ひな'], birth: '2012-04-08', gender: 'female', relationship: '子', since: '2012-04-08', register: ['reg-toyonaka-001', '長女'] },
    ],
  },
  {
    id: 'h-toyonaka-002',
    address: '大阪府豊中市中桜塚2丁目98番12号',
    members: [
      {
        id: 'toyonaka-002',
        name: ['桜塚 一郎', 'さくらづか いちろう'],
        birth: '1957-11-03',
        gender: 'male',
        relationship: '世帯主',
        since: '1985-06-01',
        register: ['reg-toyonaka-002', '筆頭者'],
        seal: ['27203-0004567', '1986-02-10'],
        taxYears: YEARS,
        income: 2_100_000,
        certificateSerial: '1002',
        previousAddress: ['兵庫県神戸市中央区加納町六丁目99番地', '1957-11-03'],
      },
    ],
  },
  {
    id: 'h-toyonaka-003',
    address: '大阪府豊中市上野西3丁目97番5号',
    members: [
      { id: 'toyonaka-003-head', name: ['千里 誠', 'せんり まこと'], birth: '1970-07-15', gender: 'male', relationship: '世帯主', since: '1998-10-01', register: ['reg-toyonaka-003', '筆頭者'], seal: ['27203-0007788', '1998-10-15'], taxYears: YEARS, income: 6_100_000 },
      { id: 'toyonaka-003-spouse', name: ['千里 由美', 'せんり ゆみ'], birth: '1972-03-03', gender: 'female', relationship: '妻', since: '1998-10-01', register: ['reg-toyonaka-003', '妻'] },
      { id: 'toyonaka-003', name: ['千里 美咲', 'せんり みさき'], birth: '2001-02-28', gender: 'female', relationship: '子', since: '2001-02-28', register: ['reg-toyonaka-003', '長女'], taxYears: [2025, 2026], income: 2_600_000, certificateSerial: '1003' },
    ],
  },
  {
    id: 'h-toyonaka-004',
    address: '大阪府豊中市庄内幸町4丁目96番3号',
    members: [
      { id: 'toyonaka-004', name: ['庄内 健', 'しょうない けん'], birth: '1975-08-20', gender: 'male', relationship: '世帯主', since: '2003-05-01', register: ['reg-toyonaka-004', '筆頭者'], seal: ['27203-0009911', '2003-05-20'], taxYears: YEARS, income: 4_300_000, certificateSerial: '1004' },
    ],
  },
];

/** Municipal tax (6 %) and prefectural tax (4 %) of a synthetic income, roughly as 住民税 is split. */
const taxes = (income: number) => ({ municipal: Math.floor((income * 0.06) / 100) * 100, prefectural: Math.floor((income * 0.04) / 100) * 100 });

type Rows<Table extends keyof HubSchema> = Insertable<HubSchema[Table]>[];

/** The seed as rows of each table, in the order foreign keys need them. */
interface SeedRows {
  registers: Rows<'resident_family_registers'>;
  households: Rows<'resident_households'>;
  residents: Rows<'residents'>;
  certificates: Rows<'resident_certificates'>;
  addresses: Rows<'resident_address_history'>;
  taxRecords: Rows<'resident_tax_records'>;
}

function seedRows(certificateIssuer: string): SeedRows {
  const rows: SeedRows = {
    registers: REGISTERS.map((r) => ({ register_id: r.id, honseki: r.honseki, register_head: r.head, held_here: r.heldHere ? 1 : 0 })),
    households: [],
    residents: [],
    certificates: [],
    addresses: [],
    taxRecords: [],
  };
  const registerOrder = new Map<string, number>();
  for (const household of HOUSEHOLDS) {
    rows.households.push({ household_id: household.id, municipality: '豊中市', address: household.address, head_name: household.members[0]?.name[0] ?? '' });
    household.members.forEach((p, index) => {
      const order = p.register ? (registerOrder.get(p.register[0]) ?? 0) + 1 : null;
      if (p.register) registerOrder.set(p.register[0], order ?? 1);
      rows.residents.push({
        resident_id: p.id,
        municipality: '豊中市',
        household_id: household.id,
        household_order: index + 1,
        name_ja: p.name[0],
        name_kana: p.name[1],
        birth_date: p.birth,
        gender: p.gender,
        household_relationship: p.relationship,
        became_resident_on: p.since,
        register_id: p.register?.[0] ?? null,
        register_order: order,
        register_relationship: p.register?.[1] ?? null,
        seal_registration_number: p.seal?.[0] ?? null,
        seal_registered_on: p.seal?.[1] ?? null,
      });
      if (p.certificateSerial) rows.certificates.push({ cert_issuer: certificateIssuer, cert_serial: p.certificateSerial, resident_id: p.id });
      if (p.previousAddress) rows.addresses.push({ resident_id: p.id, since: p.previousAddress[1], address: p.previousAddress[0] });
      rows.addresses.push({ resident_id: p.id, since: p.since, address: household.address });
      for (const year of p.taxYears ?? []) {
        const income = p.income ?? 0;
        const t = taxes(income);
        rows.taxRecords.push({ resident_id: p.id, fiscal_year: year, total_income_yen: income, municipal_tax_yen: t.municipal, prefectural_tax_yen: t.prefectural });
      }
    });
  }
  return rows;
}

/**
 * Inserts the synthetic residents unless they are there already (one transaction); resolves to how
 * many residents it added. `certificateIssuer` is the issuer DN (as node:crypto prints it) of the CA
 * that issued the cards.
 */
export function seedSyntheticResidents(store: HubStore, options: { certificateIssuer: string }): Promise<number> {
  const rows = seedRows(options.certificateIssuer);
  return store.transaction(async (tx) => {
    await tx.insertInto('resident_family_registers').values(rows.registers).onConflict((c) => c.doNothing()).execute();
    await tx.insertInto('resident_households').values(rows.households).onConflict((c) => c.doNothing()).execute();
    const added = await tx.insertInto('residents').values(rows.residents).onConflict((c) => c.doNothing()).returning('resident_id').execute();
    await tx.insertInto('resident_certificates').values(rows.certificates).onConflict((c) => c.doNothing()).execute();
    await tx.insertInto('resident_address_history').values(rows.addresses).onConflict((c) => c.doNothing()).execute();
    await tx.insertInto('resident_tax_records').values(rows.taxRecords).onConflict((c) => c.doNothing()).execute();
    return added.length;
  });
}

/** Names and addresses of the seeded people, for privacy tests that grep stores and logs for them. */
export const SEEDED_PERSONAL_STRINGS: readonly string[] = [
  ...HOUSEHOLDS.flatMap((h) => [h.address, ...h.members.flatMap((m) => [m.name[0], m.name[1]])]),
  ...REGISTERS.map((r) => r.honseki),
];
