import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The hub's audit signing key in its data directory (unless HUB_AUDIT_KEY_FILE names another file). */
export const AUDIT_KEY_FILE = 'audit-key.pem';
/** Nest token of the loaded AuditSigningKey. */
export const AUDIT_SIGNING_KEY = 'AuditSigningKey';

export interface AuditSigningKey {
  file: string;
  privateKey: KeyObject;
  /** SPKI PEM: what an auditor keeps to check the checkpoints with (`verify-audit --public-key`). */
  publicKeyPem: string;
}

/** Where the key is: the configured file, or `<dataDir>/audit-key.pem`. */
export function auditKeyFile(dataDir: string, configured: string | null): string {
  return configured ?? path.join(dataDir, AUDIT_KEY_FILE);
}

/** `audit-key.pem` → `audit-key.pub.pem`: the public half, written beside the key for auditors. */
export function publicKeyFileOf(keyFile: string): string {
  return keyFile.replace(/(\.pem)?$/, '.pub.pem');
}

/**
 * Reads the Ed25519 key (PKCS#8 PEM) or, on the first start, makes it: 0600, created with `wx` so two
 * processes starting at once never overwrite a key that already signed checkpoints (the loser reads
 * the winner's). The public half goes beside it. The key is never in the database: whoever can rewrite
 * the trail there cannot sign for it.
 */
export function loadOrCreateAuditKey(file: string): AuditSigningKey {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  const publicKeyPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  const publicFile = publicKeyFileOf(file);
  if (!existsSync(publicFile) || readFileSync(publicFile, 'utf8') !== publicKeyPem) writeFileSync(publicFile, publicKeyPem, { mode: 0o644 });
  return { file, privateKey, publicKeyPem };
}
