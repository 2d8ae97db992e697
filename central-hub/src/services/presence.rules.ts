/**
 * Kiosk presence across several hub processes (issue 14). The process holding a kiosk's socket writes
 * a lease in the shared store (Redis: a key with a TTL it renews); every process reads leases to know
 * whether a kiosk is connected somewhere, so process A never judges process B's kiosks offline, and a
 * crashed process's kiosks stay connected until their leases run out (by then they have reconnected to
 * another process, which took the lease over). These are the decisions, without Redis or sockets.
 */

/** How long a lease lasts without renewal: a crashed process's kiosks count as connected this long. */
export const PRESENCE_LEASE_TTL_MS = 15_000;
/** How often the owning process renews its leases: two renewals may fail before a lease runs out. */
export const PRESENCE_RENEW_INTERVAL_MS = 5_000;

/** What a lease says: which process holds the kiosk, on which socket, since when. */
export interface Lease {
  /** The holding process's id (random per process start). */
  owner: string;
  socketId: string;
  /** When that connection was accepted (the holding process's clock). */
  connectedAt: string;
}

/** A kiosk's connection as the hub sees it. */
export interface KioskConnection {
  /**
   * `here`: on this process; `elsewhere`: on another process (its lease says so); `handed-off`: this
   * process closed its connection and the lease has not run out yet (the kiosk is reconnecting).
   */
  where: 'here' | 'elsewhere' | 'handed-off';
  connectedAt: string;
}

/** The lease as stored: its exact text is also what the holder compares before renewing or releasing. */
export function encodeLease(lease: Lease): string {
  return JSON.stringify({ o: lease.owner, s: lease.socketId, c: lease.connectedAt });
}

/** A stored lease, or undefined for a missing or unreadable one (an unreadable lease holds nothing). */
export function decodeLease(raw: string | null | undefined): Lease | undefined {
  if (typeof raw !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { o, s, c } = value as Record<string, unknown>;
  if (typeof o !== 'string' || o === '' || typeof s !== 'string' || typeof c !== 'string' || Number.isNaN(Date.parse(c))) return undefined;
  return { owner: o, socketId: s, connectedAt: c };
}

/**
 * Whether a kiosk is connected, from this process's own socket for it (if any) and its lease (if any).
 * - A socket here whose lease is ours, or missing (Redis lost it; the next renewal writes it again):
 *   connected here.
 * - A lease of another process: connected there, even when a socket here is still open (the kiosk has
 *   reconnected elsewhere since, and ours is a stale connection the renewal will close).
 * - A lease of ours with no socket here: this process closed the connection itself (a drain, a stop)
 *   and left the lease to run out, so that the kiosk counts as connected while it reconnects to another
 *   process (which then takes the lease over). A connection the kiosk lost gives its lease back.
 */
export function judgePresence(local: { connectedAt: string } | undefined, lease: Lease | undefined, self: string): KioskConnection | undefined {
  if (lease && lease.owner !== self) return { where: 'elsewhere', connectedAt: lease.connectedAt };
  if (local) return { where: 'here', connectedAt: local.connectedAt };
  if (lease) return { where: 'handed-off', connectedAt: lease.connectedAt };
  return undefined;
}

/**
 * Whether a socket that has just closed gives its kiosk's lease back: yes when the kiosk lost or closed
 * the connection (it is not connected anywhere now); no when this hub process closed it (socket.io's
 * reasons for a server-side disconnect or a server shutting down): the kiosk is reconnecting, to another
 * process if this one is stopping, and its lease runs out by itself within the TTL if it does not.
 */
export function releasesLease(reason: string): boolean {
  return reason !== 'server namespace disconnect' && reason !== 'server shutting down';
}

/** What one renewal found for a lease this process holds (the renewal script's answer per key). */
export type RenewalOutcome = 'renewed' | 'restored' | 'taken';

/** The renewal script's numeric answer: 1 renewed, 2 written again (it had expired or was lost), 0 held by another. */
export function renewalOutcome(code: unknown): RenewalOutcome {
  if (code === 1 || code === '1') return 'renewed';
  if (code === 2 || code === '2') return 'restored';
  return 'taken';
}

/**
 * After a renewal: the kiosks whose lease another process now holds (their socket here is stale and is
 * closed), and those whose lease had to be written again.
 */
export function planAfterRenewal(kioskIds: readonly string[], codes: readonly unknown[]): { taken: string[]; restored: string[] } {
  const taken: string[] = [];
  const restored: string[] = [];
  kioskIds.forEach((kioskId, i) => {
    const outcome = renewalOutcome(codes[i]);
    if (outcome === 'taken') taken.push(kioskId);
    else if (outcome === 'restored') restored.push(kioskId);
  });
  return { taken, restored };
}

/** Splits a list into chunks of at most `size` (one Redis round trip each). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A command sent to a kiosk's room: the receipt from the kiosk's socket(s), wherever it is connected. */
export function pickReceipt(responses: readonly unknown[]): { delivered: true; receipt: unknown } | { delivered: false } {
  if (responses.length === 0) return { delivered: false };
  // Two sockets answer only while a stale one has not been closed yet; an ok receipt wins (the agent dedups by command id).
  const ok = responses.find((response) => typeof response === 'object' && response !== null && (response as { ok?: unknown }).ok === true);
  return { delivered: true, receipt: ok ?? responses[0] };
}
