import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { BUSY_RETRY_AFTER_SECONDS } from '../errors';
import type { Logger } from '../logger';
import { CertificateRefusal, toCertificateFailure } from '../services/certificate-refusal';

/**
 * Every error thrown on the REST side becomes `{ ok: false, error: { code, message, issues? } }` with
 * its HTTP status (a certificate refusal keeps its reason as the code); unexpected ones are logged
 * here with their stack and reach the client only as `internal`.
 */
@Catch()
export class ProtocolExceptionFilter implements ExceptionFilter {
  private readonly log: Logger;

  constructor(root: Logger) {
    this.log = root.child({ module: 'http' });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    // Gateways answer their own errors in the ack; only HTTP is handled here.
    if (host.getType() !== 'http') return;
    const { status, body } = toCertificateFailure(exception);
    // A refusal is an answer, even a 503 one (the service is closed), not a failure of the hub.
    const busy = body.error.code === 'busy';
    if (status >= 500 && !busy && !(exception instanceof CertificateRefusal)) {
      const err = exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : String(exception);
      this.log.error({ err, status }, 'request failed');
    } else if (busy) {
      this.log.warn({ status, err: exception instanceof Error ? exception.message : String(exception) }, 'request refused: database busy');
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (busy) response.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
    response.status(status).json(body);
  }
}
