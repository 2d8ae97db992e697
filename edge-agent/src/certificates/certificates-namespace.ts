import {
  CertificatesEmptySchema,
  CertificatesPinKeySchema,
  CertificatesQuoteSchema,
  parseMessage,
} from '@kiosk/protocols';
import type { Logger } from '../logger';
import type { UiNamespace } from '../server/ui-namespace';
import type { CertificateFlow } from './certificate-flow';

type Ack<T> = (result: T) => void;

/**
 * The certificate flow's part of `/ui`: the view state pushed on connect and after every change, and the
 * screen's commands, each parsed with its protocols schema (bad input → `invalid_message`, nothing done).
 * Returns the function that detaches it.
 */
export function attachCertificatesUi(ui: UiNamespace, flow: CertificateFlow, logger: Logger): () => void {
  ui.on('connection', (socket) => {
    socket.emit('certificates.state', flow.view());
    socket.on('certificates.state.get', (ack) => {
      if (typeof ack === 'function') ack(flow.view());
    });
    socket.on('certificates.start', (request, ack) => reply(ack, parseMessage(CertificatesEmptySchema, request, 'certificates.start'), () => flow.startFlow()));
    socket.on('certificates.pinKey', (request, ack) => reply(ack, parseMessage(CertificatesPinKeySchema, request, 'certificates.pinKey'), (key) => flow.pinKey(key)));
    socket.on('certificates.confirm', (request, ack) => reply(ack, parseMessage(CertificatesEmptySchema, request, 'certificates.confirm'), () => flow.confirm()));
    socket.on('certificates.back', (request, ack) => reply(ack, parseMessage(CertificatesEmptySchema, request, 'certificates.back'), () => flow.back()));
    socket.on('certificates.cancel', (request, ack) => reply(ack, parseMessage(CertificatesEmptySchema, request, 'certificates.cancel'), () => flow.cancel()));
    socket.on('certificates.finish', (request, ack) => reply(ack, parseMessage(CertificatesEmptySchema, request, 'certificates.finish'), () => flow.finish()));
    socket.on('certificates.quote', (request, ack) => {
      const parsed = parseMessage(CertificatesQuoteSchema, request, 'certificates.quote');
      if (!parsed.ok) {
        if (typeof ack === 'function') ack(parsed);
        return;
      }
      flow.quote(parsed.value.order).then(
        (result) => {
          if (typeof ack === 'function') ack(result);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'certificates.quote failed');
          if (typeof ack === 'function') ack({ ok: false, error: { code: 'internal', message: 'quote failed' } });
        },
      );
    });
  });
  return flow.onView((view) => ui.emit('certificates.state', view));
}

function reply<T, R>(ack: Ack<R | { ok: false; error: { code: 'invalid_message'; message: string } }> | undefined, parsed: { ok: true; value: T } | { ok: false; error: { code: 'invalid_message' | string; message: string } }, act: (value: T) => R): void {
  if (typeof ack !== 'function') return;
  if (!parsed.ok) {
    ack(parsed as { ok: false; error: { code: 'invalid_message'; message: string } });
    return;
  }
  ack(act(parsed.value));
}
