import { Inject, Injectable } from '@nestjs/common';
import type { HubStore } from '../storage/hub-store';
import { DATABASE } from './database.repository';

export interface CardSessionRecord {
  sessionId: string;
  kioskId: string;
  residentId: string;
  createdAt: string;
  expiresAtMs: number;
}

/** One-time card challenges and the card sessions opened by a verified signature. */
export interface CardAuthRepository {
  saveChallenge(kioskId: string, challengeHex: string, expiresAtMs: number, nowMs: number): Promise<void>;
  /**
   * Removes and returns the challenge if this kiosk was given it: a challenge is spent by the first
   * attempt, good or bad. Undefined when unknown (or already spent, or issued to another kiosk).
   */
  takeChallenge(kioskId: string, challengeHex: string): Promise<{ expiresAtMs: number } | undefined>;
  createSession(session: CardSessionRecord): Promise<void>;
  findSession(sessionId: string): Promise<CardSessionRecord | undefined>;
}
export const CARD_AUTH_REPOSITORY = 'CardAuthRepository';

/**
 * Expired rows are swept at most once a minute, by the writes that create new ones. They are kept an
 * hour past expiry so that a late answer is told "expired" rather than "unknown".
 */
const PRUNE_EVERY_MS = 60_000;
const KEEP_EXPIRED_MS = 60 * 60_000;

@Injectable()
export class KyselyCardAuthRepository implements CardAuthRepository {
  private lastPrunedMs = 0;

  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  async saveChallenge(kioskId: string, challengeHex: string, expiresAtMs: number, nowMs: number): Promise<void> {
    await this.maybePrune(nowMs);
    await this.store.db.insertInto('card_challenges').values({ challenge: challengeHex, kiosk_id: kioskId, expires_at_ms: expiresAtMs }).execute();
  }

  async takeChallenge(kioskId: string, challengeHex: string): Promise<{ expiresAtMs: number } | undefined> {
    // One statement deletes and returns: of two attempts with one challenge, only one gets it back.
    const row = await this.store.db
      .deleteFrom('card_challenges')
      .where('challenge', '=', challengeHex)
      .where('kiosk_id', '=', kioskId)
      .returning('expires_at_ms')
      .executeTakeFirst();
    return row ? { expiresAtMs: row.expires_at_ms } : undefined;
  }

  async createSession(s: CardSessionRecord): Promise<void> {
    await this.store.db
      .insertInto('card_sessions')
      .values({ session_id: s.sessionId, kiosk_id: s.kioskId, resident_id: s.residentId, created_at: s.createdAt, expires_at_ms: s.expiresAtMs })
      .execute();
  }

  async findSession(sessionId: string): Promise<CardSessionRecord | undefined> {
    const row = await this.store.db.selectFrom('card_sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
    return row ? { sessionId: row.session_id, kioskId: row.kiosk_id, residentId: row.resident_id, createdAt: row.created_at, expiresAtMs: row.expires_at_ms } : undefined;
  }

  private async maybePrune(nowMs: number): Promise<void> {
    if (nowMs - this.lastPrunedMs < PRUNE_EVERY_MS) return;
    this.lastPrunedMs = nowMs;
    const beforeMs = nowMs - KEEP_EXPIRED_MS;
    await this.store.db.deleteFrom('card_challenges').where('expires_at_ms', '<', beforeMs).execute();
    await this.store.db.deleteFrom('card_sessions').where('expires_at_ms', '<', beforeMs).execute();
  }
}
