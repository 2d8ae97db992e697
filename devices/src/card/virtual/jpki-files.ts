import type { KeyObject } from 'node:crypto';
import { AUTH_PIN_LENGTH, AUTH_PIN_MAX_TRIES, JpkiFile } from '../jpki/commands';

/**
 * The elementary files of the JPKI application as a client sees them (OpenSC card-jpki.c and
 * pkcs15-jpki.c, jpki/myna): four certificate EFs read with READ BINARY, two key EFs used by COMPUTE
 * DIGITAL SIGNATURE, two PIN EFs used by VERIFY. The kiosk itself uses only the user-authentication side
 * (000A, 0017, 0018); the rest exists so that a standard client binds the virtual card as it binds a real one.
 */
export const JpkiEf = {
  ...JpkiFile,
  /** 00 01: digital-signature certificate (署名用電子証明書); readable only after the signing password. */
  signCertificate: 0x0001,
  /** 00 02: certificate of the CA that issued the signing certificate; public. */
  signCaCertificate: 0x0002,
  /** 00 0B: certificate of the CA that issued the user-authentication certificate; public. */
  authCaCertificate: 0x000b,
  /** 00 1A: digital-signature private key. */
  signPrivateKey: 0x001a,
  /** 00 1B: digital-signature password (6 to 16 characters, 5 tries). */
  signPassword: 0x001b,
} as const;

export const SIGN_PASSWORD_MAX_TRIES = 5;
const SIGN_PASSWORD_LENGTHS = { min: 6, max: 16 } as const;

/** A PIN EF's reference data and counter. `value` null: never set (a signing certificate not issued). */
export interface PinObject {
  readonly value: Buffer | null;
  readonly maxTries: number;
  readonly lengths: { min: number; max: number };
  triesLeft: number;
  verified: boolean;
}

export type JpkiEfContent =
  | { kind: 'binary'; data: Buffer; readAfter: PinObject | null }
  | { kind: 'pin'; pin: PinObject }
  | { kind: 'key'; key: KeyObject | null; pin: PinObject };

export interface JpkiCardContent {
  authCertificate: Buffer;
  authPrivateKey: KeyObject | null;
  authPin: string;
  /** Issuer of the user-authentication certificate (EF 000B). */
  authCaCertificate?: Buffer;
  /** The signing side; absent, the card has its EFs but no signing certificate was issued. */
  signing?: { certificate: Buffer; privateKey: KeyObject; password: string; caCertificate?: Buffer };
  /** Size of each certificate EF; the DER is followed by FF (erased) bytes up to it. */
  certificateFileSize: number;
}

/** The application's EFs by file identifier, each certificate EF padded with FF to its file size. */
export function buildJpkiFiles(content: JpkiCardContent): Map<number, JpkiEfContent> {
  const certificateFile = (der: Buffer | undefined): Buffer => {
    const file = Buffer.alloc(Math.max(content.certificateFileSize, der?.length ?? 0), 0xff);
    der?.copy(file);
    return file;
  };
  const authPin: PinObject = pinObject(content.authPin, AUTH_PIN_MAX_TRIES, { min: AUTH_PIN_LENGTH, max: AUTH_PIN_LENGTH });
  const signing = content.signing;
  const signPassword = pinObject(signing?.password ?? null, SIGN_PASSWORD_MAX_TRIES, SIGN_PASSWORD_LENGTHS);
  return new Map<number, JpkiEfContent>([
    [JpkiEf.authCertificate, { kind: 'binary', data: certificateFile(content.authCertificate), readAfter: null }],
    [JpkiEf.authCaCertificate, { kind: 'binary', data: certificateFile(content.authCaCertificate), readAfter: null }],
    [JpkiEf.authPrivateKey, { kind: 'key', key: content.authPrivateKey, pin: authPin }],
    [JpkiEf.authPin, { kind: 'pin', pin: authPin }],
    [JpkiEf.signCertificate, { kind: 'binary', data: certificateFile(signing?.certificate), readAfter: signPassword }],
    [JpkiEf.signCaCertificate, { kind: 'binary', data: certificateFile(signing?.caCertificate ?? content.authCaCertificate), readAfter: null }],
    [JpkiEf.signPrivateKey, { kind: 'key', key: signing?.privateKey ?? null, pin: signPassword }],
    [JpkiEf.signPassword, { kind: 'pin', pin: signPassword }],
  ]);
}

function pinObject(value: string | null, maxTries: number, lengths: { min: number; max: number }): PinObject {
  return { value: value === null ? null : Buffer.from(value, 'ascii'), maxTries, lengths, triesLeft: maxTries, verified: false };
}
