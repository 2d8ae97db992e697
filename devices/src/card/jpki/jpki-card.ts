import type { ApduTransport } from '../apdu/channel';
import type { CommandApdu } from '../apdu/command';
import { SHORT_NE_MAX } from '../apdu/command';
import { type ResponseApdu, SW_END_OF_FILE, SW_OK, SW_SECURITY_STATUS } from '../apdu/response';
import {
  CardArgumentError,
  CardStatusError,
  MalformedResponseError,
  NotMyNumberCardError,
  PinFormatError,
  PinIncorrectError,
  PinLockedError,
  PinNotVerifiedError,
} from '../errors';
import { type CardLogger, silentCardLogger } from '../logger';
import {
  AUTH_PIN_LENGTH,
  AUTH_PIN_MAX_TRIES,
  computeDigitalSignature,
  JpkiFile,
  jpkiCommandName,
  readBinary,
  selectEf,
  selectJpkiApplication,
  verifyPin,
  verifyStatus,
} from './commands';
import { challengeDigestInfo } from './digest-info';
import { interpretPinStatus, parseDerHeader, parseSignature } from './responses';

/** Status words to SELECT by AID that mean "there is no such application on this card". */
const NO_APPLICATION = new Set([0x6a82, 0x6a81, 0x6a86, 0x6a87, 0x6d00, 0x6e00, 0x6999]);
const SW_WRONG_LENGTH = 0x6700;

export const MAX_CHALLENGE_BYTES = 1024;
const RSA_2048_SIGNATURE_BYTES = 256;

/**
 * The JPKI user-authentication application on one card session (one exclusive connection). It keeps
 * track of what is selected so each operation sends the fewest APDUs; a new session needs a new JpkiCard
 * (the reader resets the card when the exclusive connection ends, which also forgets a verified PIN).
 */
export class JpkiCard {
  private applicationSelected = false;
  private currentEf: number | null = null;
  private readonly logger: CardLogger;

  constructor(
    private readonly transport: ApduTransport,
    options: { logger?: CardLogger } = {},
  ) {
    this.logger = options.logger ?? silentCardLogger;
  }

  /** SELECT the JPKI application; a card without it is "not a My Number card". */
  async selectApplication(): Promise<void> {
    if (this.applicationSelected) return;
    const response = await this.send(selectJpkiApplication());
    if (response.sw !== SW_OK) {
      if (NO_APPLICATION.has(response.sw)) throw new NotMyNumberCardError(response.sw);
      throw new CardStatusError('SELECT AP', response.sw);
    }
    this.applicationSelected = true;
    this.currentEf = null;
  }

  /**
   * The user-authentication certificate (DER), no PIN needed. The first READ BINARY brings the DER header
   * (and the first 256 bytes); the rest comes in the largest chunks the card accepts (one APDU when it
   * takes extended Le).
   */
  async readAuthCertificate(): Promise<Buffer> {
    await this.selectFile(JpkiFile.authCertificate);
    const first = await this.readChunk(0, Math.min(SHORT_NE_MAX, this.transport.maxResponseLength));
    const header = parseDerHeader(first);
    const parts = [first];
    let have = first.length;
    let largest = this.transport.maxResponseLength;
    while (have < header.totalLength) {
      const wanted = Math.min(largest, header.totalLength - have);
      let chunk: Buffer;
      try {
        chunk = await this.readChunk(have, wanted);
      } catch (error) {
        // The ATR promised extended Le but the card (or a reader in short-APDU mode) says "wrong length":
        // fall back to short reads rather than fail the resident.
        if (wanted > SHORT_NE_MAX && error instanceof CardStatusError && error.statusWord === SW_WRONG_LENGTH) {
          largest = SHORT_NE_MAX;
          continue;
        }
        throw error;
      }
      if (chunk.length === 0) throw new MalformedResponseError('der-header', 'the file ends before the certificate does');
      parts.push(chunk);
      have += chunk.length;
    }
    return Buffer.concat(parts).subarray(0, header.totalLength);
  }

  /** Tries left on the user-authentication PIN, without spending one. A locked PIN throws PinLockedError. */
  async pinTriesLeft(): Promise<number> {
    await this.selectFile(JpkiFile.authPin);
    const response = await this.send(verifyStatus());
    const status = interpretPinStatus(response.sw);
    switch (status.kind) {
      case 'verified':
        return AUTH_PIN_MAX_TRIES; // a successful VERIFY resets the counter to its maximum
      case 'tries-left':
        return status.triesLeft;
      case 'locked':
        throw new PinLockedError();
      case 'other':
        throw new CardStatusError('VERIFY (status)', status.statusWord);
    }
  }

  /**
   * VERIFY the 4-digit PIN. `pin` holds ASCII digits and is zeroed before this returns or throws, as is
   * the APDU that carried it; the digits are never logged (only "VERIFY" and the status word are).
   */
  async verifyPin(pin: Buffer): Promise<void> {
    let command: CommandApdu | null = null;
    try {
      if (pin.length !== AUTH_PIN_LENGTH || !pin.every((byte) => byte >= 0x30 && byte <= 0x39)) {
        throw new PinFormatError(pin.length);
      }
      await this.selectFile(JpkiFile.authPin);
      command = verifyPin(pin);
      pin.fill(0);
      const response = await this.send(command);
      const status = interpretPinStatus(response.sw);
      switch (status.kind) {
        case 'verified':
          return;
        case 'tries-left':
          throw new PinIncorrectError(status.triesLeft);
        case 'locked':
          throw new PinLockedError();
        case 'other':
          throw new CardStatusError('VERIFY', status.statusWord);
      }
    } finally {
      pin.fill(0);
      command?.data?.fill(0);
    }
  }

  /**
   * Signs the hub's challenge with the user-authentication key: COMPUTE DIGITAL SIGNATURE over the
   * PKCS#1 DigestInfo of SHA-256(challenge). Needs a verified PIN in this session.
   */
  async signChallenge(challenge: Buffer): Promise<Buffer> {
    if (challenge.length === 0 || challenge.length > MAX_CHALLENGE_BYTES) {
      throw new CardArgumentError(`a challenge has 1..${MAX_CHALLENGE_BYTES} bytes, got ${challenge.length}`);
    }
    await this.selectFile(JpkiFile.authPrivateKey);
    const response = await this.send(computeDigitalSignature(challengeDigestInfo(challenge), RSA_2048_SIGNATURE_BYTES));
    if (response.sw === SW_SECURITY_STATUS) throw new PinNotVerifiedError();
    if (response.sw !== SW_OK) throw new CardStatusError('COMPUTE DIGITAL SIGNATURE', response.sw);
    return parseSignature(response.data, RSA_2048_SIGNATURE_BYTES);
  }

  private async selectFile(fileId: number): Promise<void> {
    await this.selectApplication();
    if (this.currentEf === fileId) return;
    this.currentEf = null;
    const response = await this.send(selectEf(fileId));
    if (response.sw !== SW_OK) throw new CardStatusError(`SELECT EF ${fileId.toString(16).padStart(4, '0')}`, response.sw);
    this.currentEf = fileId;
  }

  private async readChunk(offset: number, length: number): Promise<Buffer> {
    const response = await this.send(readBinary(offset, length));
    // 62 82: the file ended first; what exists came back, and the DER length decides if that is enough.
    if (response.sw !== SW_OK && response.sw !== SW_END_OF_FILE) throw new CardStatusError('READ BINARY', response.sw);
    if (response.data.length > length) {
      throw new MalformedResponseError('response-apdu', `READ BINARY returned ${response.data.length} bytes for ${length}`);
    }
    return response.data;
  }

  private async send(command: CommandApdu): Promise<ResponseApdu> {
    const response = await this.transport.transmit(command);
    this.logger.debug({ command: jpkiCommandName(command), sw: response.sw.toString(16), bytes: response.data.length }, 'jpki apdu');
    return response;
  }
}
