import path from 'node:path';
import { z } from 'zod';
import { MAX_EVENT_BATCH, MunicipalitySchema, toIssues, type ErrorIssue, type Municipality } from '@kiosk/protocols';
import { parseChaos, type ChaosMode } from './chaos';
import {
  DEFAULT_COIN_ACCEPTOR_ADDRESS,
  DEFAULT_HOPPERS,
  HardwareConfigError,
  parseHidIdentity,
  parseHoppers,
  parseSerialIdentity,
  type HardwareConfig,
} from './hardware/hardware-config';
import { LOG_LEVELS, type LogLevel } from './logger';

/** Everything the agent reads from its environment, parsed once at start (and on `config.refresh`). */
export interface AgentConfig {
  /**
   * The hub's address, or several (`HUB_URL=https://a,https://b`: hub processes of one site without a
   * load balancer, issue 14). The link tries them in this order, moving to the next after each failed
   * connect (sync/hub-endpoints.ts); enrolment too. Always at least one, no duplicates, no trailing slash.
   */
  hubUrls: string[];
  /**
   * The hub's address as a citizen types it elsewhere (`HUB_PUBLIC_URL`, default the first `HUB_URL`): the
   * kiosk's 抽選結果の検証 screen shows where the public draw record is. No trailing slash.
   */
  hubPublicUrl: string;
  /**
   * The participating municipality the kiosk serves (`KIOSK_MUNICIPALITY`, one of toyonaka-facts.json's
   * `participants`; default 豊中市, the demo's): a street terminal shows its facilities and rounds before
   * anyone signs in. It should be the municipality the kiosk was enrolled for at the hub.
   */
  municipality: Municipality;
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
  /**
   * `none`: no devices (tests, development). `virtual`: the agent starts virtual devices on the real OS
   * stacks and points its real drivers at them (demo), and serves the device panel. `real`: the real
   * drivers on the hardware `hardware` names.
   */
  devices: DeviceMode;
  /** Where real devices are found (`devices: 'real'`). */
  hardware: HardwareConfig;
  /** The built device panel (served at /panel/ in `virtual` mode only). */
  panelDir: string;
  /** How long a certificate issue whose answer was lost is retried (same transaction id) before the fee is refunded. */
  issueRetryMs: number;
  chaos: ChaosMode | null;
  /**
   * Updates (issue 19): the A/B install root the supervisor runs this agent in (AGENT_INSTALL_ROOT, set
   * by the supervisor; null: not updatable) and the release public key it trusts
   * (AGENT_RELEASE_PUBLIC_KEY_FILE; null: every update is refused).
   */
  updates: { installRoot: string | null; releasePublicKeyFile: string | null };
  /** Spoken guidance: rendered WAVs cached here (0700, files 0600); Japanese through Open JTalk when `jaVoice` is set. */
  speech: { cacheDir: string; jaVoice: string | null };
}

export type DeviceMode = 'none' | 'virtual' | 'real';
export type { HardwareConfig };

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly issues: ErrorIssue[]) {
    super(`invalid agent configuration: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const HubUrlSchema = z.url({ protocol: /^https?$/ });

/**
 * `HUB_URL`: one http(s) URL or a comma-separated list of them, in the order the link tries them. Each
 * loses its trailing slashes; an empty entry, a non-http(s) one or the same hub twice is refused (each
 * named), since a list with a typo would quietly leave the kiosk with one hub fewer than the site has.
 */
function parseHubUrls(value: string, context: z.RefinementCtx): string[] {
  const urls: string[] = [];
  value.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const where = value.includes(',') ? `entry ${index + 1}: ` : '';
    if (entry === '') {
      context.addIssue({ code: 'custom', message: `${where}empty` });
      return;
    }
    if (!HubUrlSchema.safeParse(entry).success) {
      context.addIssue({ code: 'custom', message: `${where}not an http(s) URL` });
      return;
    }
    const url = entry.replace(/\/+$/, '');
    if (urls.includes(url)) context.addIssue({ code: 'custom', message: `${where}${url} is listed twice` });
    else urls.push(url);
  });
  return urls;
}

const EnvSchema = z
  .object({
    HUB_URL: z
      .string()
      .default('http://127.0.0.1:7400')
      .transform((value, context) => parseHubUrls(value, context)),
    HUB_PUBLIC_URL: HubUrlSchema.transform((url) => url.replace(/\/+$/, '')).optional(),
    KIOSK_MUNICIPALITY: MunicipalitySchema.default('豊中市'),
    AGENT_DATA_DIR: z.string().min(1).optional(),
    AGENT_ENROLMENT_CODE: z.string().min(1).optional(),
    AGENT_UI_PORT: int(7401, 0, 65535),
    AGENT_UI_DIR: z.string().min(1).optional(),
    AGENT_HEARTBEAT_MS: int(15_000, 100, 3_600_000),
    AGENT_BATCH_SIZE: int(500, 1, MAX_EVENT_BATCH),
    AGENT_ACK_TIMEOUT_MS: int(10_000, 100, 600_000),
    AGENT_RECONNECT_MIN_MS: int(500, 10, 600_000),
    AGENT_RECONNECT_MAX_MS: int(5_000, 10, 3_600_000),
    AGENT_DEVICES: z.enum(['none', 'virtual', 'real']).default('none'),
    AGENT_PANEL_DIR: z.string().min(1).optional(),
    AGENT_CARD_READER_PATTERN: z.string().trim().min(1).max(200).optional(),
    AGENT_RECEIPT_PRINTER: z.string().trim().min(1).optional(),
    AGENT_CASH_BUS: z.string().trim().min(1).optional(),
    AGENT_COIN_ACCEPTOR_ADDRESS: int(DEFAULT_COIN_ACCEPTOR_ADDRESS, 1, 255),
    AGENT_HOPPERS: z.string().trim().min(1).optional(),
    AGENT_DOCUMENT_PRINTER_URI: z.url({ protocol: /^(ipp|http)$/ }).optional(),
    AGENT_BARCODE_SCANNER: z.string().trim().min(1).optional(),
    AGENT_PIN_PAD: z.string().trim().min(1).optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    AGENT_ISSUE_RETRY_MS: int(60_000, 0, 600_000),
    /** An Open JTalk voice file: Japanese guidance is spoken with it (espeak-ng speaks the other languages). */
    AGENT_SPEECH_JA_VOICE: z.string().trim().regex(/\.htsvoice$/, 'must name a .htsvoice file').optional(),
    AGENT_INSTALL_ROOT: z.string().min(1).optional(),
    AGENT_RELEASE_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    KIOSK_CHAOS: z.string().optional(),
    /** Test hooks (KIOSK_CHAOS) are refused unless `1`, and never with real devices (issue 15). */
    KIOSK_TEST_HOOKS: z.enum(['0', '1']).optional(),
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
  const refused = chaos === null ? null : chaosRefusal(e.AGENT_DEVICES, e.KIOSK_TEST_HOOKS === '1');
  if (refused !== null) throw new ConfigError([{ path: 'KIOSK_CHAOS', message: refused }]);
  const hardware = parseHardware(e);
  const dataDir = path.resolve(e.AGENT_DATA_DIR ?? path.join(repoRoot, 'data', 'agent'));
  return {
    hubUrls: e.HUB_URL,
    hubPublicUrl: e.HUB_PUBLIC_URL ?? e.HUB_URL[0] ?? 'http://127.0.0.1:7400',
    municipality: e.KIOSK_MUNICIPALITY,
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
    hardware,
    panelDir: path.resolve(e.AGENT_PANEL_DIR ?? path.join(repoRoot, 'kiosk-ui', 'dist', 'panel')),
    issueRetryMs: e.AGENT_ISSUE_RETRY_MS,
    chaos,
    updates: {
      installRoot: e.AGENT_INSTALL_ROOT ? path.resolve(e.AGENT_INSTALL_ROOT) : null,
      releasePublicKeyFile: e.AGENT_RELEASE_PUBLIC_KEY_FILE ? path.resolve(e.AGENT_RELEASE_PUBLIC_KEY_FILE) : null,
    },
    speech: { cacheDir: path.join(dataDir, 'speech'), jaVoice: e.AGENT_SPEECH_JA_VOICE ? path.resolve(e.AGENT_SPEECH_JA_VOICE) : null },
  };
}

/**
 * Fault injection can SIGKILL the agent right after a resident paid: it runs only under a test
 * (`KIOSK_TEST_HOOKS=1`) and never with real devices (`AGENT_DEVICES=virtual` or `none`). Null: allowed.
 */
export function chaosRefusal(devices: DeviceMode, testHooks: boolean): string | null {
  if (devices === 'real') return 'fault injection is refused with real devices (AGENT_DEVICES=real)';
  if (!testHooks) return 'fault injection is for tests only: refused unless KIOSK_TEST_HOOKS=1';
  return null;
}

/** The real devices' settings; every bad one is named (they are read in every mode, so a typo shows early). */
function parseHardware(e: z.infer<typeof EnvSchema>): HardwareConfig {
  const issues: ErrorIssue[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof HardwareConfigError)) throw error;
      issues.push(error.issue);
      return fallback;
    }
  };
  const serial = (variable: string, value: string | undefined) =>
    value === undefined ? null : attempt(() => parseSerialIdentity(variable, value), null);
  const hid = (variable: string, value: string | undefined) => (value === undefined ? null : attempt(() => parseHidIdentity(variable, value), null));
  const hoppers = e.AGENT_HOPPERS;
  const hardware: HardwareConfig = {
    cardReaderPattern: e.AGENT_CARD_READER_PATTERN ?? null,
    receiptPrinter: serial('AGENT_RECEIPT_PRINTER', e.AGENT_RECEIPT_PRINTER),
    cashBus: serial('AGENT_CASH_BUS', e.AGENT_CASH_BUS),
    coinAcceptorAddress: e.AGENT_COIN_ACCEPTOR_ADDRESS,
    hoppers: hoppers === undefined ? DEFAULT_HOPPERS : attempt(() => parseHoppers('AGENT_HOPPERS', hoppers), []),
    documentPrinterUri: e.AGENT_DOCUMENT_PRINTER_URI ?? null,
    barcodeScanner: hid('AGENT_BARCODE_SCANNER', e.AGENT_BARCODE_SCANNER),
    pinPad: hid('AGENT_PIN_PAD', e.AGENT_PIN_PAD),
  };
  if (hardware.cashBus && hardware.hoppers.some((hopper) => hopper.address === hardware.coinAcceptorAddress)) {
    issues.push({ path: 'AGENT_HOPPERS', message: 'a hopper shares the coin acceptor\'s ccTalk address' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return hardware;
}
