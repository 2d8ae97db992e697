/**
 * What the certificate tests share: the real hub from its build (central-hub/dist) trusting a fresh TEST
 * CA, the agent (in process or as its own process, AGENT_DEVICES=virtual), and a driver that plays the
 * person through the kiosk UI's `/ui` socket and the hardware through the device panel's `/panel` socket.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  DEVICE_PANEL_NAMESPACE,
  UI_NAMESPACE,
  type AgentToPanelEvents,
  type AgentToUiEvents,
  type CertificateOrder,
  type CertificateScreen,
  type CertificateViewState,
  type CoinYen,
  type PanelToAgentEvents,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import { CLOCK_OFFSET_MS, shiftedClockEnv, testClock } from '../../test/support/certificate-clock';
import { requestEnrolmentCode } from '../../test/support/enrolment';
import { NodeProcess, waitUntil as waitUntilEvery, type LogEntry } from '../../test/support/processes';
import { startAgent, type AgentDeps, type RunningAgent } from '../src/agent';
import { parseConfig } from '../src/config';
import { EnvConfigRefresher } from '../src/config-refresher';
import { ensureTestCa } from '../src/hardware/test-ca';
import { repoRoot } from '../src/paths';
import { capturingLogger, silentLogger, tempDir, writeUiBuild } from './support/agent-harness';

export const DIST_HUB = path.join(repoRoot, 'central-hub', 'dist', 'main.js');
export const DIST_AGENT = path.join(repoRoot, 'edge-agent', 'dist', 'main.js');

export type LogLine = LogEntry;

/** A node process of ours (the hub or the agent from its build) with its JSON log lines kept, to wait for one. */
export class LoggedProcess extends NodeProcess {
  constructor(script: string, env: Record<string, string>) {
    super(path.basename(path.dirname(path.dirname(script))), spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get lines(): LogLine[] {
    return this.logs;
  }

  /** The first log line (past or future) whose message is `msg`. */
  waitFor(msg: string, timeoutMs = 60_000): Promise<LogLine> {
    return this.waitForLog((line) => line.msg === msg, timeoutMs);
  }
}

// The clock shift is shared with the browser tests (one implementation): test/support/certificate-clock.ts.
export { CLOCK_OFFSET_MS, shiftedClockEnv, testClock };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  return waitUntilEvery(what, check, timeoutMs, 25);
}

/** The real hub, trusting the test CA in `testCaDir`, with the synthetic residents seeded. */
export class TestHub {
  process: LoggedProcess | null = null;
  port = 0;

  constructor(
    readonly dataDir: string,
    readonly testCaDir: string,
    /** More of the hub's settings (e.g. HUB_RELEASE_PUBLIC_KEY_FILE for the update tests). */
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = new LoggedProcess(DIST_HUB, {
      HUB_PORT: String(this.port),
      HUB_DATA_DIR: this.dataDir,
      HUB_CARD_TRUST_ANCHORS: path.join(this.testCaDir, 'ca', 'root.cert.pem'),
      HUB_CARD_CRLS: path.join(this.testCaDir, 'crl', 'root.crl.pem'),
      HUB_SEED_RESIDENTS: '1',
      HUB_DEMO_ADMIN: '0',
      LOG_LEVEL: 'info',
      ...shiftedClockEnv(),
      ...this.env,
    });
    const listening = await this.process.waitFor('hub listening');
    this.port = Number(listening.port);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }

  /** The hub dies (power cut): no goodbye to the agent. */
  async kill(): Promise<void> {
    this.process?.kill('SIGKILL');
    await this.process?.exited;
  }

  enrolmentCode(): Promise<string> {
    const token = readFileSync(path.join(this.dataDir, 'admin-token'), 'utf8').trim();
    return requestEnrolmentCode(this.url, token, { name: '証明書端末', municipality: '豊中市', site: '豊中市役所', kind: 'certificate-kiosk' });
  }

  /** Reads (or, for the maintenance day, writes) the hub's own SQLite file, as an operator's tool would. */
  db<T>(work: (db: Database.Database) => T, options: { write?: boolean } = {}): T {
    const db = new Database(path.join(this.dataDir, 'hub.sqlite'), { readonly: !options.write, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return work(db);
    } finally {
      db.close();
    }
  }

  issuances(transactionId: string): Array<{ serial: string; copies: number; fee_yen: number; voided_at: string | null; verification_code: string }> {
    return this.db((db) => db.prepare('SELECT serial, copies, fee_yen, voided_at, verification_code FROM certificate_issuances WHERE transaction_id = ?').all(transactionId) as never);
  }

  ledger(transactionId: string): Array<{ kind: string; amount_yen: number; detail: string | null }> {
    return this.db((db) => db.prepare('SELECT kind, amount_yen, detail FROM certificate_ledger WHERE transaction_id = ? ORDER BY entry_id').all(transactionId) as never);
  }

  /** Outbox events the hub stored, as `type` + payload. */
  events(kioskId: string): Array<{ type: string; payload: Record<string, unknown> }> {
    return this.db((db) =>
      (db.prepare('SELECT type, payload_json FROM events WHERE kiosk_id = ? ORDER BY seq').all(kioskId) as Array<{ type: string; payload_json: string }>).map((row) => ({
        type: row.type,
        payload: JSON.parse(row.payload_json) as Record<string, unknown>,
      })),
    );
  }

  /** An operator closes today (JST) for maintenance. */
  closeToday(): void {
    const today = new Date(testClock.now().getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    this.db((db) => db.prepare("INSERT INTO certificate_maintenance_days (municipality, day, set_at) VALUES ('豊中市', ?, ?) ON CONFLICT DO NOTHING").run(today, new Date().toISOString()), { write: true });
  }

  reopenToday(): void {
    const today = new Date(testClock.now().getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    this.db((db) => db.prepare("DELETE FROM certificate_maintenance_days WHERE municipality = '豊中市' AND day = ?").run(today), { write: true });
  }
}

export interface VirtualResident {
  id: string;
  pin: string;
}

export function residents(testCaDir: string): VirtualResident[] {
  const file = JSON.parse(readFileSync(path.join(testCaDir, 'residents.json'), 'utf8')) as { residents: VirtualResident[] } | VirtualResident[];
  return Array.isArray(file) ? file : file.residents;
}

type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;
type PanelSocket = Socket<AgentToPanelEvents, PanelToAgentEvents>;

/**
 * The virtual A4 printer's output tray (its private CUPS-PDF output directory, in the agent's data dir):
 * the names of the PDFs lying there for a session (CUPS-PDF names them `<transaction id>…-job_<id>.pdf`).
 */
export function paperInTray(agentDir: string, sessionId: string): string[] {
  return readdirSync(trayDir(agentDir)).filter((name) => name.startsWith(sessionId));
}

export function trayDir(agentDir: string): string {
  return path.join(agentDir, 'devices', 'a4-tray');
}

/** A person at the kiosk screen and the hardware under their hands, over the agent's local sockets. */
export class KioskDriver {
  readonly states: CertificateViewState[] = [];
  readonly ui: UiSocket;
  readonly panel: PanelSocket;

  constructor(agentUrl: string) {
    const base = agentUrl.replace(/\/$/, '');
    this.ui = io(`${base}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    this.panel = io(`${base}${DEVICE_PANEL_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    this.ui.on('certificates.state', (state) => this.states.push(state));
    this.ui.onAny((event: string) => this.received.push(event));
  }

  /** Every event name the screen received, for a failing test's message. */
  readonly received: string[] = [];

  /** Set by `close`: a wait still running (the agent was killed under it) ends at its next look. */
  private closed = false;

  /**
   * Closes the sockets (the printed paper is in the agent's own tray, emptied when its bench stops); a
   * request in flight is rejected by socket.io and a wait of this driver ends, so nothing is left pending.
   */
  close(): void {
    this.closed = true;
    this.ui.close();
    this.panel.close();
  }

  /** `waitUntil`, ended (thrown) as soon as this driver is closed. */
  private until(what: string, check: () => boolean, timeoutMs?: number): Promise<void> {
    return waitUntil(
      what,
      () => {
        if (this.closed) throw new Error(`the kiosk driver was closed while waiting until ${what}`);
        return check();
      },
      timeoutMs,
    );
  }

  latest(): CertificateViewState | undefined {
    return this.states[this.states.length - 1];
  }

  screens(): CertificateScreen[] {
    return this.states.map((state) => state.screen).filter((screen, i, all) => i === 0 || all[i - 1] !== screen);
  }

  async waitScreen<S extends CertificateScreen>(screen: S, timeoutMs = 30_000): Promise<Extract<CertificateViewState, { screen: S }>> {
    try {
      await this.until(`screen ${screen}`, () => this.latest()?.screen === screen, timeoutMs);
    } catch {
      throw new Error(`no ${screen} screen; screens: ${JSON.stringify(this.states.slice(-5))}; events: ${this.received.slice(-10).join(',')}`);
    }
    return this.latest() as Extract<CertificateViewState, { screen: S }>;
  }

  async begin(): Promise<string> {
    await this.until('the ui socket connects', () => this.ui.connected);
    const begun = await this.ui.timeout(5000).emitWithAck('session.begin', { service: 'certificates', language: 'ja' });
    if (!begun.ok) throw new Error(`session.begin: ${begun.error.message}`);
    return begun.sessionId;
  }

  async end(reason: 'done' | 'cancelled' | 'idle-timeout' = 'done'): Promise<void> {
    await this.ui.timeout(5000).emitWithAck('session.end', { reason });
  }

  async command(name: 'certificates.start' | 'certificates.confirm' | 'certificates.back' | 'certificates.cancel' | 'certificates.finish'): Promise<void> {
    const ack = await this.ui.timeout(10_000).emitWithAck(name, {});
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
  }

  /** Types on the on-screen pad (one key per message; the screen never holds the PIN). */
  async typePin(pin: string, enter = true): Promise<void> {
    for (const digit of pin) {
      const ack = await this.ui.timeout(5000).emitWithAck('certificates.pinKey', { type: 'digit', digit: Number(digit) });
      if (!ack.ok) throw new Error(`pinKey: ${ack.error.message}`);
    }
    if (enter) await this.ui.timeout(5000).emitWithAck('certificates.pinKey', { type: 'enter' });
  }

  async quote(order: CertificateOrder) {
    return this.ui.timeout(30_000).emitWithAck('certificates.quote', { order });
  }

  private async panelCommand(name: 'panel.card.insert' | 'panel.card.remove' | 'panel.coin.insert' | 'panel.printer.set' | 'panel.hopper.set', payload: unknown): Promise<void> {
    await this.until('the panel socket connects', () => this.panel.connected);
    const ack = (await (this.panel.timeout(10_000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> }).emitWithAck(name, payload)) as { ok: boolean; error?: { message: string } };
    if (!ack.ok) throw new Error(`${name}: ${ack.error?.message ?? 'refused'}`);
  }

  insertCard(cardId: string): Promise<void> {
    return this.panelCommand('panel.card.insert', { cardId });
  }

  removeCard(): Promise<void> {
    return this.panelCommand('panel.card.remove', {});
  }

  insertCoin(coinYen: CoinYen): Promise<void> {
    return this.panelCommand('panel.coin.insert', { coinYen });
  }

  setHopperEmpty(empty: boolean): Promise<void> {
    return this.panelCommand('panel.hopper.set', { empty });
  }

  /** Puts exactly these coins in the hoppers (the panel's refill / nearly-empty setting). */
  setHopperCoins(coins: Array<{ coinYen: CoinYen; count: number }>): Promise<void> {
    return this.panelCommand('panel.hopper.set', { coins });
  }

  /** From the start screen to the PIN screen: session, preflight, card. */
  async toPin(cardId: string): Promise<string> {
    const sessionId = await this.begin();
    await this.command('certificates.start');
    await this.waitScreen('insert-card');
    await this.insertCard(cardId);
    await this.waitScreen('pin');
    return sessionId;
  }

  /** From the start screen to the menu: session, preflight, card, PIN. */
  async toMenu(cardId: string, pin: string): Promise<string> {
    const sessionId = await this.toPin(cardId);
    await this.typePin(pin);
    await this.waitScreen('choose');
    return sessionId;
  }

  /** From the start screen to paying: the menu, `order` quoted and confirmed, the card taken back. */
  async toPayment(cardId: string, pin: string, order: CertificateOrder): Promise<string> {
    const sessionId = await this.toMenu(cardId, pin);
    await this.quote(order);
    await this.waitScreen('confirm');
    await this.command('certificates.confirm');
    await this.waitScreen('remove-card');
    await this.removeCard();
    return sessionId;
  }
}

/** One seal registration certificate (印鑑登録証明書). */
export const INKAN_X1: CertificateOrder = { options: { type: 'inkan' }, copies: 1 };

export const RESIDENCE_X2: CertificateOrder = {
  options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true },
  copies: 2,
};

/** A certificate kiosk in the test's own process: a real hub from its build trusting a fresh TEST CA. */
export interface InProcessCertificateKiosk {
  tmp: ReturnType<typeof tempDir>;
  agentDir: string;
  testCaDir: string;
  hub: TestHub;
  agent: RunningAgent;
  kiosk: KioskDriver;
}

/**
 * Starts the hub and the agent (AGENT_DEVICES=virtual, shifted clock, log lines captured into `logLines`),
 * and waits until the agent is connected and every device is ok.
 */
export async function startInProcessCertificateKiosk(options: {
  name: string;
  logLines: string[];
  certificateOptions: NonNullable<AgentDeps['certificateOptions']>;
  socketFactory?: AgentDeps['socketFactory'];
}): Promise<InProcessCertificateKiosk> {
  const tmp = tempDir(options.name);
  const agentDir = path.join(tmp.dir, 'agent');
  const testCaDir = path.join(agentDir, 'test-ca');
  await ensureTestCa(repoRoot, testCaDir);
  const hub = new TestHub(path.join(tmp.dir, 'hub'), testCaDir);
  await hub.start();
  const uiDir = path.join(tmp.dir, 'ui');
  writeUiBuild(uiDir);
  const config = parseConfig(
    {
      HUB_URL: hub.url,
      AGENT_DATA_DIR: agentDir,
      AGENT_UI_DIR: uiDir,
      AGENT_UI_PORT: '0',
      AGENT_DEVICES: 'virtual',
      AGENT_ENROLMENT_CODE: await hub.enrolmentCode(),
      AGENT_HEARTBEAT_MS: '500',
      AGENT_ACK_TIMEOUT_MS: '5000',
      AGENT_RECONNECT_MIN_MS: '50',
      AGENT_RECONNECT_MAX_MS: '300',
      LOG_LEVEL: 'silent',
    },
    repoRoot,
  );
  const agent = await startAgent({
    config,
    logger: capturingLogger(options.logLines),
    configRefresher: new EnvConfigRefresher(config, () => config, silentLogger),
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    clock: testClock,
    certificateOptions: options.certificateOptions,
  });
  await waitUntil('the agent is connected to the hub', () => agent.state.connection().hubConnected, 30_000);
  await waitUntil('every device ok', () => agent.devices.health().every((device) => device.status === 'ok'), 30_000);
  return { tmp, agentDir, testCaDir, hub, agent, kiosk: new KioskDriver(agent.ui.url) };
}
