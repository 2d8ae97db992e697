import { LoginResponseSchema } from '@kiosk/protocols';
import { expiresInMs, isExpired, SESSION_KEY, SessionStore, type KeyValueStore, type Session } from './session';

/** sessionStorage's interface over a Map (the browser's storage is the one thing jest has not got). */
class MapStorage implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const now = Date.parse('2024-06-01T12:00:00Z');
const clock = { now: () => now };
const session: Session = LoginResponseSchema.parse({
  token: 'token-abc',
  expiresAt: '2024-06-01T20:00:00Z',
  user: { userId: '01a215c0-0000-7000-8000-000000000001', username: 'tech1', role: 'technician', municipality: '豊中市' },
});

describe('SessionStore', () => {
  it('keeps a session across a reload (save, then load in a new store)', () => {
    const storage = new MapStorage();
    new SessionStore(storage, clock).save(session);
    expect(new SessionStore(storage, clock).load()).toEqual(session);
  });

  it('never keeps anything but what the login answered', () => {
    const storage = new MapStorage();
    new SessionStore(storage, clock).save(session);
    expect(Object.keys(JSON.parse(storage.items.get(SESSION_KEY) ?? '{}') as object).sort()).toEqual(['expiresAt', 'token', 'user']);
  });

  it('throws away an expired session instead of trying it', () => {
    const storage = new MapStorage();
    const store = new SessionStore(storage, clock);
    store.save({ ...session, expiresAt: '2024-06-01T11:59:59Z' });
    expect(store.load()).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('throws away what does not parse (edited by hand, an older format)', () => {
    const storage = new MapStorage();
    const store = new SessionStore(storage, clock);
    for (const junk of ['{not json', JSON.stringify({ token: 'x' }), JSON.stringify({ ...session, user: { username: 'x' } })]) {
      storage.setItem(SESSION_KEY, junk);
      expect(store.load()).toBeNull();
      expect(storage.items.size).toBe(0);
    }
  });

  it('clears the session', () => {
    const storage = new MapStorage();
    const store = new SessionStore(storage, clock);
    store.save(session);
    store.clear();
    expect(store.load()).toBeNull();
  });

  it('works without storage (refused by the browser): nothing kept, nothing thrown', () => {
    const store = new SessionStore(null, clock);
    store.save(session);
    expect(store.load()).toBeNull();
  });

  it('survives a storage that throws', () => {
    const throwing: KeyValueStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = new SessionStore(throwing, clock);
    expect(() => store.save(session)).not.toThrow();
    expect(store.load()).toBeNull();
    expect(() => store.clear()).not.toThrow();
  });
});

describe('expiry', () => {
  it('counts down to expiresAt', () => {
    expect(expiresInMs(session, now)).toBe(8 * 3_600_000);
    expect(isExpired(session, now)).toBe(false);
    expect(isExpired(session, Date.parse(session.expiresAt))).toBe(true);
  });
});
