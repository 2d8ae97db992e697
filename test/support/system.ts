import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requestEnrolmentCode } from './enrolment';
import { HUB_TEST_ENGINE, HubRecords, createTestPostgresDatabase, type HubDatabaseLocation, type HubEngine } from './hub-records';
import { NodeProcess, freePort, repoRoot, startNode } from './processes';

/** How long a start-up may take before a spec gives up on a hub or an agent (readiness, not a target). */
const START_WAIT_MS = 60_000;

export interface OutboxStats {
  backlog: number;
  lastSeq: number;
}

export interface StoredEventCounts {
  rows: number;
  distinctIds: number;
  minSeq: number | null;
  maxSeq: number | null;
  ackedThroughSeq: number;
}

/**
 * One hub and one agent as real processes from the build, with their data in a fresh temporary
 * directory; the hub stores on the run's engine (HUB_TEST_ENGINE, issue 13): its SQLite file there, or a
 * PostgreSQL database of its own, created at the first start and kept across restarts. Everything it
 * starts, `close()` stops; then the directory (and the database) is removed. `engine` overrides the
 * run's engine for this system (a bench comparing both in one process).
 */
export class TestSystem {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'kiosk-system-'));
  readonly hubDataDir = path.join(this.dir, 'hub');
  readonly agentDataDir = path.join(this.dir, 'agent');
  hub: NodeProcess | undefined;
  agent: NodeProcess | undefined;
  hubPort = 0;
  agentUiUrl = '';
  /** Agent processes started so far, oldest first (a supervised agent adds one per restart). */
  readonly agentProcesses: NodeProcess[] = [];
  private closing = false;
  /** The console's demo administrator, read from the file of the hub that created it (kept across restarts). */
  demoAdmin: { username: string; password: string } | undefined;
  /** The hub's own tables, read (and, to simulate a loss, changed) behind its back. */
  readonly hubRecords = new HubRecords(() => this.hubDatabase());
  private postgres: { url: string; drop(): Promise<void> } | undefined;

  constructor(readonly engine: HubEngine = HUB_TEST_ENGINE) {}

  get hubUrl(): string {
    return `http://127.0.0.1:${this.hubPort}`;
  }

  /** `main`: another build of the hub (a bench comparing against an earlier commit). */
  async startHub(env: Record<string, string> = {}, main = 'central-hub/dist/main.js'): Promise<NodeProcess> {
    if (this.hubPort === 0) this.hubPort = await freePort();
    if (this.engine === 'postgres') this.postgres ??= await createTestPostgresDatabase();
    const hub = startNode('hub', main, {
      HUB_PORT: String(this.hubPort),
      HUB_DATA_DIR: this.hubDataDir,
      HUB_DEMO_ADMIN: '1',
      ...this.hubDatabaseEnv(),
      ...env,
    });
    this.hub = hub;
    // A whole hub start (Nest, migrations, the first lottery tick's round seeding) took 10-14 s on
    // PostgreSQL with the 2-core machine loaded: 20 s was too close. This waits for readiness; it
    // asserts no duration.
    await hub.waitForLog((entry) => entry.msg === 'hub listening', START_WAIT_MS);
    // The demo administrator's password is never logged: the hub keeps it in a 0600 file (issue 15).
    const created = hub.logs.find((entry) => entry.msg === 'demo administrator created');
    if (created) this.demoAdmin = JSON.parse(readFileSync(String(created.file), 'utf8')) as { username: string; password: string };
    return hub;
  }

  /**
   * `supervise`: like systemd's Restart= on a kiosk, start the agent again (same settings) whenever it
   * exits with the restart code (75) of a technician's `agent.restart` command.
   */
  async startAgent(env: Record<string, string> = {}, options: { waitReady?: boolean; supervise?: boolean } = {}): Promise<NodeProcess> {
    const enrolment: Record<string, string> = this.isEnrolled() ? {} : { AGENT_ENROLMENT_CODE: await this.createEnrolmentCode() };
    const agent = startNode('agent', 'edge-agent/dist/main.js', {
      HUB_URL: this.hubUrl,
      AGENT_DATA_DIR: this.agentDataDir,
      AGENT_UI_PORT: '0',
      AGENT_HEARTBEAT_MS: '1000',
      AGENT_RECONNECT_MIN_MS: '200',
      AGENT_RECONNECT_MAX_MS: '1000',
      ...enrolment,
      ...env,
    });
    this.agent = agent;
    this.agentProcesses.push(agent);
    if (options.supervise === true) {
      void agent.exited.then(({ code }) => {
        if (code === 75 && !this.closing) this.startAgent(env, { ...options, waitReady: false }).catch(() => undefined);
      });
    }
    if (options.waitReady === false) return agent;
    const ready = await agent.waitForLog((entry) => entry.msg === 'agent ui listening', START_WAIT_MS);
    this.agentUiUrl = String(ready.url);
    return agent;
  }

  /**
   * From now on the hub stores in this PostgreSQL database (its next start gets HUB_DATABASE_URL) and the
   * tests read its tables there; `close()` drops it. For a hub moved off its SQLite file (issue 13's
   * migration tool); a system that already has a PostgreSQL database refuses.
   */
  async usePostgres(database: { url: string; drop(): Promise<void> }): Promise<void> {
    if (this.postgres) throw new Error('the hub already stores in a PostgreSQL database');
    await this.hubRecords.close();
    this.postgres = database;
  }

  /** Where the hub keeps its tables on this run's engine (or the PostgreSQL database it was moved to). */
  hubDatabase(): HubDatabaseLocation {
    if (this.postgres) return { engine: 'postgres', url: this.postgres.url };
    if (this.engine === 'sqlite') return { engine: 'sqlite', file: this.hubSqliteFile };
    throw new Error('the hub has not been started: it has no PostgreSQL database yet');
  }

  /** The hub's embedded SQLite file (where it stores unless it is on PostgreSQL). */
  get hubSqliteFile(): string {
    return path.join(this.hubDataDir, 'hub.sqlite');
  }

  /** The environment that points a hub process (or one of the hub's tools) at that storage. */
  hubDatabaseEnv(): Record<string, string> {
    return this.postgres ? { HUB_DATABASE_URL: this.postgres.url } : {};
  }

  adminToken(): string {
    return readFileSync(path.join(this.hubDataDir, 'admin-token'), 'utf8').trim();
  }

  createEnrolmentCode(): Promise<string> {
    return requestEnrolmentCode(this.hubUrl, this.adminToken(), { name: 'テスト端末', municipality: '豊中市', site: '豊島体育館', kind: 'street-terminal' });
  }

  isEnrolled(): boolean {
    try {
      readFileSync(path.join(this.agentDataDir, 'identity.json'));
      return true;
    } catch {
      return false;
    }
  }

  identity(): { kioskId: string; privateKeyPem: string } {
    return JSON.parse(readFileSync(path.join(this.agentDataDir, 'identity.json'), 'utf8')) as {
      kioskId: string;
      privateKeyPem: string;
    };
  }

  /** The agent's operator tool, run as its own process against the agent's database file. */
  outboxTool(...args: string[]): unknown {
    const output = execFileSync(
      process.execPath,
      [path.join(repoRoot, 'edge-agent/dist/tools/outbox-tool.js'), ...args, '--data-dir', this.agentDataDir],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' } },
    );
    return JSON.parse(output.trim().split('\n').pop() ?? 'null') as unknown;
  }

  enqueueSynthetic(count: number): { firstSeq: number; lastSeq: number } {
    return this.outboxTool('enqueue-synthetic', '--count', String(count)) as { firstSeq: number; lastSeq: number };
  }

  outboxStats(): OutboxStats {
    return this.outboxTool('stats') as OutboxStats;
  }

  /** What the hub really stored for a kiosk, read from its own tables. */
  async storedEvents(kioskId: string): Promise<StoredEventCounts> {
    // Aliases in double quotes: PostgreSQL folds unquoted ones to lower case.
    const counts = await this.hubRecords.row<Omit<StoredEventCounts, 'ackedThroughSeq'>>(
      'SELECT count(*) AS "rows", count(DISTINCT event_id) AS "distinctIds", min(seq) AS "minSeq", max(seq) AS "maxSeq" FROM events WHERE kiosk_id = ?',
      kioskId,
    );
    if (!counts) throw new Error('an aggregate query returned no row');
    const ackedThroughSeq = await this.hubRecords.value<number>('SELECT acked_through_seq FROM kiosks WHERE kiosk_id = ?', kioskId);
    return { ...counts, ackedThroughSeq: ackedThroughSeq ?? 0 };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.agent?.stop(), this.hub?.stop()]);
    await this.hubRecords.close();
    await this.postgres?.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
