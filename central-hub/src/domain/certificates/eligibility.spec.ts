import { factsFile } from '../../../test/certificates/support/facts';
import { hanakoDossier } from '../../../test/certificates/support/dossiers';
import { buildCatalogues, TOYONAKA } from './catalogue';
import { buildMenu, checkEligibility } from './eligibility';
import { loadCertificateFacts } from './facts';

describe('eligibility', () => {
  const toyonaka = buildCatalogues(loadCertificateFacts(factsFile()), [TOYONAKA]).get('豊中市')!;
  const now = new Date('2026-11-26T01:00:00Z');
  const hanako = hanakoDossier();
  const noSeal = { ...hanako, seal: null };
  const registerElsewhere = { ...hanako, familyRegister: null };

  it('lets a resident with a seal registration order inkan, and refuses one without, saying why', () => {
    expect(checkEligibility(hanako, toyonaka, { type: 'inkan' }, now)).toEqual({ ok: true });
    expect(checkEligibility(noSeal, toyonaka, { type: 'inkan' }, now)).toEqual({ ok: false, reason: 'no-seal-registration' });
  });

  it('refuses family register certificates when this municipality holds no register for the resident', () => {
    expect(checkEligibility(hanako, toyonaka, { type: 'koseki', scope: 'full' }, now)).toEqual({ ok: true });
    expect(checkEligibility(registerElsewhere, toyonaka, { type: 'koseki', scope: 'full' }, now)).toEqual({ ok: false, reason: 'no-family-register' });
    expect(checkEligibility(registerElsewhere, toyonaka, { type: 'koseki-fuhyo', includeDomicile: true }, now)).toMatchObject({ reason: 'no-family-register' });
  });

  it('checks selected members against the household and the register', () => {
    const juminhyo = { type: 'juminhyo' as const, scope: 'selected' as const, includeDomicile: false, includeRelationship: true };
    expect(checkEligibility(hanako, toyonaka, { ...juminhyo, memberIds: ['toyonaka-001', 'toyonaka-001-child'] }, now)).toEqual({ ok: true });
    expect(checkEligibility(hanako, toyonaka, { ...juminhyo, memberIds: ['toyonaka-002'] }, now)).toMatchObject({ reason: 'member-not-in-household' });
    expect(checkEligibility(hanako, toyonaka, { type: 'koseki', scope: 'individual', memberId: 'toyonaka-001-child' }, now)).toEqual({ ok: true });
    expect(checkEligibility(hanako, toyonaka, { type: 'koseki', scope: 'individual', memberId: 'someone-else' }, now)).toMatchObject({ reason: 'member-not-in-register' });
  });

  it('allows tax certificates for offered years with a record only', () => {
    expect(checkEligibility(hanako, toyonaka, { type: 'kazei', fiscalYear: 2026 }, now)).toEqual({ ok: true });
    expect(checkEligibility(hanako, toyonaka, { type: 'kazei', fiscalYear: 2021 }, now)).toMatchObject({ reason: 'fiscal-year-unavailable' });
    expect(checkEligibility(hanako, toyonaka, { type: 'kazei', fiscalYear: 2027 }, now)).toMatchObject({ reason: 'fiscal-year-unavailable' });
    const fewRecords = { ...hanako, taxRecords: hanako.taxRecords.filter((r) => r.fiscalYear >= 2025) };
    expect(checkEligibility(fewRecords, toyonaka, { type: 'kazei', fiscalYear: 2024 }, now)).toMatchObject({ reason: 'no-tax-record' });
  });

  it('refuses what the municipality does not offer', () => {
    const limited = { ...toyonaka, entries: toyonaka.entries.filter((e) => e.type !== 'koseki') };
    expect(checkEligibility(hanako, limited, { type: 'koseki', scope: 'full' }, now)).toMatchObject({ reason: 'certificate-not-offered' });
  });

  it('builds the menu with fees, refusals, fiscal years and register members', () => {
    const menu = buildMenu({ ...noSeal, taxRecords: hanako.taxRecords.filter((r) => r.fiscalYear !== 2024) }, toyonaka, now);
    expect(menu.map((m) => [m.type, m.unitFeeYen, m.available, m.refusal])).toEqual([
      ['juminhyo', 200, true, undefined],
      ['inkan', 200, false, 'no-seal-registration'],
      ['koseki', 350, true, undefined],
      ['koseki-fuhyo', 200, true, undefined],
      ['kazei', 200, true, undefined],
    ]);
    expect(menu.find((m) => m.type === 'kazei')?.fiscalYears).toEqual([2026, 2025, 2023, 2022]);
    expect(menu.find((m) => m.type === 'koseki')?.registerMembers).toHaveLength(3);
    const none = buildMenu({ ...registerElsewhere, taxRecords: [] }, toyonaka, now);
    expect(none.find((m) => m.type === 'kazei')).toMatchObject({ available: false, refusal: 'no-tax-record' });
    expect(none.find((m) => m.type === 'koseki')).toMatchObject({ available: false, refusal: 'no-family-register' });
  });
});
