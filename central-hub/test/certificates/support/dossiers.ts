import type { ResidentDossier } from '../../../src/domain/certificates/resident';

/** A synthetic resident for pure-rule tests: a household of three, seal registered, register held here. */
export function hanakoDossier(): ResidentDossier {
  return {
    residentId: 'toyonaka-001',
    municipality: '豊中市',
    address: '大阪府豊中市新千里東町1丁目99番901号',
    household: {
      householdId: 'h-toyonaka-001',
      headName: '豊中 太郎',
      members: [
        { memberId: 'toyonaka-001-head', nameJa: '豊中 太郎', nameKana: 'とよなか たろう', birthDate: '1982-09-30', gender: 'male', relationship: '世帯主', becameResidentOn: '2010-04-01' },
        { memberId: 'toyonaka-001', nameJa: '豊中 花子', nameKana: 'とよなか はなこ', birthDate: '1984-05-12', gender: 'female', relationship: '妻', becameResidentOn: '2010-04-01' },
        { memberId: 'toyonaka-001-child', nameJa: '豊中 陽菜', nameKana: 'とよなか ひな', birthDate: '2012-04-08', gender: 'female', relationship: '子', becameResidentOn: '2012-04-08' },
      ],
    },
    domicile: { honseki: '大阪府豊中市中桜塚三丁目99番地', registerHead: '豊中 太郎' },
    familyRegister: {
      honseki: '大阪府豊中市中桜塚三丁目99番地',
      registerHead: '豊中 太郎',
      members: [
        { memberId: 'toyonaka-001-head', nameJa: '豊中 太郎', birthDate: '1982-09-30', gender: 'male', relationship: '筆頭者' },
        { memberId: 'toyonaka-001', nameJa: '豊中 花子', birthDate: '1984-05-12', gender: 'female', relationship: '妻' },
        { memberId: 'toyonaka-001-child', nameJa: '豊中 陽菜', birthDate: '2012-04-08', gender: 'female', relationship: '長女' },
      ],
    },
    seal: { registrationNumber: '27203-0012345', registeredOn: '2010-04-20' },
    taxRecords: [2022, 2023, 2024, 2025, 2026].map((fiscalYear) => ({ fiscalYear, totalIncomeYen: 3_200_000, municipalTaxYen: 118_000, prefecturalTaxYen: 78_500 })),
    addressHistory: [
      { address: '京都府京都市左京区北白川別当町99番地', since: '2006-04-01' },
      { address: '大阪府豊中市新千里東町1丁目99番901号', since: '2010-04-01' },
    ],
  };
}
