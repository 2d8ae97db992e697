import { v7 as uuidv7 } from 'uuid';
import { factsFile } from '../../test/certificates/support/facts';
import { hanakoDossier } from '../../test/certificates/support/dossiers';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import { buildCatalogues, TOYONAKA } from '../domain/certificates/catalogue';
import { issueRequestHash } from '../domain/certificates/codes';
import { loadCertificateFacts } from '../domain/certificates/facts';
import type { CardAuthRepository } from '../repositories/card-auth.repository';
import type { IssuanceRecord, IssuanceRepository } from '../repositories/issuance.repository';
import type { KioskRepository } from '../repositories/kiosk.repository';
import type { MaintenanceDayRepository } from '../repositories/maintenance-day.repository';
import type { Random } from '../repositories/random.repository';
import type { ResidentRecords } from '../repositories/resident-records.repository';
import type { CertificateRenderer } from '../rendering/certificate-pdf';
import type { CardAuthService } from './card-auth.service';
import { CertificateRefusal } from './certificate-refusal';
import { CertificatesService } from './certificates.service';

describe('CertificatesService (rules, with strict mocks)', () => {
  const clock = new ManualClock('2026-11-26T03:00:00.000Z');
  const config = { catalogues: buildCatalogues(loadCertificateFacts(factsFile()), [TOYONAKA]), challengeTtlMs: 60_000, sessionTtlMs: 900_000, verifyBaseUrl: 'http://hub', demoServiceTime: null as string | null };
  const session = { sessionId: 'S'.repeat(43), kioskId: 'kiosk-one', residentId: 'toyonaka-001', createdAt: clock.now().toISOString(), expiresAtMs: clock.now().getTime() + 900_000 };
  const order = { options: { type: 'inkan' as const }, copies: 2 };
  const request = { transactionId: uuidv7(), cardSessionId: session.sessionId, order, paidFeeYen: 400 };
  const record: IssuanceRecord = {
    issuanceId: uuidv7(),
    transactionId: request.transactionId,
    requestHash: issueRequestHash({ kioskId: 'kiosk-one', cardSessionId: request.cardSessionId, order, paidFeeYen: 400 }),
    kioskId: 'kiosk-one',
    municipality: '豊中市',
    residentId: 'toyonaka-001',
    certificateType: 'inkan',
    options: order.options,
    copies: 2,
    unitFeeYen: 200,
    feeYen: 400,
    serial: '27203-2026-000001',
    verificationCode: 'AAAA-BBBB-CCCC',
    issuedAt: clock.now().toISOString(),
    voidedAt: null,
  };

  let sessions: ReturnType<typeof strictMock<CardAuthRepository>>;
  let residents: ReturnType<typeof strictMock<ResidentRecords>>;
  let issuances: ReturnType<typeof strictMock<IssuanceRepository>>;
  let renderer: ReturnType<typeof strictMock<CertificateRenderer>>;
  let service: CertificatesService;

  const codeOf = async (work: Promise<unknown>) => {
    try {
      await work;
      return 'accepted';
    } catch (error) {
      if (error instanceof CertificateRefusal) return error.code;
      throw error;
    }
  };

  beforeEach(() => {
    sessions = strictMock<CardAuthRepository>('CardAuthRepository');
    residents = strictMock<ResidentRecords>('ResidentRecords');
    issuances = strictMock<IssuanceRepository>('IssuanceRepository');
    renderer = strictMock<CertificateRenderer>('CertificateRenderer');
    const random = strictMock<Random>('Random');
    random.bytes.mockImplementation((n: number) => Buffer.alloc(n, 7));
    random.uuidv7.mockImplementation(() => uuidv7());
    // The issuance is judged against service hours and maintenance days (issue 16): none scheduled here.
    const maintenance = strictMock<MaintenanceDayRepository>('MaintenanceDayRepository');
    maintenance.listFrom.mockResolvedValue([]);
    service = new CertificatesService(
      strictMock<CardAuthService>('CardAuthService'),
      sessions,
      residents,
      issuances,
      maintenance,
      strictMock<KioskRepository>('KioskRepository'),
      renderer,
      clock,
      random,
      config,
      silentLogger(),
    );
  });

  it('refuses malformed input before touching any store', async () => {
    expect(await codeOf(service.issue('kiosk-one', { ...request, paidFeeYen: -1 }))).toBe('invalid_message');
    expect(await codeOf(service.quote('kiosk-one', { cardSessionId: session.sessionId }))).toBe('invalid_message');
    expect(await codeOf(service.refund('kiosk-one', { transactionId: request.transactionId, amountYen: 1, reason: 'because', method: 'hopper' }))).toBe('invalid_message');
    expect(await codeOf(service.verifyCard('kiosk-one', { challenge: 'x' }))).toBe('invalid_message');
    const refusal = await service.issue('kiosk-one', { ...request, order: { ...order, copies: 11 } }).catch((e: unknown) => e);
    expect((refusal as CertificateRefusal).failure.error.issues?.[0]?.path).toBe('order.copies');
  });

  it('answers a request that lost the race for its key as a retry when the content is the same, a conflict when not', async () => {
    issuances.findByTransaction.mockResolvedValue(undefined);
    sessions.findSession.mockResolvedValue(session);
    residents.loadDossier.mockResolvedValue(hanakoDossier());
    issuances.recordIssuance.mockResolvedValue({ kind: 'existing', record });
    renderer.render.mockResolvedValue(Buffer.from('%PDF-'));
    expect(await service.issue('kiosk-one', request)).toMatchObject({ replayed: true, issuance: { serial: record.serial } });
    issuances.recordIssuance.mockResolvedValue({ kind: 'existing', record: { ...record, requestHash: 'other' } });
    expect(await codeOf(service.issue('kiosk-one', request))).toBe('idempotency-conflict');
    issuances.recordIssuance.mockResolvedValue({ kind: 'refunded' });
    expect(await codeOf(service.issue('kiosk-one', request))).toBe('transaction-refunded');
  });

  it('replays an existing issuance without a session (the agent may retry after the session expired)', async () => {
    issuances.findByTransaction.mockResolvedValue(record);
    residents.loadDossier.mockResolvedValue(hanakoDossier());
    renderer.render.mockResolvedValue(Buffer.from('%PDF-'));
    expect(await service.issue('kiosk-one', request)).toMatchObject({ replayed: true });
    expect(sessions.findSession).not.toHaveBeenCalled();
    expect(renderer.render).toHaveBeenCalledWith(expect.objectContaining({ serial: record.serial, verifyUrl: 'http://hub/verify/AAAA-BBBB-CCCC', issuedAt: new Date(record.issuedAt) }));
    issuances.findByTransaction.mockResolvedValue({ ...record, voidedAt: clock.now().toISOString() });
    expect(await codeOf(service.issue('kiosk-one', request))).toBe('transaction-refunded');
  });

  it('records the price it computed, not one the kiosk sent', async () => {
    issuances.findByTransaction.mockResolvedValue(undefined);
    sessions.findSession.mockResolvedValue(session);
    residents.loadDossier.mockResolvedValue(hanakoDossier());
    issuances.recordIssuance.mockImplementation((draft) => Promise.resolve({ kind: 'created', record: { ...record, ...draft, serial: 'x', voidedAt: null } }));
    renderer.render.mockResolvedValue(Buffer.from('%PDF-'));
    await service.issue('kiosk-one', request);
    expect(issuances.recordIssuance).toHaveBeenCalledWith(
      expect.objectContaining({ unitFeeYen: 200, feeYen: 400, copies: 2, serialPrefix: '27203', serialYear: 2026, municipality: '豊中市', verificationCode: 'A4DQ-OBYH-A4DQ' }),
    );
  });

  it('never says anything personal in a verification result', async () => {
    issuances.findByVerificationCode.mockResolvedValue(record);
    const result = await service.verify('aaaa bbbb cccc');
    expect(issuances.findByVerificationCode).toHaveBeenCalledWith('AAAA-BBBB-CCCC');
    expect(Object.keys(result).sort()).toEqual(['certificateNameJa', 'certificateType', 'copies', 'issuedAt', 'kioskId', 'municipality', 'serial', 'valid']);
  });
});
