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
  /** Undefined: generated on first start and kept in `<dataDir>/admin-token`. */
  adminToken: string | undefined;
  consoleDir: string;
  handshakeWindowMs: number;
  logLevel: LogLevel;
  chaos: ChaosConfig;
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

const EnvSchema = z.object({
  HUB_HOST: optional(z.string().min(1)),
  HUB_PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HUB_DATA_DIR: optional(z.string().min(1)),
  HUB_ADMIN_TOKEN: optional(z.string().min(16, 'at least 16 characters')),
  HUB_CONSOLE_DIR: optional(z.string().min(1)),
  HUB_HANDSHAKE_WINDOW_MS: optional(z.coerce.number().int().min(1000).max(3_600_000)),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  KIOSK_CHAOS: optional(z.string()),
});

export const DEFAULT_PORT = 7400;
export const DEFAULT_HANDSHAKE_WINDOW_MS = 60_000;

export function parseConfig(env: Record<string, string | undefined>, options: { repoRoot: string }): HubConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid');
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.HUB_DATA_DIR ?? path.join(options.repoRoot, 'data', 'hub'));
  return {
    host: e.HUB_HOST ?? '127.0.0.1',
    port: e.HUB_PORT ?? DEFAULT_PORT,
    dataDir,
    adminToken: e.HUB_ADMIN_TOKEN,
    consoleDir: path.resolve(e.HUB_CONSOLE_DIR ?? path.join(options.repoRoot, 'kiosk-ui', 'dist', 'console')),
    handshakeWindowMs: e.HUB_HANDSHAKE_WINDOW_MS ?? DEFAULT_HANDSHAKE_WINDOW_MS,
    logLevel: e.LOG_LEVEL ?? 'info',
    chaos: parseChaos(e.KIOSK_CHAOS),
  };
}

/**
 * KIOSK_CHAOS is shared with the agent's own fault injection, so values meant for another process
 * (anything not starting with `hub-`) are ignored here; a malformed `hub-` value is an error, because a
 * chaos test that silently injects nothing would pass for the wrong reason.
 */
export function parseChaos(value: string | undefined): ChaosConfig {
  const chaos: ChaosConfig = { hubCrashAfterCommit: undefined };
  if (value === undefined || !value.startsWith('hub-')) return chaos;
  const match = /^hub-crash-after-commit:([1-9][0-9]{0,8})$/.exec(value);
  if (!match?.[1]) throw new ConfigError('KIOSK_CHAOS', `unknown hub fault "${value}" (known: hub-crash-after-commit:N)`);
  chaos.hubCrashAfterCommit = Number(match[1]);
  return chaos;
}

/** DI tokens: the parsed configuration, and the admin token resolved from it at start-up. */
export const HUB_CONFIG = 'HubConfig';
export const ADMIN_TOKEN = 'AdminToken';
