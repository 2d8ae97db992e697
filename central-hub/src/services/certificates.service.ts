import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  CardVerifyRequestSchema,
  IssueRequestSchema,
  QuoteRequestSchema,
  RefundRequestSchema,
  toIssues,
  type CardVerifyResponse,
  type Issuance,
  type IssueRequest,
  type QuoteResponse,
  type ServiceAvailability,
  type VerificationResult,
} from '@kiosk/protocols';
import type { MunicipalityCatalogue } from '../domain/certificates/catalogue';
import { formatVerificationCode, issueRequestHash, normaliseVerificationCode, VERIFICATION_CODE_BYTES } from '../domain/certificates/codes';
import { buildMenu, checkEligibility } from '../domain/certificates/eligibility';
import { quoteFee } from '../domain/certificates/fees';
import { jstDate, jstParts } from '../domain/jst';
import { certificateTitle } from '../domain/certificates/options';
import type { ResidentDossier } from '../domain/certificates/resident';
import { issuanceJudgedAt, serviceAvailability, serviceHoursInstant } from '../domain/certificates/service-hours';
import { LOGGER, type Logger } from '../logger';
import { CARD_AUTH_REPOSITORY, type CardAuthRepository, type CardSessionRecord } from '../repositories/card-auth.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { ISSUANCE_REPOSITORY, type IssuanceRecord, type IssuanceRepository } from '../repositories/issuance.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { MAINTENANCE_DAY_REPOSITORY, type MaintenanceDayRepository } from '../repositories/maintenance-day.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { RESIDENT_RECORDS, type ResidentRecords } from '../repositories/resident-records.repository';
import { CERTIFICATE_RENDERER, type CertificateRenderer } from '../rendering/certificate-pdf';
import { CardAuthService } from './card-auth.service';
import { CERTIFICATES_CONFIG, type CertificatesConfig } from './certificates.config';
import { invalidRequest, refuse } from './certificate-refusal';
import { newSessionToken } from './session-token.rules';

type Ok<T> = Omit<Extract<T, { ok: true }>, 'ok'>;

/**
 * Certificate issuance on the hub: service hours, the card session, the menu and the fee, the issuance
 * under the kiosk transaction's idempotency key, its rendering, refunds, and the public verification
 * lookup. Every method taking a request parses it with its protocol schema first, so bad input is
 * refused with its issues before anything is read or written. Logs carry ids, types, amounts and
 * serials, never resident data.
 */
@Injectable()
export class CertificatesService {
  private readonly log: Logger;

  constructor(
    @Inject(CardAuthService) private readonly cardAuth: CardAuthService,
    @Inject(CARD_AUTH_REPOSITORY) private readonly sessions: CardAuthRepository,
    @Inject(RESIDENT_RECORDS) private readonly residents: ResidentRecords,
    @Inject(ISSUANCE_REPOSITORY) private readonly issuances: IssuanceRepository,
    @Inject(MAINTENANCE_DAY_REPOSITORY) private readonly maintenance: MaintenanceDayRepository,
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(CERTIFICATE_RENDERER) private readonly renderer: CertificateRenderer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(CERTIFICATES_CONFIG) private readonly config: CertificatesConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'certificates' });
  }

  /** Whether the kiosk's municipality issues right now (asked before any card or money). */
  async availability(kioskId: string): Promise<{ municipality: string; availability: ServiceAvailability }> {
    const catalogue = await this.kioskCatalogue(kioskId);
    return { municipality: catalogue.municipality, availability: await this.availabilityOf(catalogue, kioskId) };
  }

  async challenge(kioskId: string): Promise<{ challenge: string; expiresAt: string }> {
    await this.requireOpen(await this.kioskCatalogue(kioskId), kioskId);
    const { challenge, expiresAt } = await this.cardAuth.issueChallenge(kioskId);
    return { challenge: challenge.toString('base64'), expiresAt: expiresAt.toISOString() };
  }

  /** Checks the card's answer, opens a card session and returns the resident's menu. */
  async verifyCard(kioskId: string, raw: unknown): Promise<Ok<CardVerifyResponse>> {
    const request = parse(CardVerifyRequestSchema, raw, 'card verification');
    await this.kioskCatalogue(kioskId);
    const { residentId } = await this.cardAuth.authenticate(kioskId, request);
    const dossier = await this.dossier(residentId);
    const catalogue = this.catalogueOf(dossier.municipality);
    await this.requireOpen(catalogue, kioskId);
    const now = this.clock.now();
    const session: CardSessionRecord = {
      sessionId: newSessionToken(this.random),
      kioskId,
      residentId,
      createdAt: now.toISOString(),
      expiresAtMs: now.getTime() + this.config.sessionTtlMs,
    };
    await this.sessions.createSession(session);
    return {
      cardSessionId: session.sessionId,
      expiresAt: new Date(session.expiresAtMs).toISOString(),
      municipality: catalogue.municipality,
      household: dossier.household.members.map((m) => ({
        memberId: m.memberId,
        nameJa: m.nameJa,
        relationship: m.relationship,
        self: m.memberId === residentId,
      })),
      menu: buildMenu(dossier, catalogue, now),
    };
  }

  async quote(kioskId: string, raw: unknown): Promise<Ok<QuoteResponse>> {
    const request = parse(QuoteRequestSchema, raw, 'quote request');
    const { dossier, catalogue } = await this.sessionContext(kioskId, request.cardSessionId);
    // The quote opens the way to the payment step: none after closing time.
    await this.requireOpen(catalogue, kioskId);
    return this.price(dossier, catalogue, request.order);
  }

  /**
   * Records the issuance under `transactionId` and renders it. A retry with the same key and content
   * returns the same issuance (re-rendered, `replayed`); the same key with other content is a conflict.
   */
  async issue(kioskId: string, raw: unknown): Promise<{ issuance: Issuance; replayed: boolean; pdf: Buffer }> {
    const request = parse(IssueRequestSchema, raw, 'issue request');
    const requestHash = issueRequestHash({ kioskId, cardSessionId: request.cardSessionId, order: request.order, paidFeeYen: request.paidFeeYen });
    const existing = await this.issuances.findByTransaction(request.transactionId);
    if (existing) return this.replay(existing, kioskId, requestHash);

    const { dossier, catalogue, session } = await this.sessionContext(kioskId, request.cardSessionId);
    // A payment step that began before closing time is completed; one that began at or after it is refused (the kiosk refunds).
    await this.requireOpen(
      catalogue,
      kioskId,
      issuanceJudgedAt({ now: this.clock.now(), cardSessionOpenedAt: new Date(session.createdAt), paymentOpenedAt: request.paymentOpenedAt }),
    );
    const price = this.price(dossier, catalogue, request.order);
    if (request.paidFeeYen !== price.feeYen) throw refuse('fee-mismatch');
    const issuedAt = this.clock.now();
    const outcome = await this.issuances.recordIssuance({
      issuanceId: this.random.uuidv7(issuedAt),
      transactionId: request.transactionId,
      requestHash,
      kioskId,
      municipality: catalogue.municipality,
      residentId: dossier.residentId,
      certificateType: request.order.options.type,
      options: request.order.options,
      copies: price.copies,
      unitFeeYen: price.unitFeeYen,
      feeYen: price.feeYen,
      serialPrefix: catalogue.serialPrefix,
      serialYear: jstParts(issuedAt).year,
      verificationCode: formatVerificationCode(this.random.bytes(VERIFICATION_CODE_BYTES)),
      issuedAt: issuedAt.toISOString(),
    });
    if (outcome.kind === 'refunded') throw refuse('transaction-refunded');
    // Another request with this key won the race: answer as a retry of it.
    if (outcome.kind === 'existing') return this.replay(outcome.record, kioskId, requestHash);
    const record = outcome.record;
    this.log.info(
      { kioskId, transactionId: record.transactionId, certificateType: record.certificateType, copies: record.copies, feeYen: record.feeYen, serial: record.serial },
      'certificate issued',
    );
    return { issuance: toIssuance(record), replayed: false, pdf: await this.render(record, dossier, catalogue) };
  }

  /** Records a refund of a transaction (once), voiding its issuance if there was one. */
  async refund(kioskId: string, raw: unknown): Promise<{ duplicate: boolean; voidedSerial: string | null }> {
    const request = parse(RefundRequestSchema, raw, 'refund request');
    const outcome = await this.issuances.recordRefund({
      transactionId: request.transactionId,
      kioskId,
      amountYen: request.amountYen,
      detail: `${request.reason}/${request.method}`,
      at: this.clock.now().toISOString(),
    });
    if (outcome.kind === 'refused') throw refuse(outcome.reason);
    this.log.info(
      { kioskId, transactionId: request.transactionId, amountYen: request.amountYen, reason: request.reason, method: request.method, duplicate: outcome.kind === 'duplicate', voidedSerial: outcome.voided?.serial ?? null },
      'certificate refund recorded',
    );
    return { duplicate: outcome.kind === 'duplicate', voidedSerial: outcome.voided?.serial ?? null };
  }

  /** The public check of a verification code: valid or not, what and where; never who. */
  async verify(code: string): Promise<VerificationResult> {
    const normalised = normaliseVerificationCode(code);
    if (!normalised) return { valid: false, reason: 'unknown' };
    const record = await this.issuances.findByVerificationCode(normalised);
    if (!record) return { valid: false, reason: 'unknown' };
    if (record.voidedAt) return { valid: false, reason: 'voided' };
    return {
      valid: true,
      certificateType: record.certificateType,
      certificateNameJa: certificateTitle(record.options),
      issuedAt: record.issuedAt,
      municipality: record.municipality,
      kioskId: record.kioskId,
      serial: record.serial,
      copies: record.copies,
    };
  }

  /**
   * What a kiosk of `municipality` would be told at `at` (default: now, judged as the kiosks judge it,
   * so a demo hub's `HUB_DEMO_SERVICE_TIME` applies; an explicit `at` is taken as it is).
   */
  async availabilityIn(municipality: string, at?: Date): Promise<ServiceAvailability> {
    const catalogue = this.catalogueOf(municipality);
    return at === undefined ? this.availabilityOf(catalogue) : this.availabilityAt(catalogue, at);
  }

  private async replay(existing: IssuanceRecord, kioskId: string, requestHash: string) {
    if (existing.kioskId !== kioskId || existing.requestHash !== requestHash) throw refuse('idempotency-conflict');
    if (existing.voidedAt) throw refuse('transaction-refunded');
    const dossier = await this.dossier(existing.residentId);
    this.log.info({ kioskId, transactionId: existing.transactionId, serial: existing.serial }, 'issue retried: same issuance returned');
    return { issuance: toIssuance(existing), replayed: true, pdf: await this.render(existing, dossier, this.catalogueOf(existing.municipality)) };
  }

  private render(record: IssuanceRecord, dossier: ResidentDossier, catalogue: MunicipalityCatalogue): Promise<Buffer> {
    return this.renderer.render({
      title: certificateTitle(record.options),
      options: record.options,
      copies: record.copies,
      dossier,
      municipality: catalogue.municipality,
      mayorTitle: catalogue.mayorTitle,
      serial: record.serial,
      verificationCode: record.verificationCode,
      verifyUrl: `${this.config.verifyBaseUrl.replace(/\/+$/, '')}/verify/${record.verificationCode}`,
      issuedAt: new Date(record.issuedAt),
      kioskId: record.kioskId,
    });
  }

  private price(dossier: ResidentDossier, catalogue: MunicipalityCatalogue, order: IssueRequest['order']): Ok<QuoteResponse> {
    const eligibility = checkEligibility(dossier, catalogue, order.options, this.clock.now());
    if (!eligibility.ok) throw refuse(eligibility.reason);
    const quote = quoteFee(catalogue, order);
    if (!quote.ok) throw refuse(quote.reason);
    return { unitFeeYen: quote.unitFeeYen, copies: quote.copies, feeYen: quote.feeYen };
  }

  private async sessionContext(kioskId: string, sessionId: string): Promise<{ dossier: ResidentDossier; catalogue: MunicipalityCatalogue; session: CardSessionRecord }> {
    const session = await this.sessions.findSession(sessionId);
    // Another kiosk's session is "unknown" here: a session id is only good where the card was.
    if (!session || session.kioskId !== kioskId) throw refuse('session-unknown');
    if (this.clock.now().getTime() >= session.expiresAtMs) throw refuse('session-expired');
    const dossier = await this.dossier(session.residentId);
    return { dossier, catalogue: this.catalogueOf(dossier.municipality), session };
  }

  private async dossier(residentId: string): Promise<ResidentDossier> {
    const dossier = await this.residents.loadDossier(residentId);
    if (!dossier) throw refuse('unknown-resident');
    return dossier;
  }

  private async kioskCatalogue(kioskId: string): Promise<MunicipalityCatalogue> {
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk || kiosk.kind !== 'certificate-kiosk') throw refuse('not-a-certificate-kiosk');
    return this.catalogueOf(kiosk.municipality);
  }

  private catalogueOf(municipality: string): MunicipalityCatalogue {
    const catalogue = this.config.catalogues.get(municipality);
    if (!catalogue) throw refuse('municipality-not-served');
    return catalogue;
  }

  /** `kioskId`: the kiosk asking, closed by its municipality's maintenance days and by its own. `at`: judged then (default now). */
  private availabilityOf(catalogue: MunicipalityCatalogue, kioskId?: string, at: Date = this.clock.now()): Promise<ServiceAvailability> {
    return this.availabilityAt(catalogue, serviceHoursInstant(at, this.config.demoServiceTime), kioskId);
  }

  private async availabilityAt(catalogue: MunicipalityCatalogue, now: Date, kioskId?: string): Promise<ServiceAvailability> {
    // Yesterday onwards: enough to know today and to look ahead for the reopening day.
    const days = await this.maintenance.listFrom(catalogue.municipality, jstDate(new Date(now.getTime() - 86_400_000)), kioskId);
    return serviceAvailability(now, { ...catalogue.hours, maintenanceDays: new Set(days) });
  }

  private async requireOpen(catalogue: MunicipalityCatalogue, kioskId: string, at?: Date): Promise<void> {
    const availability = await this.availabilityOf(catalogue, kioskId, at);
    if (!availability.open) throw refuse(availability.reason);
  }
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidRequest(`malformed ${what}`, toIssues(parsed.error));
  return parsed.data;
}

function toIssuance(record: IssuanceRecord): Issuance {
  return {
    issuanceId: record.issuanceId,
    transactionId: record.transactionId,
    certificateType: record.certificateType,
    copies: record.copies,
    feeYen: record.feeYen,
    serial: record.serial,
    verificationCode: record.verificationCode,
    issuedAt: record.issuedAt,
    municipality: record.municipality,
  };
}
