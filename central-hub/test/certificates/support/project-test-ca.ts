import { execFileSync } from 'node:child_process';
import { constants, createHash, createPrivateKey, privateEncrypt, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The project's TEST CA script (never J-LIS), as the demo and the virtual cards use it. */
export const TEST_CA_SCRIPT = path.resolve(__dirname, '../../../../scripts/test-ca/make-test-ca.sh');

const ResidentsFile = z.object({
  rootCertificate: z.string(),
  crl: z.string(),
  residents: z.array(z.object({ id: z.string(), certificate: z.string(), privateKey: z.string(), certificateSerial: z.string(), revoked: z.boolean() })),
});

export interface ProjectTestCa {
  rootFile: string;
  crlFile: string;
  residents: z.infer<typeof ResidentsFile>['residents'];
  /** What the resident's virtual card answers to a challenge: its certificate (DER) and signature. */
  cardAnswer(residentId: string, challenge: Buffer): { certificate: Buffer; signature: Buffer };
}

const DIGEST_INFO_SHA256 = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** What a JPKI card computes: RSA PKCS#1 v1.5 over the DigestInfo of SHA-256(challenge), raw. */
export function signAsCard(key: KeyObject, challenge: Buffer): Buffer {
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO_SHA256, createHash('sha256').update(challenge).digest()]));
}

/** Runs the script into `dir` (idempotent) and reads what it made (residents.json). */
export function makeProjectTestCa(dir: string): ProjectTestCa {
  execFileSync('bash', [TEST_CA_SCRIPT, dir], { stdio: 'ignore' });
  const file = ResidentsFile.parse(JSON.parse(readFileSync(path.join(dir, 'residents.json'), 'utf8')));
  return {
    rootFile: path.join(dir, file.rootCertificate),
    crlFile: path.join(dir, file.crl),
    residents: file.residents,
    cardAnswer(residentId, challenge) {
      const resident = file.residents.find((r) => r.id === residentId);
      if (!resident) throw new Error(`no resident ${residentId} in the test CA`);
      return {
        certificate: new X509Certificate(readFileSync(path.join(dir, resident.certificate))).raw,
        signature: signAsCard(createPrivateKey(readFileSync(path.join(dir, resident.privateKey))), challenge),
      };
    },
  };
}
