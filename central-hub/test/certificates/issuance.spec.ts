import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { IssuanceSchema, type CertificateOrder } from '@kiosk/protocols';
import { buildCatalogues, TOYONAKA } from '../../src/domain/certificates/catalogue';
import { loadCertificateFacts } from '../../src/domain/certificates/facts';
import { KyselyCardAuthRepository } from '../../src/repositories/card-auth.repository';
import { KyselyIssuanceRepository } from '../../src/repositories/issuance.repository';
import { KyselyKioskRepository } from '../../src/repositories/kiosk.repository';
import type { AuditDraft } from '../../src/repositories/audit.sql';
import { KyselyMaintenanceDayRepository } from '../../src/repositories/maintenance-day.repository';
import { CryptoRandom } from '../../src/repositories/random.repository';
import { KyselyResidentRecords } from '../../src/repositories/resident-records.repository';
import { SEEDED_PERSONAL_STRINGS, seedSyntheticResidents } from '../../src/repositories/resident-seed';
import { FileTrustStore } from '../../src/repositories/trust-store.repository';
import { PdfCertificateRenderer } from '../../src/rendering/certificate-pdf';
import type { HubStore } from '../../src/storage/hub-store';
import { CardAuthService } from '../../src/services/card-auth.service';
import { CertificateRefusal } from '../../src/services/certificate-refusal';
import type { CertificatesConfig } from '../../src/services/certificates.config';
import { CertificatesService } from '../../src/services/certificates.service';
import { LogCapture } from '../support/log-capture';
import { ManualClock } from '../support/manual-clock';
import { countOf, insertKiosk, openCertificatesStore, rowsIn } from './support/db';
import { factsFile } from './support/facts';
import { createTestPki, type TestPki } from './support/test-pki';

const JUMINHYO: CertificateOrder['options'] = { type: 'juminhyo', scope: 'household', includeDomicile: true, includeRelationship: true };

/**
 * The certificate service end to end on the hub side: the real store (SQLite file, or PostgreSQL in the
 * PostgreSQL run), real card certificates and CRL from openssl, real PDF rendering. The clock stands at
 * 12:00 JST on 2026-11-26 unless a test moves it.
 */
describe('CertificatesService (real store, real PKI, real PDF)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'issuance-'));
  const clock = new ManualClock('2026-11-26T03:00:00.000Z');
  const logs = new LogCapture();
  let pki: TestPki;
  let store: HubStore;
  let closeStore: (() => Promise<void>) | undefined;
  let service: CertificatesService;
  let config: CertificatesConfig;
  const cards: Record<string, Buffer> = {};

  const reasonOf = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
      return 'accepted';
    } catch (error) {
      if (error instanceof CertificateRefusal) return error.code;
      throw error;
    }
  };

  /** Challenge → card signature → verify, as the agent does with the card on the reader. */
  const placeCard = async (card: Buffer, kioskId = 'kiosk-one') => {
    const { challenge } = await service.challenge(kioskId);
    const signature = pki.cardSign(Buffer.from(challenge, 'base64'));
    return service.verifyCard(kioskId, { challenge, certificate: card.toString('base64'), signature: signature.toString('base64') });
  };

  beforeAll(async () => {
    // Every date fixed around the pinned clock, so the suite means the same on any day it runs.
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2030-01-01T00:00:00Z');
    pki = createTestPki(path.join(dir, 'pki'), { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2040-01-01T00:00:00Z') });
    for (const [name, serial] of [['hanako', '1001'], ['ichiro', '1002'], ['misaki', '1003']] as const) cards[name] = pki.root.issue(serial, from, to);
    const anchorFile = path.join(dir, 'anchor.pem');
    writeFileSync(anchorFile, pki.root.rootPem);
    const crlFile = path.join(dir, 'root.crl.pem');
    writeFileSync(crlFile, pki.root.crl({ from, days: 3650 }));
    ({ store, close: closeStore } = await openCertificatesStore());
    await insertKiosk(store, 'kiosk-one');
    await insertKiosk(store, 'kiosk-two');
    await insertKiosk(store, 'terminal-one', { kind: 'street-terminal' });
    await insertKiosk(store, 'kiosk-ikeda', { municipality: '池田市' });
    await seedSyntheticResidents(store, { certificateIssuer: new X509Certificate(pki.root.rootDer).subject });
    const log = pino({ level: 'trace' }, logs);
    config = {
      catalogues: buildCatalogues(loadCertificateFacts(factsFile()), [TOYONAKA]),
      challengeTtlMs: 60_000,
      sessionTtlMs: 15 * 60_000,
      verifyBaseUrl: 'http://127.0.0.1:7400/',
      demoServiceTime: null,
    };
    const random = new CryptoRandom();
    const cardRepo = new KyselyCardAuthRepository(store);
    const residents = new KyselyResidentRecords(store);
    const cardAuth = new CardAuthService(cardRepo, residents, new FileTrustStore({ anchorFiles: [anchorFile], crlFiles: [crlFile] }, log), clock, random, config, log);
    service = new CertificatesService(
      cardAuth,
      cardRepo,
      residents,
      new KyselyIssuanceRepository(store),
      new KyselyMaintenanceDayRepository(store),
      new KyselyKioskRepository(store),
      new PdfCertificateRenderer(),
      clock,
      random,
      config,
      log,
    );
  }, 60_000);

  afterAll(async () => {
    await closeStore?.();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('before any card', () => {
    it('says open during hours and why not outside them', async () => {
      expect(await service.availability('kiosk-one')).toEqual({ municipality: '豊中市', availability: { open: true, closesAt: '2026-11-26T14:00:00.000Z' } });
      const saved = clock.now().getTime();
      clock.advance(11 * 3_600_000); // 23:00 JST
      expect((await service.availability('kiosk-one')).availability).toMatchObject({ open: false, reason: 'after-hours' });
      expect(await reasonOf(service.challenge('kiosk-one'))).toBe('after-hours');
      clock.advance(saved - clock.now().getTime());
    });

    it('on a demo hub judges the hours at the demo time of day, so the flow can be tried at night', async () => {
      const saved = clock.now().getTime();
      clock.advance(11 * 3_600_000); // 23:00 JST: closed on a real hub
      config.demoServiceTime = '12:00';
      try {
        expect((await service.availability('kiosk-one')).availability).toEqual({ open: true, closesAt: '2026-11-26T14:00:00.000Z' });
        expect(await service.challenge('kiosk-one')).toMatchObject({ challenge: expect.any(String) });
      } finally {
        config.demoServiceTime = null;
        clock.advance(saved - clock.now().getTime());
      }
    });

    it('closes on a maintenance day the operator sets, and reopens when cleared', async () => {
      // The operators' route (CertificateCalendarService, test/certificates/calendar-routes.spec.ts) writes these rows.
      const days = new KyselyMaintenanceDayRepository(store);
      const audit = (changed: boolean): AuditDraft => ({
        at: clock.now().toISOString(),
        actor: 'spec',
        actorKind: 'user',
        action: changed ? 'maintenance-day.scheduled' : 'maintenance-day.cancelled',
        outcome: 'ok',
        municipality: '豊中市',
        kioskId: null,
        target: '2026-11-26',
        detail: {},
      });
      expect((await days.set({ municipality: '豊中市', day: '2026-11-26', kioskId: null }, clock.now().toISOString(), audit)).changed).toBe(true);
      expect((await service.availability('kiosk-one')).availability).toMatchObject({ open: false, reason: 'maintenance', reopensAt: '2026-11-26T21:30:00.000Z' });
      expect(await reasonOf(service.challenge('kiosk-one'))).toBe('maintenance');
      expect((await days.clear({ municipality: '豊中市', day: '2026-11-26', kioskId: null }, audit)).changed).toBe(true);
      expect((await service.availability('kiosk-one')).availability.open).toBe(true);
    });

    it('refuses terminals that do not issue certificates, and municipalities not served', async () => {
      expect(await reasonOf(service.availability('terminal-one'))).toBe('not-a-certificate-kiosk');
      expect(await reasonOf(service.availability('kiosk-unknown'))).toBe('not-a-certificate-kiosk');
      expect(await reasonOf(service.challenge('kiosk-ikeda'))).toBe('municipality-not-served');
    });
  });

  describe('with a verified card', () => {
    it('opens a session with the household and the menu, refusals included', async () => {
      const hanako = await placeCard(cards.hanako!);
      expect(hanako.municipality).toBe('豊中市');
      expect(hanako.household.map((m) => [m.nameJa, m.relationship, m.self])).toEqual([
        ['豊中 太郎', '世帯主', false],
        ['豊中 花子', '妻', true],
        ['豊中 陽菜', '子', false],
      ]);
      expect(hanako.menu.every((m) => m.available)).toBe(true);
      const misaki = await placeCard(cards.misaki!);
      expect(misaki.menu.find((m) => m.type === 'inkan')).toMatchObject({ available: false, refusal: 'no-seal-registration' });
      expect(misaki.menu.find((m) => m.type === 'kazei')?.fiscalYears).toEqual([2026, 2025]);
      const ichiro = await placeCard(cards.ichiro!);
      expect(ichiro.menu.find((m) => m.type === 'koseki')).toMatchObject({ available: false, refusal: 'no-family-register' });
    });

    it('quotes unit fee × copies and refuses what the resident may not order, with the reason', async () => {
      const { cardSessionId } = await placeCard(cards.hanako!);
      expect(await service.quote('kiosk-one', { cardSessionId, order: { options: JUMINHYO, copies: 2 } })).toEqual({ unitFeeYen: 200, copies: 2, feeYen: 400 });
      expect(await service.quote('kiosk-one', { cardSessionId, order: { options: { type: 'koseki', scope: 'full' }, copies: 3 } })).toMatchObject({ feeYen: 1050 });
      const misaki = await placeCard(cards.misaki!);
      expect(await reasonOf(service.quote('kiosk-one', { cardSessionId: misaki.cardSessionId, order: { options: { type: 'inkan' }, copies: 1 } }))).toBe('no-seal-registration');
      expect(await reasonOf(service.quote('kiosk-one', { cardSessionId, order: { options: JUMINHYO, copies: 11 } }))).toBe('invalid_message');
    });

    it('keeps a card session to its kiosk and its lifetime', async () => {
      const { cardSessionId } = await placeCard(cards.hanako!);
      const order = { options: { type: 'inkan' as const }, copies: 1 };
      expect(await reasonOf(service.quote('kiosk-two', { cardSessionId, order }))).toBe('session-unknown');
      expect(await reasonOf(service.quote('kiosk-one', { cardSessionId: 'A'.repeat(43), order }))).toBe('session-unknown');
      clock.advance(15 * 60_000);
      try {
        expect(await reasonOf(service.quote('kiosk-one', { cardSessionId, order }))).toBe('session-expired');
      } finally {
        clock.advance(-15 * 60_000);
      }
    });
  });

  describe('issuance', () => {
    const issuances = () => rowsIn(store, 'certificate_issuances');

    it('issues once per transaction id: a retry returns the same issuance, other content is a conflict', async () => {
      const { cardSessionId } = await placeCard(cards.hanako!);
      const transactionId = uuidv7();
      const request = { transactionId, cardSessionId, order: { options: JUMINHYO, copies: 2 }, paidFeeYen: 400 };
      const before = await issuances();

      const first = await service.issue('kiosk-one', request);
      expect(IssuanceSchema.parse(first.issuance)).toEqual(first.issuance);
      expect(first.replayed).toBe(false);
      expect(first.issuance).toMatchObject({ certificateType: 'juminhyo', copies: 2, feeYen: 400, municipality: '豊中市' });
      expect(first.issuance.serial).toMatch(/^27203-2026-\d{6}$/);
      expect(first.issuance.verificationCode).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);

      const pdfFile = path.join(dir, 'issued.pdf');
      writeFileSync(pdfFile, first.pdf);
      const text = execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' });
      expect(text).toContain('住民票の写し');
      expect(text).toContain(first.issuance.serial);
      expect(text).toContain(first.issuance.verificationCode);
      expect(text).toContain(`/verify/${first.issuance.verificationCode}`);

      const retry = await service.issue('kiosk-one', request);
      expect(retry.replayed).toBe(true);
      expect(retry.issuance).toEqual(first.issuance);
      expect(await issuances()).toBe(before + 1);
      expect(await countOf(store, sql`SELECT count(*) AS n FROM certificate_ledger WHERE transaction_id = ${transactionId}`)).toBe(2);

      expect(await reasonOf(service.issue('kiosk-one', { ...request, order: { options: JUMINHYO, copies: 3 }, paidFeeYen: 600 }))).toBe('idempotency-conflict');
      expect(await reasonOf(service.issue('kiosk-two', request))).toBe('idempotency-conflict');
      expect(await issuances()).toBe(before + 1);
    });

    it('gives each issuance the next serial and its own code', async () => {
      const { cardSessionId } = await placeCard(cards.hanako!);
      const issue = () => service.issue('kiosk-one', { transactionId: uuidv7(), cardSessionId, order: { options: { type: 'inkan' }, copies: 1 }, paidFeeYen: 200 });
      const a = await issue();
      const b = await issue();
      const seq = (serial: string) => Number(serial.slice(-6));
      expect(seq(b.issuance.serial)).toBe(seq(a.issuance.serial) + 1);
      expect(b.issuance.verificationCode).not.toBe(a.issuance.verificationCode);
    });

    it('refuses, and records nothing, when the payment does not match, the order is not allowed or malformed', async () => {
      const before = await issuances();
      const ledger = await rowsIn(store, 'certificate_ledger');
      const hanako = await placeCard(cards.hanako!);
      const misaki = await placeCard(cards.misaki!);
      const issue = (cardSessionId: string, order: unknown, paidFeeYen: unknown) => service.issue('kiosk-one', { transactionId: uuidv7(), cardSessionId, order, paidFeeYen });
      expect(await reasonOf(issue(hanako.cardSessionId, { options: JUMINHYO, copies: 2 }, 200))).toBe('fee-mismatch');
      expect(await reasonOf(issue(misaki.cardSessionId, { options: { type: 'inkan' }, copies: 1 }, 200))).toBe('no-seal-registration');
      expect(await reasonOf(issue(hanako.cardSessionId, { options: { type: 'kazei', fiscalYear: 2020 }, copies: 1 }, 200))).toBe('fiscal-year-unavailable');
      expect(await reasonOf(issue(hanako.cardSessionId, { options: { type: 'inkan' }, copies: 0 }, 0))).toBe('invalid_message');
      expect(await reasonOf(service.issue('kiosk-one', { transactionId: 'not-a-uuid', cardSessionId: hanako.cardSessionId, order: { options: { type: 'inkan' }, copies: 1 }, paidFeeYen: 200 }))).toBe('invalid_message');
      expect(await issuances()).toBe(before);
      expect(await rowsIn(store, 'certificate_ledger')).toBe(ledger);
    });
  });

  describe('service hours at the issuance (no payment step starts at or after 23:00; one begun before is completed)', () => {
    /** Moves the pinned clock (12:00 JST) to `time` JST that day. */
    const standAt = (time: string): void => clock.advance(new Date(`2026-11-26T${time}+09:00`).getTime() - clock.now().getTime());
    const noon = '12:00:00';

    it('the session opened at 22:59:41: its payment begun at 22:59:55 is issued at 23:00:06; one begun at 23:00:02, or not said, is refused', async () => {
      try {
        standAt('22:59:41');
        const { cardSessionId } = await placeCard(cards.hanako!);
        standAt('22:59:50');
        const order = { options: { type: 'inkan' as const }, copies: 1 };
        expect(await service.quote('kiosk-one', { cardSessionId, order })).toMatchObject({ feeYen: 200 });
        standAt('23:00:00');
        expect(await reasonOf(service.quote('kiosk-one', { cardSessionId, order }))).toBe('after-hours');
        standAt('23:00:06');
        const before = await rowsIn(store, 'certificate_issuances');
        const request = { transactionId: uuidv7(), cardSessionId, order, paidFeeYen: 200, paymentOpenedAt: '2026-11-26T22:59:55+09:00' };
        const issued = await service.issue('kiosk-one', request);
        expect(issued.replayed).toBe(false);
        expect(await reasonOf(service.issue('kiosk-one', { ...request, transactionId: uuidv7(), paymentOpenedAt: '2026-11-26T23:00:02+09:00' }))).toBe('after-hours');
        const { paymentOpenedAt: _unsaid, ...fromAnOlderKiosk } = request;
        expect(await reasonOf(service.issue('kiosk-one', { ...fromAnOlderKiosk, transactionId: uuidv7() }))).toBe('after-hours');
        // Said to have begun in the future: judged at the hub's now (closed).
        expect(await reasonOf(service.issue('kiosk-one', { ...request, transactionId: uuidv7(), paymentOpenedAt: '2026-11-26T23:30:00+09:00' }))).toBe('after-hours');
        // The accepted one, asked again after closing (its answer lost): the same issuance.
        expect(await service.issue('kiosk-one', request)).toMatchObject({ replayed: true, issuance: issued.issuance });
        expect(await rowsIn(store, 'certificate_issuances')).toBe(before + 1);
      } finally {
        standAt(noon);
      }
    });

    it('a payment said to have begun before the card was checked is judged at the card check (06:31 session, claimed 06:00)', async () => {
      try {
        standAt('06:31:00');
        const { cardSessionId } = await placeCard(cards.hanako!);
        standAt('06:32:00');
        const request = { transactionId: uuidv7(), cardSessionId, order: { options: { type: 'inkan' as const }, copies: 1 }, paidFeeYen: 200, paymentOpenedAt: '2026-11-26T06:00:00+09:00' };
        expect(await service.issue('kiosk-one', request)).toMatchObject({ replayed: false });
      } finally {
        standAt(noon);
      }
    });
  });

  describe('verification and refunds', () => {
    let issued: Awaited<ReturnType<CertificatesService['issue']>>;

    beforeAll(async () => {
      const { cardSessionId } = await placeCard(cards.hanako!);
      issued = await service.issue('kiosk-one', { transactionId: uuidv7(), cardSessionId, order: { options: { type: 'kazei', fiscalYear: 2025 }, copies: 1 }, paidFeeYen: 200 });
    }, 30_000);

    it('says valid, what and where, and nothing about who', async () => {
      const result = await service.verify(issued.issuance.verificationCode);
      expect(result).toEqual({
        valid: true,
        certificateType: 'kazei',
        certificateNameJa: '令和7年度 課税証明書',
        issuedAt: issued.issuance.issuedAt,
        municipality: '豊中市',
        kioskId: 'kiosk-one',
        serial: issued.issuance.serial,
        copies: 1,
      });
      const text = JSON.stringify(result);
      for (const personal of SEEDED_PERSONAL_STRINGS) expect(text).not.toContain(personal);
      expect(await service.verify(issued.issuance.verificationCode.toLowerCase().replace(/-/g, ''))).toMatchObject({ valid: true });
      expect(await service.verify('AAAA-AAAA-AAAA')).toEqual({ valid: false, reason: 'unknown' });
      expect(await service.verify('<script>')).toEqual({ valid: false, reason: 'unknown' });
    });

    it('voids the issuance on refund (once), after which its code is invalid and the key cannot issue again', async () => {
      const refund = { transactionId: issued.issuance.transactionId, amountYen: 200, reason: 'print-failed', method: 'hopper' };
      expect(await reasonOf(service.refund('kiosk-two', refund))).toBe('idempotency-conflict');
      expect(await reasonOf(service.refund('kiosk-one', { ...refund, amountYen: 201 }))).toBe('refund-exceeds-payment');
      expect(await service.refund('kiosk-one', refund)).toEqual({ duplicate: false, voidedSerial: issued.issuance.serial });
      expect(await service.refund('kiosk-one', refund)).toEqual({ duplicate: true, voidedSerial: issued.issuance.serial });
      expect(await service.verify(issued.issuance.verificationCode)).toEqual({ valid: false, reason: 'voided' });
      expect(await countOf(store, sql`SELECT count(*) AS n FROM certificate_ledger WHERE transaction_id = ${refund.transactionId} AND kind = 'refund'`)).toBe(1);
    });

    it('refuses to issue a transaction that was refunded before it was issued (hub lost mid-issue)', async () => {
      const { cardSessionId } = await placeCard(cards.hanako!);
      const transactionId = uuidv7();
      expect(await service.refund('kiosk-one', { transactionId, amountYen: 200, reason: 'issue-failed', method: 'voucher' })).toEqual({ duplicate: false, voidedSerial: null });
      expect(await reasonOf(service.issue('kiosk-one', { transactionId, cardSessionId, order: { options: { type: 'inkan' }, copies: 1 }, paidFeeYen: 200 }))).toBe('transaction-refunded');
      expect(await countOf(store, sql`SELECT count(*) AS n FROM certificate_issuances WHERE transaction_id = ${transactionId}`)).toBe(0);
    });
  });

  describe('privacy', () => {
    it('keeps names and addresses out of the ledger, the issuances and the logs', async () => {
      const ledgerRows = await store.db.selectFrom('certificate_ledger').selectAll().execute();
      const ledger = JSON.stringify(ledgerRows);
      const issuanceRows = JSON.stringify(await store.db.selectFrom('certificate_issuances').selectAll().execute());
      const logText = logs.text();
      expect(ledgerRows.length).toBeGreaterThan(5);
      expect(logText).toContain('certificate issued');
      for (const personal of SEEDED_PERSONAL_STRINGS) {
        expect(ledger).not.toContain(personal);
        expect(issuanceRows).not.toContain(personal);
        expect(logText).not.toContain(personal);
      }
      // The ledger's columns are ids, types, amounts, serials, kiosk and time only.
      // Read from a row as the engine returns it: in the table's column order on both engines.
      const columns = Object.keys(ledgerRows[0] ?? {});
      expect(columns).toEqual(['entry_id', 'kind', 'transaction_id', 'issuance_id', 'kiosk_id', 'municipality', 'certificate_type', 'copies', 'amount_yen', 'serial', 'detail', 'occurred_at']);
    });
  });
});
