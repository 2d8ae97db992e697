import { HttpStatus } from '@nestjs/common';
import type { ErrorCode, ErrorIssue, LotterySignInAck } from '@kiosk/protocols';
import { ProtocolException } from '../errors';

/** The lottery's refusals: which HTTP status each code has when the internet channel serves it over REST. */
const STATUS_OF = {
  invalid_credentials: HttpStatus.UNAUTHORIZED,
  session_expired: HttpStatus.UNAUTHORIZED,
  account_locked: HttpStatus.LOCKED,
  registration_expired: HttpStatus.FORBIDDEN,
  outside_window: HttpStatus.CONFLICT,
  cap_exceeded: HttpStatus.CONFLICT,
  duplicate_entry: HttpStatus.CONFLICT,
  idempotency_conflict: HttpStatus.CONFLICT,
  slot_unavailable: HttpStatus.CONFLICT,
  stale_quote: HttpStatus.CONFLICT,
} as const satisfies Partial<Record<ErrorCode, HttpStatus>>;

export type LotteryRefusalCode = keyof typeof STATUS_OF;

/** A rule refused a well-formed request; nothing was changed. */
export function refused(code: LotteryRefusalCode, message: string, issues?: ErrorIssue[]): ProtocolException {
  return new ProtocolException(STATUS_OF[code], code, message, issues);
}

/** A refused sign-in carries what the terminal shows next: tries left, or the end of the lock. */
export class SignInRefusedException extends ProtocolException {
  constructor(
    code: 'invalid_credentials' | 'account_locked' | 'registration_expired',
    message: string,
    readonly attemptsLeft?: number,
    readonly lockedUntil?: string,
  ) {
    super(STATUS_OF[code], code, message);
  }

  get ack(): LotterySignInAck {
    return {
      ...this.failure,
      ...(this.attemptsLeft === undefined ? {} : { attemptsLeft: this.attemptsLeft }),
      ...(this.lockedUntil === undefined ? {} : { lockedUntil: this.lockedUntil }),
    };
  }
}
