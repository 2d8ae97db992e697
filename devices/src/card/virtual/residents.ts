import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VirtualCardError } from '../errors';
import { VirtualJpkiCard, type VirtualJpkiCardOptions } from './jpki-emulator';

/**
 * A synthetic resident of the test CA (scripts/test-ca/make-test-ca.sh writes residents.json). The
 * personal-looking fields are invented and exist for the demo screens and the hub's resident records; the
 * card itself carries only the certificate (no name, like a real user-authentication certificate).
 */
export interface VirtualResident {
  id: string;
  nameJa: string;
  nameKana: string;
  birthDate: string;
  address: string;
  /** Test data: the PIN of this resident's virtual card. */
  pin: string;
  certificate: Buffer;
  privateKey: KeyObject;
  certificateSerial: string;
  subjectCommonName: string;
  revoked: boolean;
}

export interface VirtualResidentsFile {
  residents: VirtualResident[];
  /** DER of the TEST CA root certificate. */
  rootCertificate: Buffer;
  /** The CRL as PEM (its one entry is the revoked resident). */
  crlPem: Buffer;
}

const STRING_FIELDS = ['id', 'nameJa', 'nameKana', 'birthDate', 'address', 'pin', 'certificate', 'privateKey', 'certificateSerial', 'subjectCommonName'] as const;

/** Reads residents.json of a test CA directory, with each resident's certificate (DER) and key. */
export async function loadVirtualResidents(testCaDir: string): Promise<VirtualResidentsFile> {
  const file = path.join(testCaDir, 'residents.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new VirtualCardError(`cannot read ${file} (run scripts/test-ca/make-test-ca.sh): ${String(error)}`);
  }
  const root = parsed as { residents?: unknown; rootCertificate?: unknown; crl?: unknown };
  if (!Array.isArray(root.residents) || typeof root.rootCertificate !== 'string' || typeof root.crl !== 'string') {
    throw new VirtualCardError(`${file} is not a test CA residents file`);
  }
  const residents: VirtualResident[] = [];
  for (const entry of root.residents as unknown[]) {
    const fields = entry as Record<string, unknown>;
    for (const key of STRING_FIELDS) {
      if (typeof fields[key] !== 'string') throw new VirtualCardError(`${file}: resident field ${key} missing`);
    }
    const text = (key: (typeof STRING_FIELDS)[number]): string => fields[key] as string;
    if (typeof fields.revoked !== 'boolean' || !/^\d{4}$/.test(text('pin'))) throw new VirtualCardError(`${file}: bad resident ${text('id')}`);
    const certificate = new X509Certificate(await readFile(path.join(testCaDir, text('certificate')))).raw;
    const privateKey = createPrivateKey(await readFile(path.join(testCaDir, text('privateKey'))));
    residents.push({
      id: text('id'),
      nameJa: text('nameJa'),
      nameKana: text('nameKana'),
      birthDate: text('birthDate'),
      address: text('address'),
      pin: text('pin'),
      certificate,
      privateKey,
      certificateSerial: text('certificateSerial'),
      subjectCommonName: text('subjectCommonName'),
      revoked: fields.revoked,
    });
  }
  return {
    residents,
    rootCertificate: new X509Certificate(await readFile(path.join(testCaDir, root.rootCertificate))).raw,
    crlPem: await readFile(path.join(testCaDir, root.crl)),
  };
}

/** A virtual My Number card holding `resident`'s user-authentication certificate, key and PIN. */
export function createResidentCard(resident: VirtualResident, options: Omit<VirtualJpkiCardOptions, 'certificate' | 'privateKey' | 'pin'> = {}): VirtualJpkiCard {
  return new VirtualJpkiCard({ ...options, certificate: resident.certificate, privateKey: resident.privateKey, pin: resident.pin });
}

/** A card without the JPKI application (a transit or shop card): the reader says "not a My Number card". */
export function createForeignCard(): VirtualJpkiCard {
  return new VirtualJpkiCard({ jpki: false });
}
