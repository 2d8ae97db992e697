import { readFileSync, statSync } from 'node:fs';
import { buildTrustAnchors, TrustConfigError, type TrustAnchor } from '../domain/certificates/card-verification';
import type { Logger } from '../logger';

/** The trust anchors for card certificates and the CRLs they signed, as configured. */
export interface TrustStore {
  anchors(): readonly TrustAnchor[];
}
export const TRUST_STORE = 'TrustStore';

export interface TrustFiles {
  /** PEM (one or more certificates) or DER files of the CA certificates trusted for card certificates. */
  anchorFiles: readonly string[];
  /** PEM or DER CRL files, each signed by one of the anchors. */
  crlFiles: readonly string[];
}

/** PEM blocks of certificates in a file, or the file itself when it is DER. */
export function certificateDers(content: Buffer): Buffer[] {
  const text = content.toString('latin1');
  if (!text.includes('-----BEGIN')) return [content];
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g)];
  return blocks.map((m) => Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
}

/**
 * Reads the files at start-up (a bad configuration stops the hub) and again whenever one of them
 * changes, so a new CRL is picked up without a restart. A replacement that does not load keeps the
 * previous set, which fails closed by itself once its CRLs pass their nextUpdate. No files at all is
 * a valid configuration (a hub not issuing certificates yet): no anchor, so every card is refused as
 * `untrusted-chain`.
 */
export class FileTrustStore implements TrustStore {
  private current: TrustAnchor[];
  private stamp: string;
  private readonly log: Logger;

  constructor(
    private readonly files: TrustFiles,
    root: Logger,
  ) {
    this.log = root.child({ module: 'trust-store' });
    this.stamp = this.readStamp();
    this.current = this.load();
    if (this.current.length === 0) this.log.warn('no card trust anchors configured: every card is refused (untrusted-chain)');
    else this.log.info({ anchors: this.current.length, crls: files.crlFiles.length }, 'card trust anchors loaded');
  }

  anchors(): readonly TrustAnchor[] {
    const stamp = this.readStamp();
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      try {
        this.current = this.load();
        this.log.info({ anchors: this.current.length, crls: this.files.crlFiles.length }, 'card trust anchors reloaded');
      } catch (error) {
        this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'card trust files changed but do not load; keeping the previous set');
      }
    }
    return this.current;
  }

  private load(): TrustAnchor[] {
    if (this.files.anchorFiles.length === 0 && this.files.crlFiles.length === 0) return [];
    const anchors = this.files.anchorFiles.flatMap((file) => certificateDers(readConfigFile(file)));
    const crls = this.files.crlFiles.map(readConfigFile);
    return buildTrustAnchors(anchors, crls);
  }

  private readStamp(): string {
    return [...this.files.anchorFiles, ...this.files.crlFiles]
      .map((file) => {
        try {
          const s = statSync(file);
          return `${s.mtimeMs}:${s.size}`;
        } catch {
          return 'missing';
        }
      })
      .join('|');
  }
}

function readConfigFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TrustConfigError('unreadable-file', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
