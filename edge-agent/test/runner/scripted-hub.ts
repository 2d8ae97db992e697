/**
 * The hub as the certificate runner sees it (`CertificateHub`, the interface the real socket client
 * implements), scripted for the fast runner tests. Every request is parsed with its protocols schema and
 * every answer too, so a test can neither send nor receive a message the real hub would refuse to. The
 * card's signature of the challenge is really checked against the card's public key: the runner must have
 * had the card sign. Service hours come from the injected clock and a closing time the test sets.
 */
import { createHash, randomBytes, verify, type KeyObject } from 'node:crypto';
import {
  agentToHubCertificateSchemas,
  certificateResponseSchemas,
  type CardAuthFailureReason,
  type CardVerifyRequest,
  type CertificateMenuItem,
  type CertificateResponseOf,
  type IssueRequest,
  type QuoteRequest,
  type RefundRequest,
} from '@kiosk/protocols';
import type { Clock } from '../../src/clock';
import { CertificateHubUnreachableError, type CertificateHub } from '../../src/certificates/hub-certificates';

export const MUNICIPALITY = '豊中市';

export const MENU: CertificateMenuItem[] = [
  { type: 'juminhyo', nameJa: '住民票の写し', nameEn: 'Certificate of residence', unitFeeYen: 200, available: true },
  { type: 'inkan', nameJa: '印鑑登録証明書', nameEn: 'Seal registration certificate', unitFeeYen: 200, available: true },
];

type Request = keyof typeof agentToHubCertificateSchemas;

/** One card the hub knows: its public key (to check signatures) and whether its certificate is revoked. */
interface KnownCard {
  publicKey: KeyObject;
  refusal: CardAuthFailureReason | null;
}

export class ScriptedHub implements CertificateHub {
  /** Every request that reached the hub, in order (parsed). */
  readonly requests: Array<{ event: Request; body: unknown }> = [];
  /** The hub's issuances by transaction id (issue is idempotent on it, as the real hub's). */
  readonly issued = new Map<string, { serial: string; voided: boolean }>();
  readonly refunds = new Map<string, RefundRequest>();
  /** False: no link (preflight says hub-unreachable; requests throw as the real client's do). */
  up = true;
  /** The next `issue` answers this many times with "no answer" after the hub committed (lost acks). */
  loseIssueAnswers = 0;
  /** The next new issue is refused for this reason (the hub's own judgement, e.g. its service hours). */
  refuseIssue: 'after-hours' | null = null;
  /** Closing time of today's service (open before it). */
  closesAt: Date;
  private readonly cards = new Map<string, KnownCard>();
  private readonly held = new Map<Request, { answered: Promise<void>; release: () => void }>();
  private readonly challenges = new Set<string>();
  private serials = 0;

  constructor(
    private readonly clock: Clock,
    closesAt: Date,
  ) {
    this.closesAt = closesAt;
  }

  /** The hub knows this card (by its certificate) and checks its signatures with `publicKey`. */
  knowCard(certificate: Buffer, publicKey: KeyObject, refusal: CardAuthFailureReason | null = null): void {
    this.cards.set(certificate.toString('base64'), { publicKey, refusal });
  }

  /** Requests of `event` wait (the hub is slow to answer) until the returned function is called. */
  hold(event: Request): () => void {
    let release = (): void => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const hold = {
      answered,
      release: () => {
        if (this.held.get(event) === hold) this.held.delete(event);
        release();
      },
    };
    this.held.set(event, hold);
    return hold.release;
  }

  /** Lets every held request be answered (a test ends). */
  releaseAll(): void {
    for (const hold of [...this.held.values()]) hold.release();
  }

  reachable(): boolean {
    return this.up;
  }

  count(event: Request): number {
    return this.requests.filter((request) => request.event === event).length;
  }

  availability(): Promise<CertificateResponseOf<'certificates.availability'>> {
    return this.answer('certificates.availability', {}, () =>
      this.open()
        ? { ok: true, municipality: MUNICIPALITY, availability: { open: true, closesAt: this.closesAt.toISOString() } }
        : { ok: true, municipality: MUNICIPALITY, availability: { open: false, reason: 'after-hours', reopensAt: null } },
    );
  }

  challenge(): Promise<CertificateResponseOf<'certificates.challenge'>> {
    return this.answer('certificates.challenge', {}, () => {
      if (!this.open()) return { ok: false, error: { code: 'after-hours', message: 'closed' } };
      const challenge = randomBytes(32).toString('base64');
      this.challenges.add(challenge);
      return { ok: true, challenge, expiresAt: new Date(this.clock.now().getTime() + 60_000).toISOString() };
    });
  }

  verify(request: CardVerifyRequest): Promise<CertificateResponseOf<'certificates.verify'>> {
    return this.answer('certificates.verify', request, () => {
      if (!this.challenges.delete(request.challenge)) return { ok: false, error: { code: 'challenge-unknown', message: 'unknown challenge' } };
      const card = this.cards.get(request.certificate);
      if (!card) return { ok: false, error: { code: 'unknown-resident', message: 'no resident for this card' } };
      const signed = verify('sha256', Buffer.from(request.challenge, 'base64'), card.publicKey, Buffer.from(request.signature, 'base64'));
      if (!signed) return { ok: false, error: { code: 'bad-signature', message: 'signature does not verify' } };
      if (card.refusal) return { ok: false, error: { code: card.refusal, message: card.refusal } };
      return {
        ok: true,
        cardSessionId: `card-session-${createHash('sha256').update(request.challenge).digest('hex').slice(0, 24)}`,
        expiresAt: new Date(this.clock.now().getTime() + 600_000).toISOString(),
        municipality: MUNICIPALITY,
        household: [{ memberId: 'm-1', nameJa: '豊中 太郎', relationship: '世帯主', self: true }],
        menu: MENU,
      };
    });
  }

  quote(request: QuoteRequest): Promise<CertificateResponseOf<'certificates.quote'>> {
    return this.answer('certificates.quote', request, () => {
      if (!this.open()) return { ok: false, error: { code: 'after-hours', message: 'closed' } };
      const item = MENU.find((entry) => entry.type === request.order.options.type);
      if (!item) return { ok: false, error: { code: 'certificate-not-offered', message: 'not offered' } };
      return { ok: true, unitFeeYen: item.unitFeeYen, copies: request.order.copies, feeYen: item.unitFeeYen * request.order.copies };
    });
  }

  issue(request: IssueRequest): Promise<CertificateResponseOf<'certificates.issue'>> {
    return this.answer('certificates.issue', request, () => {
      const existing = this.issued.get(request.transactionId);
      if (!existing && this.refuseIssue) return { ok: false, error: { code: this.refuseIssue, message: this.refuseIssue } };
      if (existing?.voided) return { ok: false, error: { code: 'transaction-refunded', message: 'refunded' } };
      const serial = existing?.serial ?? `TYN-2026-${String(++this.serials).padStart(6, '0')}`;
      this.issued.set(request.transactionId, { serial, voided: false });
      if (this.loseIssueAnswers > 0) {
        this.loseIssueAnswers -= 1;
        throw new CertificateHubUnreachableError('no answer from the hub to certificates.issue');
      }
      return {
        ok: true,
        replayed: existing !== undefined,
        pdf: Buffer.from('%PDF-1.7 scripted certificate').toString('base64'),
        issuance: {
          issuanceId: '0193a0b0-0000-7000-8000-000000000001',
          transactionId: request.transactionId,
          certificateType: request.order.options.type,
          copies: request.order.copies,
          feeYen: request.paidFeeYen,
          serial,
          verificationCode: 'ABCD-EFGH-JKLM',
          issuedAt: this.clock.now().toISOString(),
          municipality: MUNICIPALITY,
        },
      };
    });
  }

  refund(request: RefundRequest): Promise<CertificateResponseOf<'certificates.refund'>> {
    return this.answer('certificates.refund', request, () => {
      const duplicate = this.refunds.has(request.transactionId);
      this.refunds.set(request.transactionId, request);
      const issuance = this.issued.get(request.transactionId);
      if (issuance) issuance.voided = true;
      return { ok: true, duplicate, voidedSerial: issuance?.serial ?? null };
    });
  }

  private open(): boolean {
    return this.clock.now().getTime() < this.closesAt.getTime();
  }

  /** Parses the request, answers from `script` (parsed too), or throws as the real client does when the link is down. */
  private async answer<E extends Request>(event: E, body: unknown, script: () => NoInfer<CertificateResponseOf<E>>): Promise<CertificateResponseOf<E>> {
    if (!this.up) throw new CertificateHubUnreachableError('the hub cannot be reached');
    const parsed = agentToHubCertificateSchemas[event].parse(body);
    this.requests.push({ event, body: parsed });
    await this.held.get(event)?.answered;
    // The link went down while the request waited: its answer never comes.
    if (!this.up) throw new CertificateHubUnreachableError(`no answer from the hub to ${event}`);
    return certificateResponseSchemas[event].parse(script());
  }
}
