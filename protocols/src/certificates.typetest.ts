/**
 * Type-level tests of the certificate events (compiled by `tsc -b`, never run): each `@ts-expect-error`
 * line must fail to compile.
 */
import type { Socket as ServerSocket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { AgentToHubCertificateEvents } from './certificates';

declare const agent: ClientSocket<Record<string, never>, AgentToHubCertificateEvents>;
declare const hub: ServerSocket<AgentToHubCertificateEvents>;

export function agentEnd(): void {
  agent.emit('certificates.quote', { cardSessionId: 's', order: { options: { type: 'inkan' }, copies: 1 } }, () => undefined);
  // @ts-expect-error an order without copies
  agent.emit('certificates.quote', { cardSessionId: 's', order: { options: { type: 'inkan' } } }, () => undefined);
  // @ts-expect-error a certificate type that does not exist
  agent.emit('certificates.quote', { cardSessionId: 's', order: { options: { type: 'passport' }, copies: 1 } }, () => undefined);
  // @ts-expect-error an issue without its idempotency key
  agent.emit('certificates.issue', { cardSessionId: 's', order: { options: { type: 'inkan' }, copies: 1 }, paidFeeYen: 200 }, () => undefined);
}

export function hubEnd(): void {
  hub.on('certificates.refund', (_request, ack) => {
    ack({ ok: true, duplicate: false, voidedSerial: null });
    // @ts-expect-error a refusal code that is not a certificate error code
    ack({ ok: false, error: { code: 'nope', message: 'x' } });
  });
}
