import { Inject, Injectable } from '@nestjs/common';
import { agentToHubCertificateSchemas, parseMessage, type AgentToHubCertificateEvents, type CertificateFailure } from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import { CertificateRefusal, toCertificateFailure } from '../services/certificate-refusal';
import { CertificatesService } from '../services/certificates.service';

export type CertificateEvent = keyof AgentToHubCertificateEvents;
type Routes = { [E in CertificateEvent]: (kioskId: string, body: unknown) => Promise<object> };

/**
 * Certificate requests of authenticated agents on `/agent`. The agent gateway authenticates the
 * connection and forwards `certificates.*` here (one listener per socket, no per-socket subscription):
 * each request calls one service method, which parses what it uses; every answer, a refusal too, is
 * returned for the ack as `{ ok: true, … }` or `{ ok: false, error: { code, message } }`.
 */
@Injectable()
export class CertificatesAgentHandlers {
  private readonly log: Logger;
  private readonly routes: Routes;

  constructor(
    @Inject(CertificatesService) private readonly certificates: CertificatesService,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'certificates-gateway' });
    this.routes = {
      'certificates.availability': (kioskId) => this.certificates.availability(kioskId),
      'certificates.challenge': (kioskId) => this.certificates.challenge(kioskId),
      'certificates.verify': (kioskId, body) => this.certificates.verifyCard(kioskId, body),
      'certificates.quote': (kioskId, body) => this.certificates.quote(kioskId, body),
      'certificates.issue': async (kioskId, body) => {
        const { issuance, replayed, pdf } = await this.certificates.issue(kioskId, body);
        return { issuance, replayed, pdf: pdf.toString('base64') };
      },
      'certificates.refund': (kioskId, body) => this.certificates.refund(kioskId, body),
    };
  }

  /** True for the events this class answers, so the agent gateway can route them here. */
  static handles(event: string): event is CertificateEvent {
    return Object.hasOwn(agentToHubCertificateSchemas, event);
  }

  /** The ack of one request; never throws. */
  async handle(kioskId: string, event: CertificateEvent, body: unknown): Promise<object> {
    // The service parses what it uses; this is for the empty requests (availability, challenge).
    const parsed = parseMessage(agentToHubCertificateSchemas[event], body, event);
    if (!parsed.ok) return parsed;
    try {
      return { ok: true, ...(await this.routes[event](kioskId, body)) };
    } catch (error) {
      const { status, body: failure } = toCertificateFailure(error);
      // A refusal (closed hours are a 503) is logged as information; only what was not one is an error.
      if (status >= 500 && !(error instanceof CertificateRefusal)) this.log.error({ kioskId, event, err: error instanceof Error ? error.message : String(error) }, 'certificate request failed');
      else this.log.info({ kioskId, event, code: failure.error.code }, 'certificate request refused');
      return failure satisfies CertificateFailure;
    }
  }
}
