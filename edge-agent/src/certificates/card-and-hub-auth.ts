import {
  CardAuthFailureReasonSchema,
  type CertificateFailure,
  type CertificateFlowErrorCode,
} from '@kiosk/protocols';
import type { CardReaderDriver } from '@kiosk/devices';
import type { PinEntry } from '../input/pin-entry';
import type { Logger } from '../logger';
import { cardFailureOf, readAuthCard, verifyPinAndSign } from '../my-number/jpki-operations';
import type { FlowEvent, ResidentContext } from './flow-machine';
import type { CertificateHub } from './hub-certificates';
import type { HubAvailability } from './preflight';

export interface CardAndHubAuthDeps {
  hub: Pick<CertificateHub, 'reachable' | 'availability' | 'challenge' | 'verify'>;
  cardReader: CardReaderDriver | null;
  pinEntry: PinEntry;
  logger: Logger;
}

/**
 * The certificate flow's card and hub authentication effects: the hub's availability, reading the card,
 * then challenge → VERIFY and SIGN in one exclusive card transaction → the hub's verification. It holds the
 * card certificate and the hub's card session for one person, until `wipe`. The PIN is zeroed after use.
 */
export class CardAndHubAuth {
  private cardCertificate: Buffer | null = null;
  private sessionOfCard: string | null = null;

  constructor(private readonly deps: CardAndHubAuthDeps) {}

  /** The hub's card session once the card was verified (for quote and issue), else null. */
  cardSessionId(): string | null {
    return this.sessionOfCard;
  }

  /** Zeroes and drops the card certificate and forgets the card session. */
  wipe(): void {
    this.cardCertificate?.fill(0);
    this.cardCertificate = null;
    this.sessionOfCard = null;
  }

  /** `certificates.availability` (service hours at the hub), as the preflight reads it. */
  async availability(): Promise<HubAvailability> {
    if (!this.deps.hub.reachable()) return { kind: 'unreachable' };
    try {
      const answer = await this.deps.hub.availability();
      if (answer.ok) return { kind: 'answered', municipality: answer.municipality, availability: answer.availability };
      if (answer.error.code === 'not-a-certificate-kiosk' || answer.error.code === 'municipality-not-served') return { kind: 'not-offered' };
      this.deps.logger.warn({ code: answer.error.code }, 'hub refused the availability check');
      return { kind: 'unreachable' };
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'availability check failed');
      return { kind: 'unreachable' };
    }
  }

  /** Reads the user-authentication certificate and the PIN's tries left (no PIN needed). */
  async readCard(): Promise<FlowEvent> {
    const reader = this.deps.cardReader;
    if (!reader) return { type: 'failed', code: 'card-reader', message: 'no card reader' };
    try {
      const read = await readAuthCard(reader);
      if (read.locked) return { type: 'pin-locked' };
      this.cardCertificate = read.certificate;
      return { type: 'card-read', triesLeft: read.triesLeft };
    } catch (error) {
      return this.cardFailure(error);
    }
  }

  private cardFailure(error: unknown): FlowEvent {
    const failure = cardFailureOf(error, this.deps.logger);
    switch (failure.kind) {
      case 'not-my-number':
        return { type: 'card-not-my-number' };
      case 'pin-locked':
        return { type: 'pin-locked' };
      case 'pin-wrong':
        return { type: 'pin-wrong', triesLeft: failure.triesLeft };
      case 'card-removed':
      case 'card-unreadable':
        return { type: 'card-trouble', trouble: failure.kind };
    }
  }

  /** Challenge from the hub, then VERIFY and SIGN in one exclusive card transaction, then the hub checks. */
  async authenticate(): Promise<FlowEvent> {
    const pin = this.deps.pinEntry.take();
    const reader = this.deps.cardReader;
    const certificate = this.cardCertificate;
    try {
      if (!pin || !reader || !certificate) return { type: 'failed', code: 'internal', message: 'no PIN, reader or card certificate' };
      let challenge;
      try {
        challenge = await this.deps.hub.challenge();
      } catch (error) {
        return hubFailure(error, this.deps.logger);
      }
      if (!challenge.ok) return refusal(challenge);
      const challengeBytes = Buffer.from(challenge.challenge, 'base64');
      let signature: Buffer;
      try {
        signature = await verifyPinAndSign(reader, pin, challengeBytes); // zeroes the PIN buffer
      } catch (error) {
        return this.cardFailure(error);
      }
      let verified;
      try {
        verified = await this.deps.hub.verify({ challenge: challenge.challenge, certificate: certificate.toString('base64'), signature: signature.toString('base64') });
      } catch (error) {
        return hubFailure(error, this.deps.logger);
      }
      if (!verified.ok) {
        const reason = CardAuthFailureReasonSchema.safeParse(verified.error.code);
        return reason.success ? { type: 'card-refused', reason: reason.data } : refusal(verified);
      }
      this.sessionOfCard = verified.cardSessionId;
      const resident: ResidentContext = { municipality: verified.municipality, household: verified.household, menu: verified.menu };
      return { type: 'card-verified', resident };
    } finally {
      pin?.fill(0);
    }
  }
}

export function hubFailure(error: unknown, logger: Logger): FlowEvent {
logger.warn({ err: error }, 'hub request failed during the certificate flow');
  return { type: 'failed', code: 'hub-unreachable', message: 'the centre cannot be reached' };
}

export function refusal(failure: CertificateFailure): FlowEvent {
  return { type: 'failed', code: failure.error.code as CertificateFlowErrorCode, message: failure.error.message };
}
