import type { DeviceReason } from '@kiosk/protocols';

/**
 * Every failure a peripheral driver reports is one of these, told apart by `code` (style.md: named errors
 * with a discriminating field). Callers switch on `code`; messages are for technicians and never carry
 * personal data (no PIN digits, no barcode contents beyond what the caller already has).
 */
export type PeripheralErrorCode =
  | 'frame-parse'
  | 'paper-out'
  | 'printer-not-ready'
  | 'disconnected'
  | 'timeout'
  | 'device-refused'
  | 'payout-incomplete'
  | 'print-job-failed'
  | 'ipp-status'
  | 'receipt-encoding'
  | 'lost-credit'
  | 'invalid-argument'
  | 'virtual-device';

export abstract class PeripheralError extends Error {
  abstract readonly code: PeripheralErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type FrameProtocol = 'escpos' | 'cctalk' | 'ipp' | 'hid';
export type FrameParseReason = 'checksum' | 'truncated' | 'garbage' | 'bad-length' | 'bad-value' | 'unknown-command';

/** A frame from a device (or a response from a server) that does not parse. It never changes any state. */
export class FrameParseError extends PeripheralError {
  readonly code = 'frame-parse';
  constructor(
    readonly protocol: FrameProtocol,
    readonly reason: FrameParseReason,
    message: string,
    readonly offset?: number,
  ) {
    // A noisy line produces these by the thousand and their stack says nothing (the frame is the story):
    // skipping the stack capture makes rejecting garbage several times cheaper.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`${protocol}: ${message}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** The receipt printer has no paper (before or during the job). Nothing was reported printed. */
export class PaperOutError extends PeripheralError {
  readonly code = 'paper-out';
  readonly printed = false;
  constructor(readonly deviceId: string) {
    super(`${deviceId}: paper end, receipt not printed`);
  }
}

/** The printer cannot print now for a reason other than paper (cover open, jam, offline). */
export class PrinterNotReadyError extends PeripheralError {
  readonly code = 'printer-not-ready';
  readonly printed = false;
  constructor(
    readonly deviceId: string,
    readonly reasons: DeviceReason[],
  ) {
    super(`${deviceId}: not ready (${reasons.join(', ') || 'unknown'})`);
  }
}

export class DeviceDisconnectedError extends PeripheralError {
  readonly code = 'disconnected';
  constructor(readonly deviceId: string) {
    super(`${deviceId}: disconnected`);
  }
}

export class DeviceTimeoutError extends PeripheralError {
  readonly code = 'timeout';
  constructor(
    readonly deviceId: string,
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${deviceId}: no answer to ${operation} within ${timeoutMs} ms`);
  }
}

/** The device answered, but with a refusal (ccTalk NAK or BUSY). */
export class DeviceRefusedError extends PeripheralError {
  readonly code = 'device-refused';
  constructor(
    readonly deviceId: string,
    readonly operation: string,
    readonly answer: 'nak' | 'busy',
  ) {
    super(`${deviceId}: ${operation} refused (${answer})`);
  }
}

/** Some change or refund was not paid out (a hopper ran empty or jammed). `paidYen` did leave the machine. */
export class PayoutIncompleteError extends PeripheralError {
  readonly code = 'payout-incomplete';
  constructor(
    readonly requestedYen: number,
    readonly paidYen: number,
    readonly unpaidYen: number,
  ) {
    super(`payout incomplete: ${paidYen} of ${requestedYen} yen paid, ${unpaidYen} yen owed`);
  }
}

export type FailedJobState = 'aborted' | 'canceled' | 'timeout' | 'rejected';

/** A document print that did not reach `completed`. */
export class PrintJobFailedError extends PeripheralError {
  readonly code = 'print-job-failed';
  readonly printed = false;
  constructor(
    readonly jobState: FailedJobState,
    readonly jobId: number | undefined,
    readonly reasons: string[],
  ) {
    super(`print job ${jobId ?? '(none)'} ${jobState}${reasons.length ? ` (${reasons.join(', ')})` : ''}`);
  }
}

/** An IPP server answered with a non-success status code. */
export class IppStatusError extends PeripheralError {
  readonly code = 'ipp-status';
  constructor(
    readonly operation: string,
    readonly statusCode: number,
    readonly statusMessage?: string,
  ) {
    super(`IPP ${operation} failed: 0x${statusCode.toString(16).padStart(4, '0')}${statusMessage ? ` ${statusMessage}` : ''}`);
  }
}

/** Text the receipt printer's code page cannot represent; refused rather than printed as '?'. */
export class ReceiptEncodingError extends PeripheralError {
  readonly code = 'receipt-encoding';
  constructor(readonly lineIndex: number) {
    super(`receipt line ${lineIndex} has characters Shift_JIS cannot encode`);
  }
}

/** The coin acceptor's event counter skipped: coins were accepted whose credit we never saw. */
export class LostCreditError extends PeripheralError {
  readonly code = 'lost-credit';
  constructor(
    readonly deviceId: string,
    readonly lostEvents: number,
  ) {
    super(`${deviceId}: ${lostEvents} credit event(s) lost`);
  }
}

export class InvalidArgumentError extends PeripheralError {
  readonly code = 'invalid-argument';
}

/** A virtual device (socat, cupsd, umockdev) could not be started or driven. */
export class VirtualDeviceError extends PeripheralError {
  readonly code = 'virtual-device';
}
