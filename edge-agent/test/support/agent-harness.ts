import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import {
  DEVICE_PANEL_NAMESPACE,
  UI_NAMESPACE,
  type AgentToPanelEvents,
  type AgentToUiEvents,
  type KioskActivity,
  type PanelToAgentEvents,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import { startAgent, type AgentDeps, type RunningAgent } from '../../src/agent';
import { parseConfig, type AgentConfig } from '../../src/config';
import { EnvConfigRefresher } from '../../src/config-refresher';
import { repoRoot } from '../../src/paths';
import type { MiniHub } from './mini-hub';

/** A temporary directory, removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A stand-in for the built kiosk UI: an index.html and one hashed asset. */
export function writeUiBuild(dir: string): void {
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html lang="ja"><title>kiosk</title><script src="/assets/app-1a2b.js"></script></html>');
  writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), 'console.log("kiosk");');
}

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A logger at debug that appends every line it writes to `lines`, for the checks on what is (not) logged. */
export function capturingLogger(lines: string[]): pino.Logger {
  return pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
}

/** Agent config for tests: fast timers, ephemeral UI port, everything under `dir`. */
export function testConfig(dir: string, hub: MiniHub, env: Record<string, string> = {}): AgentConfig {
  const uiDir = path.join(dir, 'ui');
  writeUiBuild(uiDir);
  return parseConfig(
    {
      HUB_URL: hub.url,
      AGENT_DATA_DIR: path.join(dir, 'agent'),
      AGENT_UI_DIR: uiDir,
      AGENT_UI_PORT: '0',
      AGENT_HEARTBEAT_MS: '200',
      AGENT_ACK_TIMEOUT_MS: '3000',
      AGENT_RECONNECT_MIN_MS: '30',
      AGENT_RECONNECT_MAX_MS: '150',
      LOG_LEVEL: 'silent',
      ...env,
    },
    repoRoot,
  );
}

/** Starts the real agent composition against `hub`, enrolling on first start. */
export async function startTestAgent(
  hub: MiniHub,
  config: AgentConfig,
  extra: Partial<Omit<AgentDeps, 'config' | 'logger' | 'configRefresher'>> = {},
): Promise<RunningAgent> {
  return startAgent({
    config,
    logger: silentLogger,
    configRefresher: new EnvConfigRefresher(config, () => config, silentLogger),
    ...extra,
  });
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export type PanelSocket = Socket<AgentToPanelEvents, PanelToAgentEvents>;
export type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;

/** The kiosk screen's (`/ui`) and the device panel's (`/panel`) sockets to an agent's local server. */
export function openLocalSockets(agentUiUrl: string): { panel: PanelSocket; ui: UiSocket } {
  const base = agentUiUrl.replace(/\/$/, '');
  return {
    panel: io(`${base}${DEVICE_PANEL_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true }),
    ui: io(`${base}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true }),
  };
}

/** A device-panel command and its ack; the payload is untyped so tests can send malformed ones too. */
export function panelCommand(panel: PanelSocket | undefined, command: keyof PanelToAgentEvents, payload: unknown): Promise<unknown> {
  return (panel?.timeout(10_000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> }).emitWithAck(command, payload);
}

/** The activity of the newest heartbeat the hub got after this call once it passes `check`. */
export async function nextHeartbeatActivity(hub: MiniHub, what: string, check: (activity: KioskActivity) => boolean): Promise<KioskActivity> {
  const since = Date.now();
  let seen: KioskActivity | undefined;
  await waitFor(what, () => {
    seen = hub.telemetry.filter((telemetry) => Date.parse(telemetry.sentAt) > since).at(-1)?.activity;
    return seen !== undefined && check(seen);
  });
  return seen as KioskActivity;
}
