import { constants, type KeyObject, privateEncrypt, timingSafeEqual } from 'node:crypto';
import { buildAtr } from '../apdu/atr';
import { type CommandApdu, parseCommand } from '../apdu/command';
import { encodeResponse } from '../apdu/response';
import { CardArgumentError } from '../errors';
import { JPKI_AID } from '../jpki/commands';
import { buildJpkiFiles, JpkiEf, type JpkiEfContent, type PinObject } from './jpki-files';

export interface VirtualJpkiCardOptions {
  /** false: a card without the JPKI application ("not a My Number card"), which needs no keys. Default true. */
  jpki?: boolean;
  /** DER of the user-authentication certificate (EF 000A). */
  certificate?: Buffer;
  /** RSA private key of that certificate (EF 0017). */
  privateKey?: KeyObject;
  /** The 4 ASCII digits of the user-authentication PIN (EF 0018). */
  pin?: string;
  /** DER of the CA certificate that issued `certificate` (EF 000B; also EF 0002 unless `signing` names one). */
  caCertificate?: Buffer;
  /**
   * The digital-signature side (EF 0001 certificate, 001A key, 001B password of 6 to 16 characters).
   * Absent, its EFs exist but nothing was issued: the password cannot be verified (69 84), so EF 0001 and
   * the key stay closed, as on a card whose holder has no signing certificate.
   */
  signing?: { certificate: Buffer; privateKey: KeyObject; password: string; caCertificate?: Buffer };
  /** Whether the ATR offers extended Lc/Le and the card honours them. Default true. */
  extendedLength?: boolean;
  /** When set, longer responses come in pieces of this size behind 61xx (GET RESPONSE chaining). */
  responseChunk?: number;
  /** Size of each certificate EF; the certificate is followed by FF padding up to it. Default 2048 (or the cert size). */
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
  referenceNotUsable: 0x6984,
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

/** SELECT P2 0C: first or only occurrence, no response data. The only form the JPKI profile uses. */
const SELECT_P2_NO_DATA = 0x0c;

/**
 * A small My Number card: the JPKI application's files and commands as standard clients use them
 * (jpki-files.ts), nothing else. It is a pure state machine (bytes in, bytes out) so it can sit behind
 * vpcd or be called directly by unit tests. Its keys and certificates come from the project's test CA; it
 * is not a model of a real card's internals, only of the APDU behaviour the public card profile documents.
 * A SELECT that fails changes nothing: the application, the current EF and verified PINs stay as they were.
 */
export class VirtualJpkiCard {
  readonly atr: Buffer;
  private readonly files: Map<number, JpkiEfContent>;
  private readonly extendedLength: boolean;
  private applicationSelected = false;
  private currentEf: JpkiEfContent | null = null;
  private pending: { rest: Buffer; status: Sw } | null = null;

  constructor(private readonly options: VirtualJpkiCardOptions) {
    const jpki = options.jpki ?? true;
    const pin = options.pin ?? '';
    if (jpki && (!options.certificate || !options.privateKey || !/^\d{4}$/.test(pin))) {
      throw new CardArgumentError('a virtual JPKI card needs a certificate, its private key and a 4-digit PIN');
    }
    if (options.signing && !/^[0-9A-Z]{6,16}$/.test(options.signing.password)) {
      throw new CardArgumentError('the signing password is 6 to 16 upper-case letters and digits');
    }
    if (options.responseChunk !== undefined && (options.responseChunk < 1 || options.responseChunk > 256)) {
      throw new CardArgumentError('responseChunk must be 1..256');
    }
    this.extendedLength = options.extendedLength ?? true;
    this.atr = buildAtr(this.extendedLength);
    this.files = !jpki
      ? new Map()
      : buildJpkiFiles({
          authCertificate: options.certificate ?? Buffer.alloc(0),
          authPrivateKey: options.privateKey ?? null,
          authPin: pin,
          authCaCertificate: options.caCertificate,
          signing: options.signing,
          certificateFileSize: options.certificateFileSize ?? 2048,
        });
  }

  /** Remaining user-authentication PIN tries (0 = locked); the counter survives removal, like a real card's. */
  get pinTriesLeft(): number {
    return this.pinOf(JpkiEf.authPin)?.triesLeft ?? 0;
  }

  /** Power off, power on and reset all end the session: selection and verified PINs are forgotten. */
  reset(): void {
    this.applicationSelected = false;
    this.currentEf = null;
    this.pending = null;
    for (const file of this.files.values()) if (file.kind === 'pin') file.pin.verified = false;
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
    if ((command.p1 !== 0x04 && command.p1 !== 0x02) || command.p2 !== SELECT_P2_NO_DATA) return sw(SW.wrongP1P2);
    if (command.p1 === 0x04) {
      if (this.files.size === 0 || !data.equals(JPKI_AID)) return sw(SW.fileNotFound);
      // Selecting the application (again) starts it afresh: no current EF, no verified PIN.
      this.reset();
      this.applicationSelected = true;
      return sw(SW.ok);
    }
    if (data.length !== 2) return sw(SW.wrongLength);
    const file = this.applicationSelected ? this.files.get(data.readUInt16BE(0)) : undefined;
    if (!file) return sw(SW.fileNotFound);
    this.currentEf = file;
    return sw(SW.ok);
  }

  private readBinary(command: CommandApdu & { extended: boolean }): Buffer {
    if (command.p1 & 0x80) return sw(SW.functionNotSupported); // short EF identifiers: not in this subset
    const file = this.currentEf;
    if (file === null) return sw(SW.notAllowed);
    if (file.kind !== 'binary') return sw(SW.incompatibleFile);
    if (file.readAfter && !file.readAfter.verified) return sw(SW.securityStatus);
    if (command.ne === undefined || command.data) return sw(SW.wrongLength);
    const offset = (command.p1 << 8) | command.p2;
    if (offset >= file.data.length) return sw(SW.offsetOutside);
    const available = file.data.length - offset;
    if (command.ne > available) {
      // Short Le beyond the end: 6C xx names the exact length (ISO 7816-4); extended: what exists + 62 82.
      if (!command.extended && available < 256) return sw(0x6c00 | available);
      return this.respond(file.data.subarray(offset), SW.endOfFile);
    }
    return this.respond(file.data.subarray(offset, offset + command.ne), SW.ok);
  }

  private verify(command: CommandApdu): Buffer {
    if (command.p1 !== 0x00 || command.p2 !== 0x80) return sw(SW.wrongP1P2);
    if (this.currentEf?.kind !== 'pin') return sw(SW.referenceNotFound);
    const pin = this.currentEf.pin;
    if (pin.triesLeft === 0) return sw(SW.blocked);
    const data = command.data;
    if (!data) return sw(pin.verified ? SW.ok : 0x63c0 | pin.triesLeft);
    if (data.length < pin.lengths.min || data.length > pin.lengths.max) return sw(SW.wrongLength);
    if (!pin.value) return sw(SW.referenceNotUsable);
    if (data.length === pin.value.length && timingSafeEqual(data, pin.value)) {
      pin.triesLeft = pin.maxTries;
      pin.verified = true;
      return sw(SW.ok);
    }
    pin.triesLeft -= 1;
    pin.verified = false;
    return sw(0x63c0 | pin.triesLeft);
  }

  private computeSignature(command: CommandApdu): Buffer {
    if (command.p1 !== 0x00 || command.p2 !== 0x80) return sw(SW.wrongP1P2);
    const file = this.currentEf;
    if (file?.kind !== 'key') return sw(SW.conditionsOfUse);
    if (!file.pin.verified) return sw(SW.securityStatus);
    const input = command.data;
    if (!file.key) return sw(SW.conditionsOfUse);
    const modulusBytes = (file.key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
    if (!input || input.length > modulusBytes - 11 || command.ne === undefined) return sw(SW.wrongLength);
    if (command.ne < modulusBytes) return sw(0x6c00 | (modulusBytes & 0xff));
    // PKCS#1 v1.5 type-1 padding of the DigestInfo, then the RSA private-key operation.
    const signature = privateEncrypt({ key: file.key, padding: constants.RSA_PKCS1_PADDING }, input);
    return this.respond(signature, SW.ok);
  }

  private pinOf(fileId: number): PinObject | null {
    const file = this.files.get(fileId);
    return file?.kind === 'pin' ? file.pin : null;
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
