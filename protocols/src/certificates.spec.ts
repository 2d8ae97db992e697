import {
  CertificateFailureSchema,
  CertificateOrderSchema,
  IssueRequestSchema,
  IssueResponseSchema,
  VerificationResultSchema,
  agentToHubCertificateSchemas,
  failure,
} from './index';

describe('certificate messages', () => {
  const order = { options: { type: 'juminhyo', scope: 'selected', memberIds: ['toyonaka-001'], includeDomicile: false, includeRelationship: true }, copies: 2 };

  it('accepts well-formed orders of every type', () => {
    expect(CertificateOrderSchema.parse(order)).toEqual(order);
    for (const options of [{ type: 'inkan' }, { type: 'koseki', scope: 'individual', memberId: 'a-1' }, { type: 'koseki-fuhyo', includeDomicile: true }, { type: 'kazei', fiscalYear: 2025 }]) {
      expect(CertificateOrderSchema.safeParse({ options, copies: 1 }).success).toBe(true);
    }
  });

  it.each([
    ['0 copies', { ...order, copies: 0 }],
    ['11 copies', { ...order, copies: 11 }],
    ['selected members without ids', { ...order, options: { ...order.options, memberIds: undefined } }],
    ['ids with the whole household', { ...order, options: { ...order.options, scope: 'household' } }],
    ['a repeated member', { ...order, options: { ...order.options, memberIds: ['a', 'a'] } }],
    ['an unknown certificate', { ...order, options: { type: 'passport' } }],
    ['an unknown option', { ...order, options: { type: 'inkan', withPhoto: true } }],
    ['a fiscal year as text', { ...order, options: { type: 'kazei', fiscalYear: '2025' } }],
  ])('refuses an order with %s', (_what, input) => {
    expect(CertificateOrderSchema.safeParse(input).success).toBe(false);
  });

  it('keys an issue on a UUIDv7 transaction id', () => {
    const request = { transactionId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6b', cardSessionId: 'A'.repeat(43), order, paidFeeYen: 400 };
    expect(IssueRequestSchema.safeParse(request).success).toBe(true);
    expect(IssueRequestSchema.safeParse({ ...request, transactionId: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }).success).toBe(false);
  });

  it('carries generic failures and certificate refusals in the same shape', () => {
    expect(CertificateFailureSchema.parse(failure('invalid_message', 'bad'))).toEqual({ ok: false, error: { code: 'invalid_message', message: 'bad' } });
    expect(IssueResponseSchema.parse({ ok: false, error: { code: 'no-seal-registration', message: 'no seal' } }).ok).toBe(false);
    expect(IssueResponseSchema.safeParse({ ok: false, error: { code: 'made-up', message: 'x' } }).success).toBe(false);
  });

  it('has no room for personal data in a verification result', () => {
    const valid = { valid: true, certificateType: 'inkan', certificateNameJa: '印鑑登録証明書', issuedAt: '2026-11-26T01:00:00.000Z', municipality: '豊中市', kioskId: 'kiosk-abcd1234', serial: '27203-2026-000001', copies: 2 };
    expect(VerificationResultSchema.parse(valid)).toEqual(valid);
    expect(VerificationResultSchema.safeParse({ ...valid, nameJa: '豊中 花子' }).success).toBe(false);
  });

  it('has a request schema for every certificate event', () => {
    expect(Object.keys(agentToHubCertificateSchemas).sort()).toEqual([
      'certificates.availability',
      'certificates.challenge',
      'certificates.issue',
      'certificates.quote',
      'certificates.refund',
      'certificates.verify',
    ]);
  });
});
