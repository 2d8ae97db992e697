import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { SqliteDatabase } from './database.repository';
import { settle } from './settle';

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

interface SessionRow {
  session_id: string;
  kiosk_id: string;
  resident_id: string;
  created_at: string;
  expires_at_ms: number;
}

@Injectable()
export class SqliteCardAuthRepository implements CardAuthRepository {
  private readonly insertChallenge: Statement<[string, string, number]>;
  private readonly deleteChallenge: Statement<[string, string], { expires_at_ms: number }>;
  private readonly insertSession: Statement<[string, string, string, string, number]>;
  private readonly selectSession: Statement<[string], SessionRow>;
  private readonly prune: (beforeMs: number) => void;
  private lastPrunedMs = 0;

  constructor(@Inject(SqliteDatabase) { db }: SqliteDatabase) {
    this.insertChallenge = db.prepare('INSERT INTO card_challenges (challenge, kiosk_id, expires_at_ms) VALUES (?, ?, ?)');
    this.deleteChallenge = db.prepare('DELETE FROM card_challenges WHERE challenge = ? AND kiosk_id = ? RETURNING expires_at_ms');
    this.insertSession = db.prepare('INSERT INTO card_sessions (session_id, kiosk_id, resident_id, created_at, expires_at_ms) VALUES (?, ?, ?, ?, ?)');
    this.selectSession = db.prepare('SELECT * FROM card_sessions WHERE session_id = ?');
    const pruneChallenges = db.prepare<[number]>('DELETE FROM card_challenges WHERE expires_at_ms < ?');
    const pruneSessions = db.prepare<[number]>('DELETE FROM card_sessions WHERE expires_at_ms < ?');
    this.prune = (beforeMs) => {
      pruneChallenges.run(beforeMs);
      pruneSessions.run(beforeMs);
    };
  }

  saveChallenge(kioskId: string, challengeHex: string, expiresAtMs: number, nowMs: number): Promise<void> {
    return settle(() => {
      this.maybePrune(nowMs);
      this.insertChallenge.run(challengeHex, kioskId, expiresAtMs);
    });
  }

  takeChallenge(kioskId: string, challengeHex: string): Promise<{ expiresAtMs: number } | undefined> {
    return settle(() => {
      const row = this.deleteChallenge.get(challengeHex, kioskId);
      return row ? { expiresAtMs: row.expires_at_ms } : undefined;
    });
  }

  createSession(s: CardSessionRecord): Promise<void> {
    return settle(() => {
      this.insertSession.run(s.sessionId, s.kioskId, s.residentId, s.createdAt, s.expiresAtMs);
    });
  }

  findSession(sessionId: string): Promise<CardSessionRecord | undefined> {
    return settle(() => {
      const row = this.selectSession.get(sessionId);
      return row ? { sessionId: row.session_id, kioskId: row.kiosk_id, residentId: row.resident_id, createdAt: row.created_at, expiresAtMs: row.expires_at_ms } : undefined;
    });
  }

  private maybePrune(nowMs: number): void {
    if (nowMs - this.lastPrunedMs < PRUNE_EVERY_MS) return;
    this.lastPrunedMs = nowMs;
    this.prune(nowMs - KEEP_EXPIRED_MS);
  }
}
