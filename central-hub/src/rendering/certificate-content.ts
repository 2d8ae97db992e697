import type { CertificateOptions } from '@kiosk/protocols';
import { reiwaYear, warekiDate } from '../domain/certificates/wareki';
import { selfMember, type HouseholdMemberRecord, type ResidentDossier } from '../domain/certificates/resident';

/**
 * What a certificate says, per type and options, as blocks the PDF lays out: labelled fields, a table,
 * the registered seal's impression, and the attestation sentence. Pure, so what is printed for which
 * options is tested without reading a PDF.
 */
export type ContentBlock =
  | { kind: 'fields'; rows: [label: string, value: string][] }
  | { kind: 'table'; columns: { label: string; width: number }[]; rows: string[][] }
  | { kind: 'seal-impression'; text: string };

export interface CertificateContent {
  blocks: ContentBlock[];
  attestation: string;
}

const GENDER = { male: '男', female: '女' } as const;
const yen = (n: number) => `${n.toLocaleString('en-US')}円`;

export function buildCertificateContent(dossier: ResidentDossier, options: CertificateOptions): CertificateContent {
  const self = selfMember(dossier);
  if (!self) throw new Error('resident is not in their own household');
  switch (options.type) {
    case 'juminhyo':
      return residence(dossier, options);
    case 'inkan':
      return {
        blocks: [
          { kind: 'seal-impression', text: surname(self.nameJa) },
          {
            kind: 'fields',
            rows: [
              ['氏名', self.nameJa],
              ['生年月日', warekiDate(self.birthDate)],
              ['住所', dossier.address],
              ['印鑑登録番号', dossier.seal?.registrationNumber ?? ''],
            ],
          },
        ],
        attestation: 'この写しは、登録されている印影と相違ないことを証明する。',
      };
    case 'koseki': {
      const register = dossier.familyRegister;
      if (!register) throw new Error('no family register held here');
      const memberId = options.memberId ?? dossier.residentId;
      const members = options.scope === 'full' ? register.members : register.members.filter((m) => m.memberId === memberId);
      return {
        blocks: [
          { kind: 'fields', rows: [['本籍', register.honseki], ['氏名', register.registerHead]] },
          {
            kind: 'table',
            columns: [{ label: '戸籍に記録されている者', width: 0.4 }, { label: '生年月日', width: 0.25 }, { label: '性別', width: 0.1 }, { label: '続柄', width: 0.25 }],
            rows: members.map((m) => [m.nameJa, warekiDate(m.birthDate), GENDER[m.gender], m.relationship]),
          },
        ],
        attestation:
          options.scope === 'full'
            ? 'これは、戸籍に記録されている事項の全部を証明した書面である。'
            : 'これは、戸籍中の一部の者について記録されている事項の全部を証明した書面である。',
      };
    }
    case 'koseki-fuhyo': {
      const register = dossier.familyRegister;
      const head: [string, string][] = options.includeDomicile && register ? [['本籍', register.honseki], ['筆頭者', register.registerHead]] : [];
      return {
        blocks: [
          { kind: 'fields', rows: [...head, ['氏名', self.nameJa], ['生年月日', warekiDate(self.birthDate)]] },
          {
            kind: 'table',
            columns: [{ label: '住所', width: 0.7 }, { label: '住所を定めた年月日', width: 0.3 }],
            rows: dossier.addressHistory.map((a) => [a.address, warekiDate(a.since)]),
          },
        ],
        attestation: 'この写しは、戸籍の附票の原本と相違ないことを証明する。',
      };
    }
    case 'kazei': {
      const record = dossier.taxRecords.find((r) => r.fiscalYear === options.fiscalYear);
      if (!record) throw new Error('no tax record for that fiscal year');
      return {
        blocks: [
          { kind: 'fields', rows: [['住所', dossier.address], ['氏名', self.nameJa], ['生年月日', warekiDate(self.birthDate)]] },
          {
            kind: 'fields',
            rows: [
              ['課税年度', `${reiwaYear(options.fiscalYear)}年度（${reiwaYear(options.fiscalYear - 1)}年中の所得）`],
              ['総所得金額', yen(record.totalIncomeYen)],
              ['市民税額', yen(record.municipalTaxYen)],
              ['府民税額', yen(record.prefecturalTaxYen)],
              ['合計税額', yen(record.municipalTaxYen + record.prefecturalTaxYen)],
            ],
          },
        ],
        attestation: '上記のとおり相違ないことを証明する。',
      };
    }
  }
}

function residence(dossier: ResidentDossier, options: Extract<CertificateOptions, { type: 'juminhyo' }>): CertificateContent {
  const selected = new Set(options.memberIds ?? []);
  const members: HouseholdMemberRecord[] =
    options.scope === 'household' ? dossier.household.members : dossier.household.members.filter((m) => selected.has(m.memberId));
  const domicile: [string, string][] =
    options.includeDomicile && dossier.domicile ? [['本籍', dossier.domicile.honseki], ['筆頭者', dossier.domicile.registerHead]] : [];
  const columns = [
    { label: '氏名', width: 0.3 },
    { label: '生年月日', width: 0.22 },
    { label: '性別', width: 0.08 },
    ...(options.includeRelationship ? [{ label: '続柄', width: 0.12 }] : []),
    { label: '住民となった年月日', width: options.includeRelationship ? 0.28 : 0.4 },
  ];
  return {
    blocks: [
      { kind: 'fields', rows: [['住所', dossier.address], ['世帯主', dossier.household.headName], ...domicile] },
      {
        kind: 'table',
        columns,
        rows: members.map((m) => [
          m.nameJa,
          warekiDate(m.birthDate),
          GENDER[m.gender],
          ...(options.includeRelationship ? [m.relationship] : []),
          warekiDate(m.becameResidentOn),
        ]),
      },
    ],
    attestation:
      options.scope === 'household'
        ? 'この写しは、世帯全員の住民票の原本と相違ないことを証明する。'
        : 'この写しは、世帯の一部の住民票の原本と相違ないことを証明する。',
  };
}

/** The family name (before the space) is what a registered seal usually bears. */
function surname(name: string): string {
  return name.split(/\s/)[0] ?? name;
}
