import { LoginResponseSchema, type LoginResponse } from '@kiosk/protocols';
import type { Clock } from '../shared/timers';

/**
 * The signed-in session, kept in the tab's sessionStorage: it survives a reload but not closing the tab,
 * and another tab signs in on its own. Only what the hub's login answered is kept (token, expiry, user);
 * never the password. What is read back is parsed with the protocol schema, and an expired session is
 * thrown away rather than tried.
 */

export type Session = LoginResponse;

/** The part of the Web Storage API used here (sessionStorage in the browser, a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const SESSION_KEY = 'kiosk-console.session';

export function expiresInMs(session: Session, nowMs: number): number {
  const at = Date.parse(session.expiresAt);
  return Number.isFinite(at) ? at - nowMs : 0;
}

export function isExpired(session: Session, nowMs: number): boolean {
  return expiresInMs(session, nowMs) <= 0;
}

export class SessionStore {
  constructor(
    /** Null when the browser refuses storage: the session then lasts as long as the page. */
    private readonly storage: KeyValueStore | null,
    private readonly clock: Clock,
  ) {}

  load(): Session | null {
    let raw: string | null;
    try {
      raw = this.storage?.getItem(SESSION_KEY) ?? null;
    } catch {
      return null;
    }
    if (raw === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.clear();
      return null;
    }
    const parsed = LoginResponseSchema.safeParse(json);
    if (!parsed.success || isExpired(parsed.data, this.clock.now())) {
      this.clear();
      return null;
    }
    return parsed.data;
  }

  save(session: Session): void {
    try {
      this.storage?.setItem(SESSION_KEY, JSON.stringify(session));
    } catch {
      // Storage full or refused: the session still works until the page is reloaded.
    }
  }

  clear(): void {
    try {
      this.storage?.removeItem(SESSION_KEY);
    } catch {
      // Nothing kept, nothing to clear.
    }
  }
}
