import path from 'node:path';
import { z } from 'zod';
import { MAX_EVENT_BATCH, toIssues, type ErrorIssue } from '@kiosk/protocols';
import { parseChaos, type ChaosMode } from './chaos';
import { LOG_LEVELS, type LogLevel } from './logger';

/** Everything the agent reads from its environment, parsed once at start (and on `config.refresh`). */
export interface AgentConfig {
  hubUrl: string;
  dataDir: string;
  databaseFile: string;
  identityFile: string;
  /** One-time enrolment code; used only when there is no identity yet. */
  enrolmentCode: string | null;
  uiPort: number;
  uiDir: string;
  heartbeatMs: number;
  batchSize: number;
  ackTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** How often the drain loop looks at the outbox for rows another process committed. */
  outboxPollMs: number;
  logLevel: LogLevel;
  /** `virtual`: register the agent's virtual devices (demo and tests); `none`: no devices yet. */
  devices: 'none' | 'virtual';
  chaos: ChaosMode | null;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly issues: ErrorIssue[]) {
    super(`invalid agent configuration: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const EnvSchema = z
  .object({
    HUB_URL: z
      .url({ protocol: /^https?$/ })
      .default('http://127.0.0.1:7400')
      .transform((url) => url.replace(/\/+$/, '')),
    AGENT_DATA_DIR: z.string().min(1).optional(),
    AGENT_ENROLMENT_CODE: z.string().min(1).optional(),
    AGENT_UI_PORT: int(7401, 0, 65535),
    AGENT_UI_DIR: z.string().min(1).optional(),
    AGENT_HEARTBEAT_MS: int(15_000, 100, 3_600_000),
    AGENT_BATCH_SIZE: int(500, 1, MAX_EVENT_BATCH),
    AGENT_ACK_TIMEOUT_MS: int(10_000, 100, 600_000),
    AGENT_RECONNECT_MIN_MS: int(500, 10, 600_000),
    AGENT_RECONNECT_MAX_MS: int(5_000, 10, 3_600_000),
    AGENT_DEVICES: z.enum(['none', 'virtual']).default('none'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    KIOSK_CHAOS: z.string().optional(),
  })
  .refine((env) => env.AGENT_RECONNECT_MIN_MS <= env.AGENT_RECONNECT_MAX_MS, {
    path: ['AGENT_RECONNECT_MAX_MS'],
    message: 'must be at least AGENT_RECONNECT_MIN_MS',
  });

/**
 * Pure: environment in, config out (or a ConfigError naming every bad variable). Empty variables count as
 * unset, so `FOO= node ...` means "default", as a shell user expects.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>, repoRoot: string): AgentConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(toIssues(parsed.error));
  const e = parsed.data;
  let chaos: ChaosMode | null;
  try {
    chaos = parseChaos(e.KIOSK_CHAOS);
  } catch (error) {
    throw new ConfigError([{ path: 'KIOSK_CHAOS', message: (error as Error).message }]);
  }
  const dataDir = path.resolve(e.AGENT_DATA_DIR ?? path.join(repoRoot, 'data', 'agent'));
  return {
    hubUrl: e.HUB_URL,
    dataDir,
    databaseFile: path.join(dataDir, 'agent.sqlite'),
    identityFile: path.join(dataDir, 'identity.json'),
    enrolmentCode: e.AGENT_ENROLMENT_CODE?.trim() ?? null,
    uiPort: e.AGENT_UI_PORT,
    uiDir: path.resolve(e.AGENT_UI_DIR ?? path.join(repoRoot, 'kiosk-ui', 'dist', 'kiosk')),
    heartbeatMs: e.AGENT_HEARTBEAT_MS,
    batchSize: e.AGENT_BATCH_SIZE,
    ackTimeoutMs: e.AGENT_ACK_TIMEOUT_MS,
    reconnectMinMs: e.AGENT_RECONNECT_MIN_MS,
    reconnectMaxMs: e.AGENT_RECONNECT_MAX_MS,
    outboxPollMs: 500,
    logLevel: e.LOG_LEVEL,
    devices: e.AGENT_DEVICES,
    chaos,
  };
}
