import { constants, type KeyObject, privateEncrypt, timingSafeEqual } from 'node:crypto';
import { buildAtr } from '../apdu/atr';
import { type CommandApdu, parseCommand } from '../apdu/command';
import { encodeResponse } from '../apdu/response';
import { CardArgumentError } from '../errors';
import { AUTH_PIN_LENGTH, AUTH_PIN_MAX_TRIES, JPKI_AID, JpkiFile } from '../jpki/commands';

export interface VirtualJpkiCardOptions {
  /** false: a card without the JPKI application ("not a My Number card"), which needs no keys. Default true. */
  jpki?: boolean;
  /** DER of the user-authentication certificate (EF 000A). */
  certificate?: Buffer;
  /** RSA private key of that certificate (EF 0017). */
  privateKey?: KeyObject;
  /** The 4 ASCII digits of the user-authentication PIN (EF 0018). */
  pin?: string;
  /** Whether the ATR offers extended Lc/Le and the card honours them. Default true. */
  extendedLength?: boolean;
  /** When set, longer responses come in pieces of this size behind 61xx (GET RESPONSE chaining). */
  responseChunk?: number;
  /** Size of EF 000A; the certificate is followed by FF padding up to it. Default 2048 (or the cert size). */
  certificateFileSize?: number;
}

type Sw = number;
const SW = {
  ok: 0x9000,
  endOfFile: 0x6282,
  wrongLength: 0x6700,
  incompatibleFile: 0x6981,
  securityStatus: 0x6982,
  blocked: 0x6983,
  conditionsOfUse: 0x6985,
  notAllowed: 0x6986,
  functionNotSupported: 0x6a81,
  fileNotFound: 0x6a82,
  wrongP1P2: 0x6a86,
  referenceNotFound: 0x6a88,
  offsetOutside: 0x6b00,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
} as const;

/**
 * A small My Number card: the JPKI user-authentication subset and nothing else. It is a pure state machine
 * (bytes in, bytes out) so it can sit behind vpcd or be called directly by unit tests. Its key and
 * certificate come from the project's test CA; it is not a model of a real card's internals, only of the
 * APDU behaviour the public card profile documents.
 */
export class VirtualJpkiCard {
  readonly atr: Buffer;
  private readonly certificateFile: Buffer;
  private readonly pin: Buffer;
  private readonly jpki: boolean;
  private readonly extendedLength: boolean;
  private triesLeft = AUTH_PIN_MAX_TRIES;
  private applicationSelected = false;
  private currentEf: number | null = null;
  private pinVerified = false;
  private pending: { rest: Buffer; status: Sw } | null = null;
  private readonly privateKey: KeyObject | null;

  constructor(private readonly options: VirtualJpkiCardOptions) {
    this.jpki = options.jpki ?? true;
    const pin = options.pin ?? '';
    if (this.jpki && (!options.certificate || !options.privateKey || !/^\d{4}$/.test(pin))) {
      throw new CardArgumentError('a virtual JPKI card needs a certificate, its private key and a 4-digit PIN');
    }
    if (options.responseChunk !== undefined && (options.responseChunk < 1 || options.responseChunk > 256)) {
      throw new CardArgumentError('responseChunk must be 1..256');
    }
    this.extendedLength = options.extendedLength ?? true;
    this.atr = buildAtr(this.extendedLength);
    this.pin = Buffer.from(pin, 'ascii');
    this.privateKey = options.privateKey ?? null;
    const certificate = options.certificate ?? Buffer.alloc(0);
    this.certificateFile = Buffer.alloc(Math.max(options.certificateFileSize ?? 2048, certificate.length), 0xff);
    certificate.copy(this.certificateFile);
  }

  /** Remaining PIN tries (0 = locked); the counter survives removal, like a real card's. */
  get pinTriesLeft(): number {
    return this.triesLeft;
  }

  /** Power off, power on and reset all end the session: selection and a verified PIN are forgotten. */
  reset(): void {
    this.applicationSelected = false;
    this.currentEf = null;
    this.pinVerified = false;
    this.pending = null;
  }

  /** Answers one command APDU. Never throws: whatever comes in gets a status word. */
  process(apdu: Buffer): Buffer {
    let command: CommandApdu & { extended: boolean };
    try {
      command = parseCommand(apdu);
    } catch {
      return sw(SW.wrongLength);
    }
    if (command.extended && !this.extendedLength) return sw(SW.wrongLength);
    if (command.ins !== 0xc0) this.pending = null;
    if (command.cla === 0x00) {
      switch (command.ins) {
        case 0xa4:
          return this.select(command);
        case 0xb0:
          return this.readBinary(command);
        case 0x20:
          return this.verify(command);
        case 0xc0:
          return this.getResponse(command);
        default:
          return sw(SW.insNotSupported);
      }
    }
    if (command.cla === 0x80 && command.ins === 0x2a) return this.computeSignature(command);
    return sw(command.cla === 0x80 ? SW.insNotSupported : SW.claNotSupported);
  }

  private select(command: CommandApdu): Buffer {
    const data = command.data ?? Buffer.alloc(0);
    if (command.p1 === 0x04) {
      this.reset();
      if (this.jpki && data.equals(JPKI_AID)) {
        this.applicationSelected = true;
        return sw(SW.ok);
      }
      return sw(SW.fileNotFound);
    }
    if (command.p1 === 0x02) {
      if (!this.applicationSelected || data.length !== 2) return sw(data.length !== 2 ? SW.wrongLength : SW.fileNotFound);
      const fileId = data.readUInt16BE(0);
      if (fileId !== JpkiFile.authCertificate && fileId !== JpkiFile.authPin && fileId !== JpkiFile.authPrivateKey) {
        return sw(SW.fileNotFound);
      }
      this.currentEf = fileId;
      return sw(SW.ok);
    }
    return sw(SW.wrongP1P2);
  }

  private readBinary(command: CommandApdu & { extended: boolean }): Buffer {
    if (command.p1 & 0x80) return sw(SW.functionNotSupported); // short EF identifiers: not in this subset
    if (this.currentEf === null) return sw(SW.notAllowed);
    if (this.currentEf !== JpkiFile.authCertificate) return sw(SW.incompatibleFile);
    if (command.ne === undefined || command.data) return sw(SW.wrongLength);
    const offset = (command.p1 << 8) | command.p2;
    if (offset >= this.certificateFile.length) return sw(SW.offsetOutside);
    const available = this.certificateFile.length - offset;
    if (command.ne > available) {
      // Short Le beyond the end: 6C xx names the exact length (ISO 7816-4); extended: what exists + 62 82.
      if (!command.extended && available < 256) return sw(0x6c00 | available);
      return this.respond(this.certificateFile.subarray(offset), SW.endOfFile);
    }
    return this.respond(this.certificateFile.subarray(offset, offset + command.ne), SW.ok);
  }

  private verify(command: CommandApdu): Buffer {
    if (command.p1 !== 0x00 || command.p2 !== 0x80) return sw(SW.wrongP1P2);
    if (this.currentEf !== JpkiFile.authPin) return sw(SW.referenceNotFound);
    if (this.triesLeft === 0) return sw(SW.blocked);
    const data = command.data;
    if (!data) return sw(this.pinVerified ? SW.ok : 0x63c0 | this.triesLeft);
    if (data.length !== AUTH_PIN_LENGTH) return sw(SW.wrongLength);
    if (timingSafeEqual(data, this.pin)) {
      this.triesLeft = AUTH_PIN_MAX_TRIES;
      this.pinVerified = true;
      return sw(SW.ok);
    }
    this.triesLeft -= 1;
    this.pinVerified = false;
    return sw(0x63c0 | this.triesLeft);
  }

  private computeSignature(command: CommandApdu): Buffer {
    if (command.p1 !== 0x00 || command.p2 !== 0x80) return sw(SW.wrongP1P2);
    if (this.currentEf !== JpkiFile.authPrivateKey) return sw(SW.conditionsOfUse);
    if (!this.pinVerified) return sw(SW.securityStatus);
    const input = command.data;
    if (!this.privateKey) return sw(SW.conditionsOfUse);
    const modulusBytes = (this.privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
    if (!input || input.length > modulusBytes - 11 || command.ne === undefined) return sw(SW.wrongLength);
    if (command.ne < modulusBytes) return sw(0x6c00 | (modulusBytes & 0xff));
    // PKCS#1 v1.5 type-1 padding of the DigestInfo, then the RSA private-key operation.
    const signature = privateEncrypt({ key: this.privateKey, padding: constants.RSA_PKCS1_PADDING }, input);
    return this.respond(signature, SW.ok);
  }

  private getResponse(command: CommandApdu): Buffer {
    const pending = this.pending;
    if (!pending || command.ne === undefined || command.p1 !== 0 || command.p2 !== 0) {
      this.pending = null;
      return sw(SW.conditionsOfUse);
    }
    if (command.ne > pending.rest.length && pending.rest.length < 256) return sw(0x6c00 | pending.rest.length);
    this.pending = null;
    return this.respond(pending.rest.subarray(0, command.ne), pending.status, pending.rest.subarray(command.ne));
  }

  /**
   * Sends `data` then `status`. With responseChunk set, at most that many bytes go out per response and
   * the card says 61 xx (xx more bytes, 00 = 256 or more) until GET RESPONSE has fetched the rest.
   */
  private respond(data: Buffer, status: Sw, after: Buffer = Buffer.alloc(0)): Buffer {
    const all = Buffer.concat([data, after]);
    const size = Math.min(data.length, this.options.responseChunk ?? data.length);
    if (size === all.length) return encodeResponse(all, status);
    const rest = Buffer.from(all.subarray(size));
    this.pending = { rest, status };
    return encodeResponse(Buffer.from(all.subarray(0, size)), 0x6100 | (rest.length >= 256 ? 0 : rest.length));
  }
}

function sw(status: Sw): Buffer {
  return encodeResponse(Buffer.alloc(0), status);
}
