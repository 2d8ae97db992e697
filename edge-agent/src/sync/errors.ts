import type { ErrorIssue } from '@kiosk/protocols';

/** The connection to the hub went away while a request was in flight (or before it could be sent). */
export class ConnectionLostError extends Error {
  readonly code = 'connection_lost';
  constructor(message = 'connection to the hub lost') {
    super(message);
  }
}

/** The hub did not ack within the ack timeout; whether it committed is unknown. */
export class AckTimeoutError extends Error {
  readonly code = 'ack_timeout';
}

/** The hub answered with something that is not the protocol's reply shape. */
export class InvalidReplyError extends Error {
  readonly code = 'invalid_reply';
  constructor(
    readonly what: string,
    readonly issues: ErrorIssue[],
  ) {
    super(`malformed ${what} from the hub: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}
