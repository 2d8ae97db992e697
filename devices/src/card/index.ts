// My Number card stack: the PC/SC reader driver, the JPKI user-authentication application on top of any
// APDU transport. The virtual card (emulator behind the real pcscd via vpcd) for tests and the demo is in
// `@kiosk/devices/virtual` (src/virtual.ts), which production code cannot import (lint).
// See README.md in this directory.

export * from './errors';
export { type CardLogger, silentCardLogger } from './logger';

export { type AtrInfo, parseAtr } from './apdu/atr';
export { type ApduEvent, type ApduTransport, ApduChannel } from './apdu/channel';
export { type CommandApdu, encodeCommand, parseCommand } from './apdu/command';
export { exchange, type RawTransmit } from './apdu/exchange';
export { type ResponseApdu, parseResponse } from './apdu/response';

export { AUTH_PIN_LENGTH, AUTH_PIN_MAX_TRIES, JPKI_AID, JpkiFile } from './jpki/commands';
export { challengeDigestInfo, sha256DigestInfo } from './jpki/digest-info';
export { JpkiCard, MAX_CHALLENGE_BYTES } from './jpki/jpki-card';
export { parseDerHeader } from './jpki/responses';

export type { CardReaderDriver, CardReaderEvents, CardSession, PcscCardReaderOptions, ReaderInfo } from './pcsc/card-reader';
export { PcscCardReader } from './pcsc/pcsc-card-reader';

// The virtual card (emulator, pcscd with vpcd, test residents) is not exported here: `@kiosk/devices/virtual`.
