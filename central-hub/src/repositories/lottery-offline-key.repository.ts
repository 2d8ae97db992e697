import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { OfflineEntryKey } from '@kiosk/protocols';
import { keyIdOf, offlineEntryKeyOf } from '../domain/lottery/offline-seal';

/** The hub's key pair for offline lottery entries (domain/lottery/OFFLINE.md §1). */
export interface OfflineEntryKeyPair {
  keyId: string;
  privateKey: KeyObject;
  /** What terminals receive with `lottery.offlineKey`. */
  published: OfflineEntryKey;
}
/** Where the service gets the key pair; made or read once, when first needed. */
export interface OfflineEntryKeys {
  get(): Promise<OfflineEntryKeyPair>;
}
export const OFFLINE_ENTRY_KEY = 'OfflineEntryKeys';

export const OFFLINE_KEY_FILE = 'lottery-offline-key.pem';
export const OFFLINE_KEY_BITS = 3072;

export function offlineKeyPairOf(privateKey: KeyObject): OfflineEntryKeyPair {
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, published: offlineEntryKeyOf(publicKey) };
}

export async function generateOfflineKeyPair(modulusLength = OFFLINE_KEY_BITS): Promise<OfflineEntryKeyPair> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength, publicExponent: 0x10001 });
  return offlineKeyPairOf(privateKey);
}

/**
 * The hub's key file, read or made on first use (the first terminal's `lottery.offlineKey`, or the
 * first offline entry), not at start: an RSA key takes a second or more to make, and a hub whose
 * terminals never ask should not wait for one.
 */
export class FileOfflineEntryKeys implements OfflineEntryKeys {
  private pair: Promise<OfflineEntryKeyPair> | undefined;

  constructor(private readonly dataDir: string) {}

  get(): Promise<OfflineEntryKeyPair> {
    this.pair ??= loadOrCreateOfflineKey(this.dataDir).catch((error: unknown) => {
      this.pair = undefined;
      throw error;
    });
    return this.pair;
  }
}

/** A key pair held in memory (tests). */
export function fixedOfflineEntryKeys(pair: OfflineEntryKeyPair): OfflineEntryKeys {
  return { get: () => Promise.resolve(pair) };
}

/**
 * Reads `<dataDir>/lottery-offline-key.pem` (PKCS#8), or creates it (mode 0600) the first time.
 * `wx` makes a concurrent first start fail rather than overwrite a key terminals already sealed to.
 */
export async function loadOrCreateOfflineKey(dataDir: string): Promise<OfflineEntryKeyPair> {
  const file = path.join(dataDir, OFFLINE_KEY_FILE);
  if (existsSync(file)) return offlineKeyPairOf(createPrivateKey(readFileSync(file)));
  const pair = await generateOfflineKeyPair();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return pair;
}
