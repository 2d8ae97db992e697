import path from 'node:path';
import { z } from 'zod';

/**
 * The hub's whole configuration, read from the environment in one place. Parsing is pure: it never
 * touches the file system, so the defaults that depend on where the repository lives are computed from
 * `repoRoot`, which the caller (main.ts) supplies.
 */
export interface HubConfig {
  host: string;
  /** 0 = an ephemeral port chosen by the OS (tests). */
  port: number;
  dataDir: string;
  /** Where the hub's records live: the embedded SQLite file in `dataDir` (default), or PostgreSQL. */
  database: DatabaseConfig;
  /** Several hub processes (issue 14): socket.io across processes and kiosk presence in Redis. Null: one process. */
  redis: RedisConfig | null;
  /** Undefined: generated on first start and kept in `<dataDir>/admin-token`. */
  adminToken: string | undefined;
  consoleDir: string;
  handshakeWindowMs: number;
  logLevel: LogLevel;
  /**
   * The hub's URL as residents and browsers reach it (the certificate's QR code points to
   * `<publicUrl>/verify/<code>`). Undefined: the URL the hub listens on.
   */
  publicUrl: string | undefined;
  chaos: ChaosConfig;
  fleet: FleetConfig;
  auth: AuthConfig;
  audit: AuditConfig;
  limits: LimitsConfig;
  certificates: CertificateIssuanceConfig;
  lottery: LotteryConfig;
  releases: ReleasesConfig;
  drain: DrainConfig;
}

/**
 * SIGTERM/SIGINT (main.ts, issue 14): the whole stop is bounded by `deadlineMs` (then the process exits
 * anyway); the wait for the kiosks' messages in flight gets `inFlightMs` of it, closing the servers and
 * the database the rest. The default stays under the 10 s a systemd unit or a container runtime gives
 * before SIGKILL; raise both with the supervisor's stop timeout.
 */
export interface DrainConfig {
  deadlineMs: number;
  inFlightMs: number;
}

export const DEFAULT_DRAIN_CONFIG: DrainConfig = { deadlineMs: 9_500, inFlightMs: 7_000 };

/** Agent releases (issue 19, releases.module.ts). */
export interface ReleasesConfig {
  /**
   * The Ed25519 release public key (SPKI PEM, `generate-release-key`'s `.pub.pem`): only releases it
   * verifies are accepted. Null: no key configured, so every upload is refused.
   */
  publicKeyFile: string | null;
}

/** How long a query waits for a free pooled PostgreSQL connection by default (`HUB_DATABASE_CONNECT_TIMEOUT_MS`). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** `HUB_DATABASE_URL=postgres://…` selects PostgreSQL (issue 13); absent, `<dataDir>/hub.sqlite`. */
export type DatabaseConfig =
  | { engine: 'sqlite' }
  | {
      engine: 'postgres';
      url: string;
      poolSize: number;
      /** Group-commit lanes committing in parallel (issue 12): `HUB_DATABASE_COMMIT_LANES`, default 4, at most the pool less two. */
      commitLanes?: number;
      statementTimeoutMs: number;
      /** How long a query waits for a free pooled connection before it is answered `busy` (503); absent: the default. */
      connectTimeoutMs?: number;
      ssl: 'disable' | 'require' | 'verify-full';
      caFile: string | null;
    };

/**
 * `HUB_REDIS_URL=redis://…` (issue 14): the hub runs as one of several processes behind one address;
 * socket.io packets travel between them through a Redis stream, and which process holds which kiosk is
 * a lease in Redis. Absent: the single-process hub, everything in memory.
 */
export interface RedisConfig {
  url: string;
  /**
   * Prefix of every key, stream and channel the hub uses in Redis: the processes of one hub share it,
   * two hubs on one Redis must not. Not an environment variable: tests give each hub pair its own.
   */
  keyPrefix: string;
}
export const DEFAULT_REDIS_KEY_PREFIX = 'kiosk-hub:';

/** Fleet monitoring: status, alert thresholds, the sweep and telemetry retention. */
export interface FleetConfig {
  /** A connected kiosk with no heartbeat for this long is offline. */
  offlineAfterMs: number;
  /** How often the sweep re-derives every kiosk's status and alerts, expires commands and sessions. */
  sweepIntervalMs: number;
  /** At most one stored telemetry point per kiosk per interval (plus one on every device change). */
  telemetryPointIntervalMs: number;
  telemetryRetentionMs: number;
  /** Kiosks' closed status intervals older than this are deleted by the same job (issue 15). */
  statusHistoryRetentionMs: number;
  telemetryPruneIntervalMs: number;
  alerts: AlertThresholds;
}

export interface AlertThresholds {
  offlineAfterMs: number;
  outboxBacklogMax: number;
  outboxOldestAgeMs: number;
  clockDriftMs: number;
  /** A condition must stay clear this long before its alert resolves (flapping damper). */
  resolveHoldMs: number;
}

export interface AuthConfig {
  sessionTtlMs: number;
  /** Failed logins per account, and per client address, before it is locked for `lockMs`. */
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  lockMs: number;
  /** Create the demo administrator (`admin`, random password logged once) when there is no account. */
  demoAdmin: boolean;
}

/** Signed checkpoints of the audit trail's head (issue 15, audit-checkpoint.service.ts). */
export interface AuditConfig {
  /** The Ed25519 signing key (PKCS#8 PEM, made on the first start); null: `<dataDir>/audit-key.pem`. */
  keyFile: string | null;
  /** A checkpoint once this many rows were appended since the last one… */
  checkpointEvery: number;
  /** …and at least this often while rows were appended (and at a clean shutdown). */
  checkpointIntervalMs: number;
}

/**
 * What a client that has not proved who it is may cost the hub (gateways/socket-guard.ts,
 * controllers/public-limits.ts). Counted per client address; 0 turns a limit off (load benches).
 */
export interface LimitsConfig {
  /** Bytes a socket may send before it authenticates on a namespace; beyond them it is closed. */
  preAuthSocketBytes: number;
  /** Socket connections per address and window that have not authenticated (yet): more are refused. */
  preAuthConnectsPerAddress: number;
  preAuthConnectWindowMs: number;
  /** Public lookups (`/verify`, `/api/verify`; `/api/public/lottery/…` counted apart) per address per minute; more answer 429. */
  verifyPerMinute: number;
  /** Enrolment attempts that did not enrol, per address per hour; more answer 429. */
  failedEnrolmentsPerHour: number;
}

/** Certificate issuance (certificates.module.ts). */
export interface CertificateIssuanceConfig {
  /** The shared facts file (certificate types, kiosk fees, service hours); the hub does not start without it. */
  factsFile: string;
  /** CA certificates (PEM or DER) trusted for My Number card certificates. None: every card is refused (`untrusted-chain`). */
  trustAnchorFiles: string[];
  /** CRLs (PEM or DER), each signed by one of the anchors; a card is refused while no current CRL of its CA is loaded. */
  crlFiles: string[];
  /** Seed the synthetic residents linked to serials 1001–1004 of every trust anchor (tests, demo). */
  seedResidents: boolean;
  /** Demo only: judge service hours at this Japan time of day (`HH:MM`) instead of now (service-hours.ts). */
  demoServiceTime: string | null;
  /**
   * Print every certificate as a specimen (見本 watermark, "not an official document"): demo and test hubs,
   * so that no paper from them can pass for a real one. `HUB_CERTIFICATE_SPECIMEN`; default: on exactly
   * when the synthetic residents are seeded (`HUB_SEED_RESIDENTS`, as `npm start` and the tests do).
   * Optional only so that older literal configurations stay valid; absent means `seedResidents`.
   */
  specimen?: boolean;
}

/** The facility lottery (lottery.module.ts). */
export interface LotteryConfig {
  /**
   * Load Toyonaka's facilities and default lottery settings (idempotent). The lottery calendar then
   * creates each month's rounds and their ~10,000 slots per month, which takes a second or so on the
   * first start: off unless asked for (demo), so that a hub that does not run the lottery starts fast.
   */
  seedFacilities: boolean;
  /** Register the demo facility users (domain/lottery/demo-users.ts, fixed numbers and PINs). Demo only. */
  seedDemoUsers: boolean;
}

/**
 * Test-only fault injection (KIOSK_CHAOS). `hubCrashAfterCommit: N` makes the hub SIGKILL itself right
 * after the N-th `events` batch transaction commits and before its ack is sent, to prove that an
 * unacknowledged commit is absorbed as duplicates when the agent sends the batch again.
 */
export interface ChaosConfig {
  hubCrashAfterCommit: number | undefined;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
  }
}

/** Empty strings count as unset, so `HUB_PORT= node main.js` means the default, not port 0. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A duration in milliseconds, at least `min`, at most 30 days. */
const ms = (min: number) => z.coerce.number().int().min(min).max(30 * 24 * 3_600_000);

/** An on/off switch: `1`/`true` or `0`/`false`. */
const flag = () => optional(z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true'));

/** A comma-separated list of files (`a.pem,b.pem`); blanks between commas are ignored. */
const fileList = () =>
  optional(z.string().transform((value) => value.split(',').map((file) => file.trim()).filter((file) => file !== '')));

const EnvSchema = z.object({
  HUB_HOST: optional(z.string().min(1)),
  HUB_PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HUB_DATA_DIR: optional(z.string().min(1)),
  HUB_DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL (unset for the embedded SQLite file)')),
  HUB_DATABASE_POOL_SIZE: optional(z.coerce.number().int().min(1).max(500)),
  HUB_DATABASE_COMMIT_LANES: optional(z.coerce.number().int().min(1).max(64)),
  HUB_DATABASE_STATEMENT_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(3_600_000)),
  HUB_DATABASE_CONNECT_TIMEOUT_MS: optional(z.coerce.number().int().min(10).max(600_000)),
  HUB_DATABASE_SSL: optional(z.enum(['disable', 'require', 'verify-full'])),
  HUB_DATABASE_CA_FILE: optional(z.string().min(1)),
  HUB_REDIS_URL: optional(z.string().regex(/^rediss?:\/\/[^/?#]/, 'a redis:// or rediss:// URL (unset for a single hub process)')),
  HUB_ADMIN_TOKEN: optional(z.string().min(16, 'at least 16 characters')),
  HUB_CONSOLE_DIR: optional(z.string().min(1)),
  HUB_HANDSHAKE_WINDOW_MS: optional(z.coerce.number().int().min(1000).max(3_600_000)),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  KIOSK_CHAOS: optional(z.string()),
  HUB_OFFLINE_AFTER_MS: optional(ms(1000)),
  HUB_SWEEP_INTERVAL_MS: optional(ms(100)),
  HUB_TELEMETRY_POINT_INTERVAL_MS: optional(ms(0)),
  HUB_TELEMETRY_RETENTION_DAYS: optional(z.coerce.number().positive().max(3650)),
  HUB_TELEMETRY_PRUNE_INTERVAL_MS: optional(ms(1000)),
  HUB_STATUS_HISTORY_RETENTION_DAYS: optional(z.coerce.number().positive().max(3650)),
  HUB_AUDIT_KEY_FILE: optional(z.string().min(1)),
  HUB_AUDIT_CHECKPOINT_EVERY: optional(z.coerce.number().int().min(1).max(1_000_000)),
  HUB_AUDIT_CHECKPOINT_INTERVAL_MS: optional(ms(1000)),
  HUB_ALERT_OFFLINE_AFTER_MS: optional(ms(0)),
  HUB_ALERT_BACKLOG_MAX: optional(z.coerce.number().int().min(1)),
  HUB_ALERT_BACKLOG_AGE_MS: optional(ms(1000)),
  HUB_ALERT_CLOCK_DRIFT_MS: optional(ms(1000)),
  HUB_ALERT_RESOLVE_HOLD_MS: optional(ms(0)),
  HUB_SESSION_TTL_MS: optional(ms(60_000)),
  HUB_LOGIN_MAX_FAILURES: optional(z.coerce.number().int().min(1).max(1000)),
  HUB_LOGIN_MAX_FAILURES_PER_ADDRESS: optional(z.coerce.number().int().min(1).max(100_000)),
  HUB_LOGIN_LOCK_MS: optional(ms(1000)),
  HUB_DRAIN_DEADLINE_MS: optional(z.coerce.number().int().min(100).max(600_000)),
  HUB_DRAIN_IN_FLIGHT_MS: optional(z.coerce.number().int().min(0).max(600_000)),
  HUB_DEMO_ADMIN: flag(),
  /** Test hooks (KIOSK_CHAOS fault injection) are refused unless this is set: never in production. */
  KIOSK_TEST_HOOKS: flag(),
  HUB_PREAUTH_SOCKET_BYTES: optional(z.coerce.number().int().min(1024).max(1024 * 1024)),
  HUB_PREAUTH_CONNECTS_PER_ADDRESS: optional(z.coerce.number().int().min(0).max(1_000_000)),
  HUB_PREAUTH_CONNECT_WINDOW_MS: optional(ms(1000)),
  HUB_VERIFY_PER_MINUTE: optional(z.coerce.number().int().min(0).max(1_000_000)),
  HUB_FAILED_ENROLMENTS_PER_HOUR: optional(z.coerce.number().int().min(0).max(1_000_000)),
  HUB_PUBLIC_URL: optional(z.url({ protocol: /^https?$/, message: 'an http(s) URL' })),
  HUB_FACTS_FILE: optional(z.string().min(1)),
  HUB_CARD_TRUST_ANCHORS: fileList(),
  HUB_CARD_CRLS: fileList(),
  HUB_SEED_RESIDENTS: flag(),
  HUB_CERTIFICATE_SPECIMEN: flag(),
  HUB_SEED_FACILITIES: flag(),
  HUB_SEED_DEMO_USERS: flag(),
  HUB_RELEASE_PUBLIC_KEY_FILE: optional(z.string().min(1)),
  HUB_DEMO_SERVICE_TIME: optional(z.string().regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/, 'a Japan time of day, HH:MM')),
});

export const DEFAULT_PORT = 7400;
export const DEFAULT_HANDSHAKE_WINDOW_MS = 60_000;
const DAY_MS = 24 * 3_600_000;

export const DEFAULT_FLEET_CONFIG: FleetConfig = {
  offlineAfterMs: 60_000,
  sweepIntervalMs: 5_000,
  telemetryPointIntervalMs: 60_000,
  telemetryRetentionMs: 7 * DAY_MS,
  statusHistoryRetentionMs: 90 * DAY_MS,
  telemetryPruneIntervalMs: 3_600_000,
  alerts: {
    offlineAfterMs: 5 * 60_000,
    outboxBacklogMax: 500,
    outboxOldestAgeMs: 10 * 60_000,
    // Below the handshake window (60 s): beyond it the kiosk can no longer connect at all.
    clockDriftMs: 30_000,
    resolveHoldMs: 60_000,
  },
};

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  sessionTtlMs: 8 * 3_600_000,
  maxFailuresPerAccount: 5,
  maxFailuresPerAddress: 20,
  lockMs: 15 * 60_000,
  demoAdmin: false,
};

export const DEFAULT_AUDIT_CONFIG: AuditConfig = {
  keyFile: null,
  checkpointEvery: 100,
  checkpointIntervalMs: 5 * 60_000,
};

export const DEFAULT_LIMITS_CONFIG: LimitsConfig = {
  preAuthSocketBytes: 16 * 1024,
  preAuthConnectsPerAddress: 100,
  preAuthConnectWindowMs: 10_000,
  verifyPerMinute: 60,
  failedEnrolmentsPerHour: 20,
};

export function parseConfig(env: Record<string, string | undefined>, options: { repoRoot: string }): HubConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid');
  }
  const e = parsed.data;
  const trustAnchorFiles = (e.HUB_CARD_TRUST_ANCHORS ?? []).map((file) => path.resolve(file));
  const crlFiles = (e.HUB_CARD_CRLS ?? []).map((file) => path.resolve(file));
  if (crlFiles.length > 0 && trustAnchorFiles.length === 0) {
    throw new ConfigError('HUB_CARD_CRLS', 'set HUB_CARD_TRUST_ANCHORS too: a CRL counts only when signed by a trust anchor');
  }
  const drain: DrainConfig = {
    deadlineMs: e.HUB_DRAIN_DEADLINE_MS ?? DEFAULT_DRAIN_CONFIG.deadlineMs,
    inFlightMs: e.HUB_DRAIN_IN_FLIGHT_MS ?? DEFAULT_DRAIN_CONFIG.inFlightMs,
  };
  // Closing the servers and the database needs time after the kiosks' wait, inside the deadline.
  if (drain.inFlightMs >= drain.deadlineMs) {
    throw new ConfigError('HUB_DRAIN_IN_FLIGHT_MS', `must be less than HUB_DRAIN_DEADLINE_MS (${drain.deadlineMs})`);
  }
  const dataDir = path.resolve(e.HUB_DATA_DIR ?? path.join(options.repoRoot, 'data', 'hub'));
  return {
    host: e.HUB_HOST ?? '127.0.0.1',
    port: e.HUB_PORT ?? DEFAULT_PORT,
    dataDir,
    database:
      e.HUB_DATABASE_URL === undefined
        ? { engine: 'sqlite' }
        : {
            engine: 'postgres',
            url: e.HUB_DATABASE_URL,
            poolSize: e.HUB_DATABASE_POOL_SIZE ?? 10,
            // Other queries (reads, console, jobs) keep at least two connections besides the groups.
            commitLanes: Math.max(1, Math.min(e.HUB_DATABASE_COMMIT_LANES ?? 4, (e.HUB_DATABASE_POOL_SIZE ?? 10) - 2)),
            statementTimeoutMs: e.HUB_DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000,
            connectTimeoutMs: e.HUB_DATABASE_CONNECT_TIMEOUT_MS ?? DEFAULT_CONNECT_TIMEOUT_MS,
            // Loopback needs no TLS; any other host is expected to be reached over checked TLS.
            ssl: e.HUB_DATABASE_SSL ?? (isLoopbackUrl(e.HUB_DATABASE_URL) ? 'disable' : 'verify-full'),
            caFile: e.HUB_DATABASE_CA_FILE === undefined ? null : path.resolve(e.HUB_DATABASE_CA_FILE),
          },
    redis: e.HUB_REDIS_URL === undefined ? null : { url: e.HUB_REDIS_URL, keyPrefix: DEFAULT_REDIS_KEY_PREFIX },
    adminToken: e.HUB_ADMIN_TOKEN,
    consoleDir: path.resolve(e.HUB_CONSOLE_DIR ?? path.join(options.repoRoot, 'kiosk-ui', 'dist', 'console')),
    handshakeWindowMs: e.HUB_HANDSHAKE_WINDOW_MS ?? DEFAULT_HANDSHAKE_WINDOW_MS,
    logLevel: e.LOG_LEVEL ?? 'info',
    publicUrl: e.HUB_PUBLIC_URL,
    chaos: parseChaos(e.KIOSK_CHAOS, e.KIOSK_TEST_HOOKS ?? false),
    fleet: {
      offlineAfterMs: e.HUB_OFFLINE_AFTER_MS ?? DEFAULT_FLEET_CONFIG.offlineAfterMs,
      sweepIntervalMs: e.HUB_SWEEP_INTERVAL_MS ?? DEFAULT_FLEET_CONFIG.sweepIntervalMs,
      telemetryPointIntervalMs: e.HUB_TELEMETRY_POINT_INTERVAL_MS ?? DEFAULT_FLEET_CONFIG.telemetryPointIntervalMs,
      telemetryRetentionMs:
        e.HUB_TELEMETRY_RETENTION_DAYS === undefined ? DEFAULT_FLEET_CONFIG.telemetryRetentionMs : Math.round(e.HUB_TELEMETRY_RETENTION_DAYS * DAY_MS),
      statusHistoryRetentionMs:
        e.HUB_STATUS_HISTORY_RETENTION_DAYS === undefined
          ? DEFAULT_FLEET_CONFIG.statusHistoryRetentionMs
          : Math.round(e.HUB_STATUS_HISTORY_RETENTION_DAYS * DAY_MS),
      telemetryPruneIntervalMs: e.HUB_TELEMETRY_PRUNE_INTERVAL_MS ?? DEFAULT_FLEET_CONFIG.telemetryPruneIntervalMs,
      alerts: {
        offlineAfterMs: e.HUB_ALERT_OFFLINE_AFTER_MS ?? DEFAULT_FLEET_CONFIG.alerts.offlineAfterMs,
        outboxBacklogMax: e.HUB_ALERT_BACKLOG_MAX ?? DEFAULT_FLEET_CONFIG.alerts.outboxBacklogMax,
        outboxOldestAgeMs: e.HUB_ALERT_BACKLOG_AGE_MS ?? DEFAULT_FLEET_CONFIG.alerts.outboxOldestAgeMs,
        clockDriftMs: e.HUB_ALERT_CLOCK_DRIFT_MS ?? DEFAULT_FLEET_CONFIG.alerts.clockDriftMs,
        resolveHoldMs: e.HUB_ALERT_RESOLVE_HOLD_MS ?? DEFAULT_FLEET_CONFIG.alerts.resolveHoldMs,
      },
    },
    auth: {
      sessionTtlMs: e.HUB_SESSION_TTL_MS ?? DEFAULT_AUTH_CONFIG.sessionTtlMs,
      maxFailuresPerAccount: e.HUB_LOGIN_MAX_FAILURES ?? DEFAULT_AUTH_CONFIG.maxFailuresPerAccount,
      maxFailuresPerAddress: e.HUB_LOGIN_MAX_FAILURES_PER_ADDRESS ?? DEFAULT_AUTH_CONFIG.maxFailuresPerAddress,
      lockMs: e.HUB_LOGIN_LOCK_MS ?? DEFAULT_AUTH_CONFIG.lockMs,
      demoAdmin: e.HUB_DEMO_ADMIN ?? DEFAULT_AUTH_CONFIG.demoAdmin,
    },
    audit: {
      keyFile: e.HUB_AUDIT_KEY_FILE === undefined ? null : path.resolve(e.HUB_AUDIT_KEY_FILE),
      checkpointEvery: e.HUB_AUDIT_CHECKPOINT_EVERY ?? DEFAULT_AUDIT_CONFIG.checkpointEvery,
      checkpointIntervalMs: e.HUB_AUDIT_CHECKPOINT_INTERVAL_MS ?? DEFAULT_AUDIT_CONFIG.checkpointIntervalMs,
    },
    limits: {
      preAuthSocketBytes: e.HUB_PREAUTH_SOCKET_BYTES ?? DEFAULT_LIMITS_CONFIG.preAuthSocketBytes,
      preAuthConnectsPerAddress: e.HUB_PREAUTH_CONNECTS_PER_ADDRESS ?? DEFAULT_LIMITS_CONFIG.preAuthConnectsPerAddress,
      preAuthConnectWindowMs: e.HUB_PREAUTH_CONNECT_WINDOW_MS ?? DEFAULT_LIMITS_CONFIG.preAuthConnectWindowMs,
      verifyPerMinute: e.HUB_VERIFY_PER_MINUTE ?? DEFAULT_LIMITS_CONFIG.verifyPerMinute,
      failedEnrolmentsPerHour: e.HUB_FAILED_ENROLMENTS_PER_HOUR ?? DEFAULT_LIMITS_CONFIG.failedEnrolmentsPerHour,
    },
    certificates: {
      factsFile: path.resolve(e.HUB_FACTS_FILE ?? bundledFactsFile(options.repoRoot)),
      trustAnchorFiles,
      crlFiles,
      seedResidents: e.HUB_SEED_RESIDENTS ?? false,
      demoServiceTime: e.HUB_DEMO_SERVICE_TIME ?? null,
      specimen: e.HUB_CERTIFICATE_SPECIMEN ?? e.HUB_SEED_RESIDENTS ?? false,
    },
    lottery: {
      seedFacilities: e.HUB_SEED_FACILITIES ?? false,
      seedDemoUsers: e.HUB_SEED_DEMO_USERS ?? false,
    },
    releases: { publicKeyFile: e.HUB_RELEASE_PUBLIC_KEY_FILE === undefined ? null : path.resolve(e.HUB_RELEASE_PUBLIC_KEY_FILE) },
    drain,
  };
}

/** The Redis URL as it may be logged: without its password (or user name). */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = 'redacted';
    else if (parsed.username !== '') parsed.username = 'redacted';
    return parsed.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.') || host === '';
}

/**
 * The facts the hub ships with (Toyonaka's certificate types, fees and service hours), inside the
 * repository so that a clone runs on its own; HUB_FACTS_FILE points at another municipality's file.
 */
export function bundledFactsFile(repoRoot: string): string {
  return path.join(repoRoot, 'central-hub', 'facts', 'toyonaka-facts.json');
}

/**
 * KIOSK_CHAOS is shared with the agent's own fault injection, so values meant for another process
 * (anything not starting with `hub-`) are ignored here; a malformed `hub-` value is an error, because a
 * chaos test that silently injects nothing would pass for the wrong reason.
 */
/**
 * `KIOSK_CHAOS=hub-…` (test-only fault injection) is refused with a start-up error unless
 * `KIOSK_TEST_HOOKS=1` says the hub runs under a test (issue 15): a stray variable in production must not
 * let anyone SIGKILL the hub between a commit and its ack.
 */
export function parseChaos(value: string | undefined, testHooks = false): ChaosConfig {
  const chaos: ChaosConfig = { hubCrashAfterCommit: undefined };
  if (value === undefined || !value.startsWith('hub-')) return chaos;
  if (!testHooks) throw new ConfigError('KIOSK_CHAOS', 'fault injection is for tests only: refused unless KIOSK_TEST_HOOKS=1');
  const match = /^hub-crash-after-commit:([1-9][0-9]{0,8})$/.exec(value);
  if (!match?.[1]) throw new ConfigError('KIOSK_CHAOS', `unknown hub fault "${value}" (known: hub-crash-after-commit:N)`);
  chaos.hubCrashAfterCommit = Number(match[1]);
  return chaos;
}

/** DI tokens: the parsed configuration, and the admin token resolved from it at start-up. */
export const HUB_CONFIG = 'HubConfig';
export const ADMIN_TOKEN = 'AdminToken';
