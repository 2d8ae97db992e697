/**
 * The agent as its own process (its build, AGENT_DEVICES=virtual), for the tests that SIGKILL it: started
 * on a data directory, waited for until its screen server listens and its hub link is up, and the bench
 * processes (socat, cupsd, pcscd sandbox) a killed agent leaves behind ended by pid.
 */
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureTestCa } from '../../src/hardware/test-ca';
import { repoRoot } from '../../src/paths';
import { tempDir, writeUiBuild } from './agent-harness';
import { processes } from './processes';
import { DIST_AGENT, LoggedProcess, TestHub, residents, shiftedClockEnv } from '../certificate-support';

export interface StartedAgent {
  agent: LoggedProcess;
  /** The agent's local server (screen and device panel sockets). */
  url: string;
}

export interface AgentProcessOptions {
  hubUrl: string;
  uiDir: string;
  dataDir: string;
  /** Adds to or overrides the settings below. */
  env?: Record<string, string>;
}

/** Spawns the agent on `dataDir` against the hub at `hubUrl` (not waited for: it may be meant to die early). */
export function launchAgentProcess(options: AgentProcessOptions): LoggedProcess {
  return new LoggedProcess(DIST_AGENT, {
    HUB_URL: options.hubUrl,
    AGENT_DATA_DIR: options.dataDir,
    AGENT_UI_DIR: options.uiDir,
    AGENT_UI_PORT: '0',
    AGENT_DEVICES: 'virtual',
    AGENT_HEARTBEAT_MS: '500',
    AGENT_RECONNECT_MIN_MS: '50',
    AGENT_RECONNECT_MAX_MS: '300',
    LOG_LEVEL: 'info',
    ...shiftedClockEnv(),
    ...options.env,
  });
}

/** Starts the agent and waits until its screen server listens and its hub link is up. */
export async function startAgentProcess(options: AgentProcessOptions): Promise<StartedAgent> {
  const agent = launchAgentProcess(options);
  try {
    const ready = await agent.waitFor('agent ui listening', 90_000);
    await agent.waitFor('hub connected', 30_000);
    return { agent, url: String(ready.url) };
  } catch (error) {
    await agent.stop();
    endOrphansOf(agent);
    throw error;
  }
}

/** The bench processes (socat, cupsd, pcscd sandbox) a killed agent left behind, ended by pid. */
export function endOrphansOf(agent: LoggedProcess): void {
  const dirs = agent.lines.flatMap((line) => (typeof line.peripheralsDir === 'string' ? [line.peripheralsDir] : []));
  if (dirs.length === 0) return;
  for (const info of processes()) {
    if (info.pid !== process.pid && dirs.some((dir) => info.cmdline.includes(dir))) {
      try {
        process.kill(info.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/**
 * What the crash tests share: a temporary directory with the test CA (the virtual cards' issuer) and a UI
 * build, the real hub trusting that CA, and every agent process started on it (all stopped by `stop`).
 */
export class CrashBench {
  readonly started: LoggedProcess[] = [];

  private constructor(
    readonly tmp: ReturnType<typeof tempDir>,
    readonly hub: TestHub,
    readonly caDir: string,
    readonly uiDir: string,
  ) {}

  static async start(name: string): Promise<CrashBench> {
    const tmp = tempDir(name);
    const caDir = path.join(tmp.dir, 'test-ca');
    await ensureTestCa(repoRoot, caDir);
    const uiDir = path.join(tmp.dir, 'ui');
    writeUiBuild(uiDir);
    const hub = new TestHub(path.join(tmp.dir, 'hub'), caDir);
    await hub.start();
    return new CrashBench(tmp, hub, caDir, uiDir);
  }

  /** A new agent data directory holding the test CA (its virtual cards are issued by it). */
  agentDir(name: string): string {
    const dataDir = path.join(this.tmp.dir, name);
    mkdirSync(dataDir, { recursive: true });
    cpSync(this.caDir, path.join(dataDir, 'test-ca'), { recursive: true });
    return dataDir;
  }

  pinOf(residentId: string): string {
    return residents(this.caDir).find((resident) => resident.id === residentId)?.pin ?? '';
  }

  /** Spawns an agent on `dataDir` (not waited for). */
  launch(dataDir: string, env: Record<string, string> = {}): LoggedProcess {
    const agent = launchAgentProcess({ hubUrl: this.hub.url, uiDir: this.uiDir, dataDir, env });
    this.started.push(agent);
    return agent;
  }

  /** Starts an agent on `dataDir` and waits until it serves its screen and is linked to the hub. */
  async startAgent(dataDir: string, env: Record<string, string> = {}): Promise<StartedAgent> {
    const running = await startAgentProcess({ hubUrl: this.hub.url, uiDir: this.uiDir, dataDir, env });
    this.started.push(running.agent);
    return running;
  }

  async stop(): Promise<void> {
    for (const agent of this.started) {
      await agent.stop();
      endOrphansOf(agent);
    }
    await this.hub.stop();
    this.tmp.cleanup();
  }
}
