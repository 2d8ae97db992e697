import type { CertificateOrder } from '@kiosk/protocols';
import { factsFile } from '../../../test/certificates/support/facts';
import { buildCatalogues, CatalogueError, TOYONAKA } from './catalogue';
import { FactsFileError, loadCertificateFacts, parseCertificateFacts } from './facts';
import { quoteFee } from './fees';
import { availableFiscalYears, certificateTitle } from './options';

describe('certificate catalogue from the facts file', () => {
  const facts = loadCertificateFacts(factsFile());
  const catalogues = buildCatalogues(facts, [TOYONAKA]);
  const toyonaka = catalogues.get('豊中市')!;

  it('has the five kiosk certificates of Toyonaka with their kiosk fees', () => {
    expect(toyonaka.entries.map((e) => [e.type, e.unitFeeYen])).toEqual([
      ['juminhyo', 200],
      ['inkan', 200],
      ['koseki', 350],
      ['koseki-fuhyo', 200],
      ['kazei', 200],
    ]);
    expect(toyonaka.entries[0]?.nameJa).toBe('住民票の写し');
    expect(toyonaka.hours).toEqual({ open: '06:30', close: '23:00', closedDays: ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'] });
    expect(toyonaka.mayorTitle).toBe('豊中市長');
  });

  it('prices an order as unit fee × copies', () => {
    const order = (copies: number, options: CertificateOrder['options'] = { type: 'inkan' }): CertificateOrder => ({ options, copies });
    expect(quoteFee(toyonaka, order(1))).toEqual({ ok: true, unitFeeYen: 200, copies: 1, feeYen: 200 });
    expect(quoteFee(toyonaka, order(10))).toMatchObject({ feeYen: 2000 });
    expect(quoteFee(toyonaka, order(3, { type: 'koseki', scope: 'full' }))).toMatchObject({ unitFeeYen: 350, feeYen: 1050 });
  });

  it.each([0, 11, 1.5, -1])('refuses %s copies', (copies) => {
    expect(() => quoteFee(toyonaka, { options: { type: 'inkan' }, copies })).toThrow();
  });

  it('refuses malformed options (selected members without ids, ids with the whole household)', () => {
    const juminhyo = { type: 'juminhyo' as const, includeDomicile: false, includeRelationship: true };
    expect(() => quoteFee(toyonaka, { options: { ...juminhyo, scope: 'selected' }, copies: 1 })).toThrow(/memberIds/);
    expect(() => quoteFee(toyonaka, { options: { ...juminhyo, scope: 'household', memberIds: ['a'] }, copies: 1 })).toThrow(/memberIds/);
    expect(quoteFee(toyonaka, { options: { ...juminhyo, scope: 'selected', memberIds: ['a'] }, copies: 2 })).toMatchObject({ feeYen: 400 });
  });

  it('gives each municipality its own catalogue and fees', () => {
    const both = buildCatalogues(facts, [
      TOYONAKA,
      { municipality: '吹田市', mayorTitle: '吹田市長', serialPrefix: 'SUITA', offered: ['juminhyo', 'inkan'], kioskFeesYen: { juminhyo: 250 } },
    ]);
    const other = both.get('吹田市')!;
    expect(other.entries.map((e) => [e.type, e.unitFeeYen])).toEqual([
      ['juminhyo', 250],
      ['inkan', 200],
    ]);
    expect(quoteFee(other, { options: { type: 'kazei', fiscalYear: 2025 }, copies: 1 })).toEqual({ ok: false, reason: 'certificate-not-offered' });
    expect(both.get('豊中市')?.entries).toHaveLength(5);
  });

  it.each([
    ['a town that is not in the shared system', { ...TOYONAKA, municipality: '京都市' }],
    ['the prefecture', { ...TOYONAKA, municipality: '大阪府' }],
    ['a malformed serial prefix', { ...TOYONAKA, serialPrefix: 'x' }],
  ])('refuses a profile for %s', (_what, profile) => {
    expect(() => buildCatalogues(facts, [profile])).toThrow(CatalogueError);
  });

  it('refuses two profiles of one municipality or one serial prefix', () => {
    expect(() => buildCatalogues(facts, [TOYONAKA, TOYONAKA])).toThrow(/twice/);
    expect(() => buildCatalogues(facts, [TOYONAKA, { municipality: '池田市', mayorTitle: '池田市長', serialPrefix: '27203' }])).toThrow(/prefix/);
  });

  it('refuses a facts file without the certificate part, with the path of the problem', () => {
    expect(() => parseCertificateFacts({ sportsFacilityTerminals: { participants: ['豊中市'] } })).toThrow(FactsFileError);
    const broken = structuredClone(facts);
    broken.certificateIssuance.certificates[0]!.kioskFeeYen = -1;
    expect(() => parseCertificateFacts(broken)).toThrow(/kioskFeeYen/);
    expect(() => loadCertificateFacts('/nonexistent/facts.json')).toThrow(FactsFileError);
  });

  describe('tax certificate fiscal years', () => {
    const rule = toyonaka.taxRule;
    it('offers the last five fiscal years, the new one from June 1 (JST)', () => {
      expect(rule).toEqual({ releasedOn: '06-01', years: 5 });
      // 2026-05-31 23:59 JST: the 2026 assessment is not out yet.
      expect(availableFiscalYears(new Date('2026-05-31T14:59:59Z'), rule)).toEqual([2025, 2024, 2023, 2022, 2021]);
      // 2026-06-01 00:00 JST.
      expect(availableFiscalYears(new Date('2026-05-31T15:00:00Z'), rule)).toEqual([2026, 2025, 2024, 2023, 2022]);
      expect(availableFiscalYears(new Date('2027-01-02T03:00:00Z'), { releasedOn: '06-01', years: 2 })).toEqual([2026, 2025]);
    });
  });

  it('titles the certificate after its options', () => {
    expect(certificateTitle({ type: 'koseki', scope: 'full' })).toBe('戸籍全部事項証明書');
    expect(certificateTitle({ type: 'koseki', scope: 'individual' })).toBe('戸籍個人事項証明書');
    expect(certificateTitle({ type: 'kazei', fiscalYear: 2026 })).toBe('令和8年度 課税証明書');
    expect(certificateTitle({ type: 'kazei', fiscalYear: 2019 })).toBe('令和元年度 課税証明書');
  });
});
