/**
 * Every failure of the card stack is one of these, told apart by `code` (style.md: named errors with a
 * discriminating field). The agent switches on `code` to pick the screen text ("not a My Number card",
 * "card locked: the municipal office can reset it", "card removed"). Messages are for technicians and
 * never carry personal data: no PIN digits, no certificate contents, no names.
 */
export type CardErrorCode =
  | 'not-my-number-card'
  | 'pin-incorrect'
  | 'pin-locked'
  | 'pin-format'
  | 'pin-not-verified'
  | 'card-status'
  | 'card-removed'
  | 'no-card'
  | 'card-busy'
  | 'card-communication'
  | 'reader-gone'
  | 'reader-not-found'
  | 'pcsc-unavailable'
  | 'apdu-timeout'
  | 'malformed-response'
  | 'malformed-command'
  | 'invalid-argument'
  | 'driver-stopped'
  | 'virtual-card';

export abstract class CardError extends Error {
  abstract readonly code: CardErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export function isCardError(error: unknown): error is CardError {
  return error instanceof CardError;
}

/** The card has no JPKI application (SELECT by AID answered "file not found"): a different card. */
export class NotMyNumberCardError extends CardError {
  readonly code = 'not-my-number-card';
  constructor(readonly statusWord: number) {
    super(`the card has no JPKI application (SW ${hex4(statusWord)})`);
  }
}

/** Wrong PIN; the card counted it. `triesLeft` is at least 1 (0 is PinLockedError). */
export class PinIncorrectError extends CardError {
  readonly code = 'pin-incorrect';
  constructor(readonly triesLeft: number) {
    super(`wrong PIN, ${triesLeft} tries left`);
  }
}

/** The user-authentication PIN is blocked; only the municipal office can reset it. */
export class PinLockedError extends CardError {
  readonly code = 'pin-locked';
  constructor() {
    super('the PIN is locked; the municipal office can reset it');
  }
}

/** The PIN is not 4 ASCII digits. Refused before it reaches the card, so no try is spent. */
export class PinFormatError extends CardError {
  readonly code = 'pin-format';
  constructor(readonly digits: number) {
    super(`the user-authentication PIN has 4 digits, got ${digits} bytes`);
  }
}

/** A signature was asked for without a successful VERIFY in the same card session. */
export class PinNotVerifiedError extends CardError {
  readonly code = 'pin-not-verified';
  constructor() {
    super('the card wants the PIN verified in this session before signing');
  }
}

/** The card answered a status word the JPKI flow does not expect. */
export class CardStatusError extends CardError {
  readonly code = 'card-status';
  constructor(
    readonly command: string,
    readonly statusWord: number,
  ) {
    super(`${command}: card answered SW ${hex4(statusWord)}`);
  }
}

/** The card left the reader (or was reset by someone else) during the operation. */
export class CardRemovedError extends CardError {
  readonly code = 'card-removed';
  constructor(readonly reader: string) {
    super(`the card was removed from ${reader}`);
  }
}

/** An operation needs a card and the selected reader is empty. */
export class NoCardError extends CardError {
  readonly code = 'no-card';
  constructor(readonly reader: string) {
    super(`no card in ${reader}`);
  }
}

/** Another process holds the card (SCARD_E_SHARING_VIOLATION): we connect exclusively and do not wait. */
export class CardBusyError extends CardError {
  readonly code = 'card-busy';
  constructor(readonly reader: string) {
    super(`the card in ${reader} is in use by another process`);
  }
}

/** The reader or card failed to carry the APDU (transaction failed, card mute) while the card stayed in. */
export class CardCommunicationError extends CardError {
  readonly code = 'card-communication';
  constructor(
    readonly reader: string,
    readonly pcscCode: number | null,
    detail: string,
  ) {
    super(`communication with the card in ${reader} failed: ${detail}`);
  }
}

/** The reader vanished (unplugged, or pcscd dropped it) in the middle of the operation. */
export class ReaderGoneError extends CardError {
  readonly code = 'reader-gone';
  constructor(readonly reader: string) {
    super(`reader ${reader} went away`);
  }
}

/** No reader whose name matches the configured pattern is attached. */
export class ReaderNotFoundError extends CardError {
  readonly code = 'reader-not-found';
  constructor(readonly pattern: string) {
    super(`no reader matches ${pattern}`);
  }
}

/** pcscd is not running or stopped answering (SCARD_E_NO_SERVICE and friends). */
export class PcscUnavailableError extends CardError {
  readonly code = 'pcsc-unavailable';
  constructor(detail: string) {
    super(`PC/SC service unavailable: ${detail}`);
  }
}

/** One exchange with the card (or one PC/SC call) took longer than its timeout. */
export class ApduTimeoutError extends CardError {
  readonly code = 'apdu-timeout';
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} timed out after ${timeoutMs} ms`);
  }
}

export type MalformedPart =
  | 'response-apdu'
  | 'der-header'
  | 'signature'
  | 'atr'
  | 'status-word'
  | 'response-chain'
  | 'vpcd-frame'
  | 'host-message';

/** Bytes from the card (or a link to it) that do not parse. Nothing is changed because of them. */
export class MalformedResponseError extends CardError {
  readonly code = 'malformed-response';
  constructor(
    readonly part: MalformedPart,
    detail: string,
  ) {
    super(`malformed ${part}: ${detail}`);
  }
}

/** A command APDU that does not parse (the virtual card answers these with a status word). */
export class MalformedCommandError extends CardError {
  readonly code = 'malformed-command';
  constructor(detail: string) {
    super(`malformed command APDU: ${detail}`);
  }
}

/** A caller passed something the card stack refuses (empty challenge, bad pattern...). */
export class CardArgumentError extends CardError {
  readonly code = 'invalid-argument';
  constructor(detail: string) {
    super(detail);
  }
}

/** The driver was stopped while the operation was waiting or running. */
export class DriverStoppedError extends CardError {
  readonly code = 'driver-stopped';
  constructor() {
    super('the card reader driver was stopped');
  }
}

/** The virtual card stack (pcscd sandbox, relay, emulator link) could not do what the test asked. */
export class VirtualCardError extends CardError {
  readonly code = 'virtual-card';
  constructor(detail: string) {
    super(detail);
  }
}

function hex4(statusWord: number): string {
  return statusWord.toString(16).toUpperCase().padStart(4, '0');
}
