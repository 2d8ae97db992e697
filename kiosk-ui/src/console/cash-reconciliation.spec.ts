import type { CashPeriod, CashReconciliationReport } from '@kiosk/protocols';
import { CashReconciliationClient, CashReconciliationError, hasDiscrepancy, voucherRedemptionDraft } from './cash-reconciliation';

const period: CashPeriod = {
  kioskId: 'kiosk-001',
  municipality: '豊中市',
  site: '豊中市役所',
  status: 'collected',
  startedAt: null,
  collectedAt: '2026-11-26T09:00:00.000Z',
  cashBox: { coins: 2, expectedYen: 200, recordedYen: 200, countedYen: 100, differenceYen: -100 },
  hoppers: { changePaidYen: 0, refundsPaidYen: 0, paidYen: 0, startYen: null, expectedYen: null, countedYen: null, differenceYen: null, leftYen: null, counts: [] },
  vouchers: { changeYen: 0, refundYen: 0, issuedYen: 0, redeemedYen: 0, outstandingYen: 0 },
  fees: { paidYen: 200, refundedYen: 0, earnedYen: 200, issuances: 1 },
  unsettledYen: 0,
  flags: ['counted-short'],
};

describe('cash reconciliation client', () => {
  it('asks for the range with the session token and parses the report', async () => {
    const report: CashReconciliationReport = { municipality: '豊中市', from: '2026-11-26', to: '2026-11-26', generatedAt: '2026-11-26T10:00:00.000Z', periods: [period] };
    const calls: Array<[string, RequestInit | undefined]> = [];
    const client = new CashReconciliationClient((input, init) => {
      calls.push([String(input), init]);
      return Promise.resolve(new Response(JSON.stringify(report), { status: 200 }));
    }, 'tok');
    await expect(client.report('2026-11-26', '2026-11-26')).resolves.toEqual(report);
    expect(calls).toEqual([['/api/cash/reconciliation?from=2026-11-26&to=2026-11-26', { method: 'GET', headers: { authorization: 'Bearer tok' } }]]);
  });

  it('turns a refusal into an error with its status', async () => {
    const client = new CashReconciliationClient(
      () => Promise.resolve(new Response(JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'a viewer cannot' } }), { status: 403 })),
      'tok',
    );
    await expect(client.csv('2026-11-26', '2026-11-26')).rejects.toEqual(new CashReconciliationError(403, 'a viewer cannot'));
  });

  it('highlights money missing or over at the box, not a note', () => {
    expect(hasDiscrepancy(period)).toBe(true);
    expect(hasDiscrepancy({ ...period, flags: ['not-counted', 'unsettled'] })).toBe(false);
    expect(hasDiscrepancy({ ...period, flags: ['recorded-mismatch'] })).toBe(true);
    expect(hasDiscrepancy({ ...period, flags: ['hoppers-short'] })).toBe(true);
  });

  it('posts a voucher redemption as typed from the voucher, and says why the hub refused one (issue 18)', async () => {
    const form = { kioskId: ' kiosk-001 ', transactionId: '0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B', amount: '１００円', note: '' };
    const request = voucherRedemptionDraft(form);
    expect(request).toEqual({ kioskId: 'kiosk-001', transactionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', amountYen: 100 });
    expect(voucherRedemptionDraft({ ...form, amount: '0' })).toBeNull();
    expect(voucherRedemptionDraft({ ...form, transactionId: 'not-a-transaction' })).toBeNull();
    if (request === null) throw new Error('no request');
    const calls: Array<[string, RequestInit | undefined]> = [];
    const client = new CashReconciliationClient((input, init) => {
      calls.push([String(input), init]);
      return Promise.resolve(new Response(JSON.stringify({ ok: false, error: { code: 'conflict', message: 'this voucher of ¥100 was already redeemed' } }), { status: 409 }));
    }, 'tok');
    await expect(client.redeemVoucher(request)).rejects.toEqual(new CashReconciliationError(409, 'this voucher of ¥100 was already redeemed'));
    expect(calls[0]?.[0]).toBe('/api/cash/vouchers/redemptions');
    expect(calls[0]?.[1]).toMatchObject({ method: 'POST', body: JSON.stringify(request) });
  });
});
