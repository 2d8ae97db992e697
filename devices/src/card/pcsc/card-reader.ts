import type { EventEmitter } from 'node:events';
import type { DeviceHealth } from '@kiosk/protocols';
import type { ApduEvent, ApduTransport } from '../apdu/channel';
import type { CardLogger } from '../logger';

/** One reader as the driver sees it. Reader names are hardware names, never personal data. */
export interface ReaderInfo {
  name: string;
  /** Matches the configured pattern and is the one operations use. */
  selected: boolean;
  cardPresent: boolean;
  /** A card is in but does not answer (no ATR). */
  cardMute: boolean;
}

/** The card during one exclusive operation: an APDU transport plus what the reader knows about it. */
export interface CardSession extends ApduTransport {
  readonly reader: string;
  readonly atr: Buffer;
  /** Raw APDUs sent in this session so far (GET RESPONSE and 6Cxx re-sends included). */
  readonly apduCount: number;
}

export interface CardReaderEvents {
  'reader-added': [{ reader: string; selected: boolean }];
  'reader-removed': [{ reader: string; selected: boolean }];
  'card-inserted': [{ reader: string; selected: boolean; atr: Buffer }];
  'card-removed': [{ reader: string; selected: boolean }];
  /** Emitted when status or reasons change. */
  health: [DeviceHealth];
}

/**
 * The card reader contract the agent is handed: PcscCardReader is the real one (pcscd, any PC/SC
 * reader, including vpcd's virtual one in tests and the demo).
 */
export interface CardReaderDriver extends EventEmitter<CardReaderEvents> {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): DeviceHealth;
  readers(): ReaderInfo[];
  /** The reader operations use, or null when none matches. */
  selectedReader(): ReaderInfo | null;
  /**
   * Connects exclusively (SCARD_SHARE_EXCLUSIVE: no other process can interleave APDUs) to the card in
   * the selected reader, runs `operation`, and disconnects with a card reset (which also forgets a
   * verified PIN). Operations run one at a time. Every APDU has a timeout; a card or reader that goes
   * away rejects the operation with CardRemovedError / ReaderGoneError / PcscUnavailableError.
   */
  withExclusiveCard<T>(operation: (card: CardSession) => Promise<T>): Promise<T>;
}

export interface PcscCardReaderOptions {
  /** Which reader to use: substring (case-insensitive) or RegExp of its name. */
  readerPattern: string | RegExp;
  /** DeviceHealth.deviceId. Default "card-reader". */
  deviceId?: string;
  /** PCSCLITE_CSOCK_NAME for this driver's PC/SC client; absent: the system pcscd. */
  pcscSocketPath?: string;
  /** Per APDU (default 10 s: an RSA signature on a real card takes about 1 s). */
  transmitTimeoutMs?: number;
  /** SCardConnect / SCardDisconnect (default 5 s). */
  connectTimeoutMs?: number;
  /** After a failed transmit, how long to wait for pcscd to report the card gone (default 1.5 s). */
  removalGraceMs?: number;
  /** Every raw APDU's instruction, lengths, status word and duration (benchmarks); never its data. */
  onApdu?: (event: ApduEvent) => void;
  logger?: CardLogger;
  now?: () => Date;
}
