import {
  type CardError,
  CardBusyError,
  CardCommunicationError,
  CardRemovedError,
  PcscUnavailableError,
  ReaderGoneError,
} from '../errors';

/** The PC/SC return codes (winscard.h) the driver tells apart. */
export const PcscCode = {
  cancelled: 0x80100002,
  noReadersAvailable: 0x8010002e,
  unknownReader: 0x80100009,
  sharingViolation: 0x8010000b,
  noSmartcard: 0x8010000c,
  protocolMismatch: 0x8010000f,
  commError: 0x80100013,
  notTransacted: 0x80100016,
  readerUnavailable: 0x80100017,
  noService: 0x8010001d,
  serviceStopped: 0x8010001e,
  unresponsiveCard: 0x80100066,
  unpoweredCard: 0x80100067,
  resetCard: 0x80100068,
  removedCard: 0x80100069,
} as const;

/** The binding reports errors as text ending in "(0x8010001d)"; this finds the code in it. */
export function pcscCodeFromMessage(message: string): number | null {
  const match = /\(0x([0-9a-fA-F]{1,8})\)\s*$/.exec(message);
  return match ? Number.parseInt(match[1]!, 16) : null;
}

/** Maps a failed PC/SC call on `reader` to the card stack's typed errors. */
export function errorFromPcsc(code: number | null, reader: string, message: string): CardError {
  switch (code) {
    case PcscCode.noService:
    case PcscCode.serviceStopped:
    case PcscCode.commError:
      return new PcscUnavailableError(message);
    case PcscCode.removedCard:
    case PcscCode.noSmartcard:
    case PcscCode.resetCard:
      return new CardRemovedError(reader);
    case PcscCode.unknownReader:
    case PcscCode.readerUnavailable:
    case PcscCode.noReadersAvailable:
      return new ReaderGoneError(reader);
    case PcscCode.sharingViolation:
      return new CardBusyError(reader);
    default:
      return new CardCommunicationError(reader, code, message);
  }
}

export function isServiceLoss(code: number | null): boolean {
  return code === PcscCode.noService || code === PcscCode.serviceStopped || code === PcscCode.commError;
}
