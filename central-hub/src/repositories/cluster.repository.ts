import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { redactedRedisUrl, type RedisConfig } from '../config';
import type { Logger } from '../logger';
import { PRESENCE_LEASE_TTL_MS, chunks } from '../services/presence.rules';

/** DI token: the hub's cluster side (Redis), or null when the hub runs as one process. */
export const HUB_CLUSTER = 'HubCluster';

type RedisClient = ReturnType<typeof createClient>;

/**
 * While Redis is unreachable the client queues commands until it reconnects; a presence command still
 * unsent after this long fails instead (an evaluation then fails and changes nothing, rather than
 * waiting, or judging a kiosk without knowing where it is connected).
 */
const PRESENCE_COMMAND_TIMEOUT_MS = 3_000;

/** How long the hub waits for Redis at start-up before it refuses to start. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Keys per Redis round trip when reading or renewing leases (a process may hold 10,000 kiosks). */
const BATCH = 500;

/**
 * Renews each lease this process still holds (same exact value): 1. Writes it again when it is gone
 * (expired while Redis was unreachable, or Redis restarted): 2. Leaves a lease another process holds
 * now alone: 0. KEYS are lease keys, ARGV[1] the TTL in ms, ARGV[i + 1] the value of KEYS[i].
 */
const RENEW_SCRIPT = `
local ttl = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current == ARGV[i + 1] then
    redis.call('PEXPIRE', key, ttl)
    out[i] = 1
  elseif not current then
    redis.call('SET', key, ARGV[i + 1], 'PX', ttl)
    out[i] = 2
  else
    out[i] = 0
  end
end
return out`;

/** Deletes a lease only while it is still the caller's (a newer connection elsewhere keeps its own). */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Resolves once the client is ready, closed, or after 5 s, whichever comes first. */
function settled(client: RedisClient): Promise<void> {
  if (client.isReady || !client.isOpen) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, 5_000);
    client.on('ready', done);
    client.on('end', done);
  });
}

/**
 * The hub's connection to Redis when it runs as several processes (issue 14): one client for commands
 * (leases, and the socket.io adapter's writes), the adapter's own blocking readers duplicated from it,
 * and this process's id. Presence is a lease per kiosk, `<prefix>presence:<kioskId>`, holding the
 * encoded lease (presence.rules.ts) with a TTL the holding process renews.
 */
export class HubCluster {
  readonly processId = randomUUID();
  private readonly log: Logger;
  /** Connections the socket.io adapter duplicated from `client` (its stream reader and subscriber). */
  private readonly duplicates: RedisClient[] = [];
  /** Graceful closes of those copies the adapter has ended. */
  private readonly closing: Promise<void>[] = [];
  private renewTimer: NodeJS.Timeout | undefined;
  /** The client, for presence commands: with PRESENCE_COMMAND_TIMEOUT_MS. */
  private readonly presence: RedisClient;
  private closed = false;

  private constructor(
    readonly client: RedisClient,
    readonly config: RedisConfig,
    root: Logger,
  ) {
    this.log = root.child({ module: 'cluster' });
    this.presence = client.withCommandOptions({ timeout: PRESENCE_COMMAND_TIMEOUT_MS }) as unknown as RedisClient;
  }

  /** Connects (the hub does not start without its Redis). */
  static async connect(config: RedisConfig, root: Logger): Promise<HubCluster> {
    const client: RedisClient = createClient({ url: config.url });
    const cluster = new HubCluster(client, config, root);
    client.on('error', (error: unknown) => cluster.onError(error));
    const duplicate = client.duplicate.bind(client);
    // The adapter duplicates the client for its blocking stream reads and its subscriptions; they are
    // kept here so that shutdown can end them (the adapter itself ends them only after a read returns).
    client.duplicate = ((...args: Parameters<RedisClient['duplicate']>) => {
      const copy = duplicate(...args) as RedisClient;
      cluster.duplicates.push(copy);
      // The adapter ends a copy with disconnect() (destroy: pending commands reject, and the adapter
      // does not catch its SUBSCRIBE's); a graceful close lets them answer first.
      copy.disconnect = () => {
        const closing = Promise.resolve()
          .then(() => copy.close())
          .catch(() => undefined);
        cluster.closing.push(closing);
        return closing;
      };
      return copy;
    }) as RedisClient['duplicate'];
    // The client retries a refused connection forever: the hub gives up starting after a while instead.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.connect(), deadline]);
    } catch (error) {
      client.destroy();
      throw new Error(`cannot reach Redis at ${redactedRedisUrl(config.url)}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    cluster.log.info({ url: redactedRedisUrl(config.url), processId: cluster.processId, keyPrefix: config.keyPrefix }, 'cluster ready');
    return cluster;
  }

  /** The socket.io adapter's stream and channel names (one per hub: every process of it shares them). */
  get socketIoPrefix(): string {
    return `${this.config.keyPrefix}socket.io`;
  }

  presenceKey(kioskId: string): string {
    return `${this.config.keyPrefix}presence:${kioskId}`;
  }

  /** Takes the kiosk's lease for this process's new connection (the newest connection wins). */
  async claim(kioskId: string, lease: string): Promise<void> {
    await this.presence.set(this.presenceKey(kioskId), lease, { PX: PRESENCE_LEASE_TTL_MS });
  }

  /** Gives the lease back if it is still `lease`. */
  async release(kioskId: string, lease: string): Promise<void> {
    if (this.closed) return;
    await this.presence.eval(RELEASE_SCRIPT, { keys: [this.presenceKey(kioskId)], arguments: [lease] });
  }

  /** The stored leases of these kiosks (absent: none). */
  async read(kioskIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const batch of chunks(kioskIds, BATCH)) {
      const values = await this.presence.mGet(batch.map((kioskId) => this.presenceKey(kioskId)));
      batch.forEach((kioskId, i) => {
        const value = values[i];
        if (typeof value === 'string') found.set(kioskId, value);
      });
    }
    return found;
  }

  /** Renews these leases; resolves with the script's answer per lease, in order. */
  async renew(leases: readonly (readonly [kioskId: string, lease: string])[]): Promise<unknown[]> {
    const codes: unknown[] = [];
    for (const batch of chunks(leases, BATCH)) {
      const answer = await this.presence.eval(RENEW_SCRIPT, {
        keys: batch.map(([kioskId]) => this.presenceKey(kioskId)),
        arguments: [String(PRESENCE_LEASE_TTL_MS), ...batch.map(([, lease]) => lease)],
      });
      codes.push(...(Array.isArray(answer) ? (answer as unknown[]) : []));
    }
    return codes;
  }

  /** Runs `task` every `intervalMs` (a Node timer: leases live in real time, whatever clock the hub is given). */
  keepRenewing(intervalMs: number, task: () => Promise<void>): void {
    if (this.closed || this.renewTimer) return;
    let running = false;
    this.renewTimer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((error: unknown) => this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'presence renewal failed; retried next interval'))
        .finally(() => (running = false));
    }, intervalMs);
    this.renewTimer.unref();
  }

  /**
   * Before the socket.io server closes: lets the adapter's connections finish connecting and
   * subscribing (its close ends them, and a command of theirs still pending would reject unhandled).
   */
  async quiesce(): Promise<void> {
    await Promise.all(this.duplicates.map((copy) => settled(copy)));
    if (this.client.isReady) await this.client.ping().catch(() => undefined);
  }

  /**
   * After the socket.io server has closed (its adapter stopped reading): stops renewing, ends the
   * adapter's connections and closes the client. Leases this process still holds run out by themselves.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.renewTimer);
    // A copy still connecting is let finish first: destroyed mid-connect, the adapter's own connect
    // promise (which nothing catches) would reject. Copies the adapter is closing are let close; the
    // stream reader, blocked in XREAD for up to its block time, is destroyed (the adapter catches that).
    await Promise.all(this.duplicates.map((copy) => settled(copy)));
    await Promise.all(this.closing);
    for (const copy of this.duplicates.splice(0)) if (copy.isOpen) copy.destroy();
    try {
      await this.client.close();
    } catch {
      this.client.destroy();
    }
  }

  private lastErrorLogAtMs = 0;

  /** The client reconnects by itself; errors are logged at most every 10 s. */
  private onError(error: unknown): void {
    const nowMs = Date.now();
    if (nowMs - this.lastErrorLogAtMs < 10_000) return;
    this.lastErrorLogAtMs = nowMs;
    this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'Redis connection error');
  }
}
