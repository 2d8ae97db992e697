import { Inject } from '@nestjs/common';
import { Ack, ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AGENT_NAMESPACE, agentToHubCertificateSchemas, parseMessage, type AgentToHubCertificateEvents, type CertificateFailure } from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import type { AgentSocket } from '../repositories/websocket.repository';
import { CertificateRefusal, toCertificateFailure } from '../services/certificate-refusal';
import { CertificatesService } from '../services/certificates.service';
import { SOCKET_SERVER_OPTIONS } from './socket-options';

type Event = keyof AgentToHubCertificateEvents;

/**
 * Certificate requests of authenticated agents on `/agent` (the fleet gateway authenticates the
 * connection and sets `socket.data.kioskId`). Thin: each handler calls one service method, which parses
 * the request; every answer, a refusal too, goes back in the ack as `{ ok: true, … }` or
 * `{ ok: false, error: { code, message } }`.
 */
@WebSocketGateway({ namespace: AGENT_NAMESPACE, ...SOCKET_SERVER_OPTIONS })
export class CertificatesGateway {
  private readonly log: Logger;

  constructor(
    @Inject(CertificatesService) private readonly certificates: CertificatesService,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'certificates-gateway' });
  }

  @SubscribeMessage('certificates.availability')
  onAvailability(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    return this.answer(socket, 'certificates.availability', body, ack, (kioskId) => this.certificates.availability(kioskId));
  }

  @SubscribeMessage('certificates.challenge')
  onChallenge(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    return this.answer(socket, 'certificates.challenge', body, ack, (kioskId) => this.certificates.challenge(kioskId));
  }

  @SubscribeMessage('certificates.verify')
  onVerify(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    return this.answer(socket, 'certificates.verify', body, ack, (kioskId) => this.certificates.verifyCard(kioskId, body));
  }

  @SubscribeMessage('certificates.quote')
  onQuote(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    return this.answer(socket, 'certificates.quote', body, ack, (kioskId) => this.certificates.quote(kioskId, body));
  }

  @SubscribeMessage('certificates.issue')
  onIssue(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    return this.answer(socket, 'certificates.issue', body, ack, async (kioskId) => {
      const { issuance, replayed, pdf } = await this.certificates.issue(kioskId, body);
      return { issuance, replayed, pdf: pdf.toString('base64') };
    });
  }

  @SubscribeMessage('certificates.refund')
  onRefund(@ConnectedSocket() socket: AgentSocket, @MessageBody() body: unknown, @Ack() ack: unknown): Promise<void> {
    return this.answer(socket, 'certificates.refund', body, ack, (kioskId) => this.certificates.refund(kioskId, body));
  }

  private async answer(socket: AgentSocket, event: Event, body: unknown, ack: unknown, work: (kioskId: string) => Promise<object>): Promise<void> {
    const kioskId = socket.data.kioskId;
    if (typeof ack !== 'function') {
      this.log.warn({ kioskId, event, code: 'invalid_message' }, 'agent message without ack callback ignored');
      return;
    }
    const reply = ack as (result: object) => void;
    // The service parses what it uses; this is for the empty requests (availability, challenge).
    const parsed = parseMessage(agentToHubCertificateSchemas[event], body, event);
    if (!parsed.ok) {
      reply(parsed);
      return;
    }
    try {
      reply({ ok: true, ...(await work(kioskId)) });
    } catch (error) {
      const { status, body: failure } = toCertificateFailure(error);
      // A refusal (closed hours are a 503) is logged as information; only what was not one is an error.
      if (status >= 500 && !(error instanceof CertificateRefusal)) this.log.error({ kioskId, event, err: error instanceof Error ? error.message : String(error) }, 'certificate request failed');
      else this.log.info({ kioskId, event, code: failure.error.code }, 'certificate request refused');
      reply(failure satisfies CertificateFailure);
    }
  }
}
