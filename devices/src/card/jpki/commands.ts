import type { CommandApdu } from '../apdu/command';
import { CardArgumentError } from '../errors';

/**
 * The JPKI (公的個人認証) user-authentication subset of the My Number card, as the public card profile
 * is used by open implementations (OpenSC card-jpki.c, jpki/myna). Only the user-authentication path:
 * never the signing certificate (署名用) or its password, never the My Number itself.
 */

/** AID of the JPKI application: D3 92 F0 00 26 01 00 00 00 01 (RID D3 92 F0 00 26 = J-LIS). */
export const JPKI_AID = Buffer.from('D392F000260100000001', 'hex');

/** Elementary files inside the JPKI application. */
export const JpkiFile = {
  /** 00 0A: user-authentication certificate (利用者証明用電子証明書), readable without a PIN. */
  authCertificate: 0x000a,
  /** 00 17: user-authentication private key; used by COMPUTE DIGITAL SIGNATURE, never readable. */
  authPrivateKey: 0x0017,
  /** 00 18: user-authentication PIN (4 digits, 3 tries). */
  authPin: 0x0018,
} as const;

export const AUTH_PIN_LENGTH = 4;
export const AUTH_PIN_MAX_TRIES = 3;

/**
 * SELECT by DF name: 00 A4 04 0C 0A <AID>.
 * CLA 00; INS A4 SELECT; P1 04 select by DF name (AID); P2 0C first occurrence, no response data.
 */
export function selectJpkiApplication(): CommandApdu {
  return { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: Buffer.from(JPKI_AID) };
}

/**
 * SELECT EF under the current DF: 00 A4 02 0C 02 <FID>.
 * P1 02 select EF by file identifier under the current DF; P2 0C no response data.
 */
export function selectEf(fileId: number): CommandApdu {
  if (!Number.isInteger(fileId) || fileId < 0 || fileId > 0xffff) throw new CardArgumentError(`file id must be 2 bytes, got ${fileId}`);
  return { cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Buffer.from([fileId >> 8, fileId & 0xff]) };
}

/** P1 bit 8 must stay 0 (set, it would mean a short EF identifier), so offsets stop at 7FFF. */
export const READ_BINARY_MAX_OFFSET = 0x7fff;

/**
 * READ BINARY of the current EF: 00 B0 <offset hi> <offset lo> Le.
 * INS B0 READ BINARY; P1-P2 the 15-bit offset; Le the number of bytes wanted (1..256 short, up to 65536
 * extended).
 */
export function readBinary(offset: number, length: number): CommandApdu {
  if (!Number.isInteger(offset) || offset < 0 || offset > READ_BINARY_MAX_OFFSET) {
    throw new CardArgumentError(`READ BINARY offset must be 0..${READ_BINARY_MAX_OFFSET}, got ${offset}`);
  }
  return { cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, ne: length };
}

/**
 * VERIFY without data: 00 20 00 80. Asks for the PIN status without spending a try: the card answers
 * 63 Cx (x tries left), 69 83 (locked) or 90 00 (already verified in this session).
 * INS 20 VERIFY; P1 00; P2 80 "specific reference data" = the PIN of the currently selected PIN EF.
 */
export function verifyStatus(): CommandApdu {
  return { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80 };
}

/**
 * VERIFY with the PIN: 00 20 00 80 04 <4 ASCII digits>. The returned APDU owns a copy of the digits in
 * `data`; the caller zeroes it after the exchange (jpki-card.ts does).
 */
export function verifyPin(pinDigits: Buffer): CommandApdu {
  return { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80, data: Buffer.from(pinDigits) };
}

/**
 * COMPUTE DIGITAL SIGNATURE with the key of the selected key EF: 80 2A 00 80 Lc <DigestInfo> 00.
 * CLA 80 proprietary; INS 2A PERFORM SECURITY OPERATION; P1 00 (JPKI profile); P2 80 "data field is the
 * input to sign". The card applies PKCS#1 v1.5 type-1 padding and the RSA private-key operation; Le 00
 * asks for the whole signature (256 bytes for RSA-2048).
 */
export function computeDigitalSignature(digestInfo: Buffer, signatureLength = 256): CommandApdu {
  return { cla: 0x80, ins: 0x2a, p1: 0x00, p2: 0x80, data: Buffer.from(digestInfo), ne: signatureLength };
}

/** Names for logs: instruction and file, never data. */
export function jpkiCommandName(command: CommandApdu): string {
  switch (command.ins) {
    case 0xa4:
      return command.p1 === 0x04 ? 'SELECT AP' : `SELECT EF ${command.data?.toString('hex') ?? ''}`;
    case 0xb0:
      return 'READ BINARY';
    case 0x20:
      return command.data ? 'VERIFY' : 'VERIFY (status)';
    case 0x2a:
      return 'COMPUTE DIGITAL SIGNATURE';
    case 0xc0:
      return 'GET RESPONSE';
    default:
      return `INS ${command.ins.toString(16).toUpperCase()}`;
  }
}
