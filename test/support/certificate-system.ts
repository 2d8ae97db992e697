import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  DEVICE_PANEL_NAMESPACE,
  DevicePanelStateSchema,
  type AgentToPanelEvents,
  type DevicePanelState,
  type PanelCommandName,
  type PanelCommandPayload,
  type PanelToAgentEvents,
} from '@kiosk/protocols';
import { shiftedClockEnv } from './certificate-clock';
import { requestEnrolmentCode } from './enrolment';
import { repoRoot, waitUntil, type NodeProcess } from './processes';
import { TestSystem } from './system';

/** A synthetic resident of the project's TEST CA (`residents.json`): invented people, test PINs. */
export interface TestResident {
  id: string;
  nameJa: string;
  nameKana: string;
  address: string;
  pin: string;
  certificateSerial: string;
  revoked: boolean;
}

/**
 * The certificate kiosk as `npm start` runs it, in a temporary directory: the TEST CA made into the
 * agent's data directory first (the agent's virtual cards are issued by it and the hub trusts it), a hub
 * with the synthetic residents, a `certificate-kiosk` enrolment, and the agent with `AGENT_DEVICES=virtual`
 * (sandboxed pcscd + vpcd card, ccTalk and ESC/POS simulators on socat ptys, private cupsd with CUPS-PDF).
 *
 * The hub uses the real facts file (service 06:30–23:00 JST, closed Dec 29 – Jan 3); the hub's and the
 * agent's clocks are shifted into service hours when the test runs outside them (certificate-clock.ts,
 * the same shift as the agent's certificate tests). The browser keeps the real clock: what the screens
 * show must not depend on the hub's time.
 */
export class CertificateTestSystem extends TestSystem {
  readonly testCaDir = path.join(this.agentDataDir, 'test-ca');
  /** The virtual peripherals' directory (pty links, the private cupsd's config, spool and job history). */
  peripheralsDir = '';
  /** The virtual A4 printer's output tray in the agent's data dir: the printed certificates (PDFs) until taken or wiped. */
  readonly trayDir = path.join(this.agentDataDir, 'devices', 'a4-tray');

  async startCertificateKiosk(agentEnv: Record<string, string> = {}): Promise<void> {
    mkdirSync(this.agentDataDir, { recursive: true, mode: 0o700 });
    execFileSync('bash', [path.join(repoRoot, 'scripts/test-ca/make-test-ca.sh'), this.testCaDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    await this.startHub({
      ...shiftedClockEnv(),
      HUB_CARD_TRUST_ANCHORS: path.join(this.testCaDir, 'ca', 'root.cert.pem'),
      HUB_CARD_CRLS: path.join(this.testCaDir, 'crl', 'root.crl.pem'),
      HUB_SEED_RESIDENTS: '1',
    });
    // Debug level: the privacy check reads every line the agent writes.
    const agent = await this.startAgent({ AGENT_DEVICES: 'virtual', LOG_LEVEL: 'debug', ...shiftedClockEnv(), ...agentEnv });
    const started = await agent.waitForLog((entry) => entry.msg === 'virtual devices started', 60_000);
    this.peripheralsDir = String(started.peripheralsDir);
    await agent.waitForLog((entry) => entry.msg === 'hub connected', 30_000);
  }

  override createEnrolmentCode(): Promise<string> {
    return requestEnrolmentCode(this.hubUrl, this.adminToken(), { name: 'テスト証明書端末', municipality: '豊中市', site: '豊中市役所', kind: 'certificate-kiosk' });
  }

  resident(id: string): TestResident {
    const all = JSON.parse(readFileSync(path.join(this.testCaDir, 'residents.json'), 'utf8')) as { residents?: TestResident[] } | TestResident[];
    const list = Array.isArray(all) ? all : (all.residents ?? []);
    const found = list.find((resident) => resident.id === id);
    if (!found) throw new Error(`no test resident ${id} in residents.json`);
    return found;
  }

  /** Every file the agent keeps its SQLite database in (the database, its WAL and shared memory). */
  agentDatabaseFiles(): string[] {
    return readdirSync(this.agentDataDir)
      .filter((name) => /\.sqlite(-wal|-shm|-journal)?$/.test(name))
      .map((name) => path.join(this.agentDataDir, name));
  }

  /** Every regular file under the private cupsd's directory (spool documents, job control files, logs, state). */
  cupsFiles(): string[] {
    return listFiles(this.peripheralsDir).filter((file) => !/\.(sock|pty)$/.test(file));
  }
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = path.join(dir, name);
    let stats;
    try {
      stats = statSync(file);
    } catch {
      return [];
    }
    if (stats.isDirectory()) return listFiles(file);
    return stats.isFile() ? [file] : [];
  });
}

type PanelSocket = Socket<AgentToPanelEvents, PanelToAgentEvents>;

/**
 * The demo's device panel, driven from a test over its socket.io namespace: the same commands the
 * panel page sends when a person clicks it. Every command must be acked `{ ok: true }`.
 */
export class DevicePanelClient {
  readonly states: DevicePanelState[] = [];
  private constructor(private readonly socket: PanelSocket) {}

  static async connect(agentUiUrl: string): Promise<DevicePanelClient> {
    const socket: PanelSocket = io(`${agentUiUrl.replace(/\/$/, '')}${DEVICE_PANEL_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = new DevicePanelClient(socket);
    socket.on('panel.state', (raw) => client.states.push(DevicePanelStateSchema.parse(raw)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    client.states.push(DevicePanelStateSchema.parse(await socket.timeout(10_000).emitWithAck('panel.state.get')));
    return client;
  }

  get state(): DevicePanelState {
    const last = this.states[this.states.length - 1];
    if (!last) throw new Error('no panel state yet');
    return last;
  }

  async send<C extends PanelCommandName>(command: C, payload: PanelCommandPayload<C>): Promise<void> {
    // The typed overloads do not take a generic event name; the payload type is checked by the signature.
    const timed = this.socket.timeout(15_000) as unknown as { emitWithAck(event: string, request: unknown): Promise<unknown> };
    const ack = (await timed.emitWithAck(command, payload)) as { ok: boolean; error?: { code: string; message: string } };
    if (!ack.ok) throw new Error(`${command}: ${ack.error?.code ?? '?'}: ${ack.error?.message ?? ''}`);
  }

  async waitForState(what: string, check: (state: DevicePanelState) => boolean, timeoutMs = 60_000): Promise<DevicePanelState> {
    await waitUntil(what, () => this.states.length > 0 && check(this.state), timeoutMs);
    return this.state;
  }

  close(): void {
    this.socket.close();
  }
}

export type { NodeProcess };
