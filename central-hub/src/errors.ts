import { HttpException, HttpStatus } from '@nestjs/common';
import { failure, type ErrorCode, type ErrorIssue, type Failure } from '@kiosk/protocols';
import { isStorageBusy } from './storage/storage-errors';

/**
 * How long a client is asked to wait before sending a `busy` request again (REST `Retry-After`): a
 * burst that took every database connection is over in about this long.
 */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * What hub services throw: a Nest exception whose response body is already the wire `Failure`, so the
 * REST filter sends it as is and a gateway can put the same value in a socket ack. `code` tells the
 * cases apart.
 */
export class ProtocolException extends HttpException {
  readonly code: ErrorCode;

  constructor(status: HttpStatus, code: ErrorCode, message: string, issues?: ErrorIssue[]) {
    super(failure(code, message, issues), status);
    this.code = code;
  }

  get failure(): Failure {
    return this.getResponse() as Failure;
  }
}

export const badRequest = (code: ErrorCode, message: string, issues?: ErrorIssue[]) =>
  new ProtocolException(HttpStatus.BAD_REQUEST, code, message, issues);
export const notFound = (message: string) => new ProtocolException(HttpStatus.NOT_FOUND, 'not_found', message);
export const unauthorized = (message: string) => new ProtocolException(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
export const forbidden = (message: string) => new ProtocolException(HttpStatus.FORBIDDEN, 'forbidden', message);
export const conflict = (message: string) => new ProtocolException(HttpStatus.CONFLICT, 'conflict', message);
export const rateLimited = (message: string) => new ProtocolException(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', message);

/** Maps any error to the wire form without leaking internals (no stack, no driver message). */
export function toFailure(error: unknown): { status: number; body: Failure } {
  if (error instanceof ProtocolException) return { status: error.getStatus(), body: error.failure };
  // The database could not take the request now (every connection busy, a statement timed out):
  // nothing was written and the same request may be sent again, which `internal` would not say.
  if (isStorageBusy(error)) return { status: HttpStatus.SERVICE_UNAVAILABLE, body: busyFailure() };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: failure(codeForStatus(status), messageForStatus(status, error)) };
  }
  const clientStatus = exposedClientStatus(error);
  if (clientStatus !== undefined) {
    return { status: clientStatus, body: failure(codeForStatus(clientStatus), clientStatus === 413 ? 'request body too large' : 'invalid request') };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: failure('internal', 'internal error') };
}

/**
 * The body parser's own errors (http-errors: `status`, `expose`) are the client's fault and say so: a
 * body over the limit is 413, not an internal error.
 */
function exposedClientStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true ? status : undefined;
}

export const busyFailure = (): Failure => failure('busy', 'the hub is busy; nothing was changed, try again shortly');

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'invalid_message';
  return 'internal';
}

/** Nest's own 4xx messages are safe and helpful ("Cannot GET /x"); 5xx messages are not shown. */
function messageForStatus(status: number, error: HttpException): string {
  return status < 500 ? error.message : 'internal error';
}
