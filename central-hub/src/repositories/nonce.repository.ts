import { Inject, Injectable } from '@nestjs/common';
import type { HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';

export interface NonceRepository {
  /**
   * Records a handshake nonce for a kiosk. Resolves false when that kiosk already used it (a replay).
   * Nonces are kept until `expiresAtMs`, after which the timestamp window alone refuses the handshake,
   * and are pruned then.
   */
  claim(kioskId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}
export const NONCE_REPOSITORY = 'NonceRepository';

/** Pruning on every claim would be a DELETE per connection; once a minute is plenty. */
const PRUNE_EVERY_MS = 60_000;

@Injectable()
export class KyselyNonceRepository implements NonceRepository {
  private lastPrunedMs = 0;

  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  /** Grouped with the other handshakes (and batches) of this turn: one commit for a reconnect storm's burst. */
  claim(kioskId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const prune = nowMs - this.lastPrunedMs >= PRUNE_EVERY_MS;
    // Decided here, not in the grouped work: that work does storage work only.
    if (prune) this.lastPrunedMs = nowMs;
    return this.store.grouped((tx) => this.claimIn(tx, kioskId, nonce, expiresAtMs, prune ? nowMs : null), 'full', kioskId);
  }

  private async claimIn(tx: Tx, kioskId: string, nonce: string, expiresAtMs: number, pruneBeforeMs: number | null): Promise<boolean> {
    if (pruneBeforeMs !== null) await tx.deleteFrom('auth_nonces').where('expires_at_ms', '<', pruneBeforeMs).execute();
    // A nonce the kiosk already used (committed by any hub process) is skipped, never an error.
    const claimed = await tx
      .insertInto('auth_nonces')
      .values({ kiosk_id: kioskId, nonce, expires_at_ms: expiresAtMs })
      .onConflict((c) => c.doNothing())
      .returning('nonce')
      .executeTakeFirst();
    return claimed !== undefined;
  }
}
