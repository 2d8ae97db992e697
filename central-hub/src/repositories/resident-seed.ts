import type { Database } from 'better-sqlite3';
import type { Gender } from '../domain/certificates/resident';

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

/**
 * Inserts the synthetic residents unless they are there already; returns how many residents it added.
 * `certificateIssuer` is the issuer DN (as node:crypto prints it) of the CA that issued the cards.
 */
export function seedSyntheticResidents(db: Database, options: { certificateIssuer: string }): number {
  const insertRegister = db.prepare('INSERT OR IGNORE INTO resident_family_registers (register_id, honseki, register_head, held_here) VALUES (?, ?, ?, ?)');
  const insertHousehold = db.prepare('INSERT OR IGNORE INTO resident_households (household_id, municipality, address, head_name) VALUES (?, ?, ?, ?)');
  const insertResident = db.prepare(`INSERT OR IGNORE INTO residents (resident_id, municipality, household_id, household_order, name_ja, name_kana,
      birth_date, gender, household_relationship, became_resident_on, register_id, register_order, register_relationship,
      seal_registration_number, seal_registered_on) VALUES (?, '豊中市', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertCertificate = db.prepare('INSERT OR IGNORE INTO resident_certificates (cert_issuer, cert_serial, resident_id) VALUES (?, ?, ?)');
  const insertAddress = db.prepare('INSERT OR IGNORE INTO resident_address_history (resident_id, since, address) VALUES (?, ?, ?)');
  const insertTax = db.prepare(`INSERT OR IGNORE INTO resident_tax_records (resident_id, fiscal_year, total_income_yen, municipal_tax_yen, prefectural_tax_yen)
      VALUES (?, ?, ?, ?, ?)`);

  return db.transaction(() => {
    let added = 0;
    for (const r of REGISTERS) insertRegister.run(r.id, r.honseki, r.head, r.heldHere ? 1 : 0);
    const registerOrder = new Map<string, number>();
    for (const household of HOUSEHOLDS) {
      const head = household.members[0];
      insertHousehold.run(household.id, '豊中市', household.address, head?.name[0] ?? '');
      household.members.forEach((p, index) => {
        const order = p.register ? (registerOrder.get(p.register[0]) ?? 0) + 1 : null;
        if (p.register) registerOrder.set(p.register[0], order ?? 1);
        added += insertResident.run(
          p.id, household.id, index + 1, p.name[0], p.name[1], p.birth, p.gender, p.relationship, p.since,
          p.register?.[0] ?? null, order, p.register?.[1] ?? null, p.seal?.[0] ?? null, p.seal?.[1] ?? null,
        ).changes;
        if (p.certificateSerial) insertCertificate.run(options.certificateIssuer, p.certificateSerial, p.id);
        if (p.previousAddress) insertAddress.run(p.id, p.previousAddress[1], p.previousAddress[0]);
        insertAddress.run(p.id, p.since, household.address);
        for (const year of p.taxYears ?? []) {
          const income = p.income ?? 0;
          const t = taxes(income);
          insertTax.run(p.id, year, income, t.municipal, t.prefectural);
        }
      });
    }
    return added;
  })();
}

/** Names and addresses of the seeded people, for privacy tests that grep stores and logs for them. */
export const SEEDED_PERSONAL_STRINGS: readonly string[] = [
  ...HOUSEHOLDS.flatMap((h) => [h.address, ...h.members.flatMap((m) => [m.name[0], m.name[1]])]),
  ...REGISTERS.map((r) => r.honseki),
];
