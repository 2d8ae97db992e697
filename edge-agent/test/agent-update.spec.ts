/**
 * Issue 19, the kiosk side of updates, with real processes: the update supervisor from the build
 * (edge-agent/dist/update/supervisor-main.js) running the agent, a real bundled release packed by the
 * pack-release tool and signed with a release key made here, and the hub's side of the contract
 * (release.chunk, update.report) on the MiniHub (a real socket.io server checking handshakes and storing
 * events by id). One agent lives through the cases in order (they share its install and the one packed
 * release): a release signed with another key is refused; the release is downloaded in chunks across a
 * dropped connection and a corrupted chunk, waits while a session is open, switches, reports healthy and
 * drains the outbox the old version wrote; then a release that crashes at start is rolled back by the
 * supervisor, reported by the old version, which drains what was written before the switch.
 *
 * Duration: about 12 s here, 20-40 s on a loaded 2-core CI machine (packing the release ~5 s, five agent
 * starts); every case needs real agent processes and real restarts, and they share one packed release.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { AgentUpdateParams, HubCommand } from '@kiosk/protocols';
import { repoRoot } from '../src/paths';
import { LoggedProcess, waitUntil } from './certificate-support';
import { openLocalSockets, tempDir, type UiSocket } from './support/agent-harness';
import { MiniHub } from './support/mini-hub';
import { resignRelease } from '../../test/support/release-resign';
import { ReleaseServer } from './support/release-server';

const SUPERVISOR = path.join(repoRoot, 'edge-agent', 'dist', 'update', 'supervisor-main.js');
const GOOD = '9.0.0-test.1';
const CRASHES = '9.0.0-test.2';
const OTHER_KEY = '9.0.0-test.3';
const CHUNK_BYTES = 131_072;

jest.setTimeout(180_000);

describe('agent updates under the supervisor (real processes)', () => {
  const temp = tempDir('agent-update');
  const installRoot = path.join(temp.dir, 'install');
  const dataDir = path.join(temp.dir, 'agent');
  const hub = new MiniHub();
  const releases = new ReleaseServer(hub);
  let supervisor: LoggedProcess;
  let ui: UiSocket | null = null;

  /** The install state the supervisor and the agent keep (none yet: the base install is active). */
  const state = () => {
    const file = path.join(installRoot, 'state.json');
    if (!existsSync(file)) return { active: 'base', previous: null, trial: null, rolledBack: null };
    return JSON.parse(readFileSync(file, 'utf8')) as { active: string; previous: string | null; trial: unknown; rolledBack: { version: string; reason: string } | null };
  };
  const latestUiUrl = () => String([...supervisor.lines].reverse().find((line) => line.msg === 'agent ui listening')?.url);
  const outboxTool = (...args: string[]) =>
    JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'edge-agent/dist/tools/outbox-tool.js'), ...args, '--data-dir', dataDir], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' } }).trim().split('\n').pop() ?? 'null') as { firstSeq: number; lastSeq: number; backlog: number };
  const offer = (params: AgentUpdateParams) => {
    const now = Date.now();
    const command: HubCommand = { commandId: uuidv7(), issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 600_000).toISOString(), type: 'agent.update', params };
    return hub.sendCommand(command);
  };
  const startsOf = (version: string) => supervisor.lines.filter((line) => line.msg === 'supervisor starting the agent' && line.active === version).length;

  async function beginSession(): Promise<void> {
    ui = openLocalSockets(latestUiUrl()).ui;
    const ack = (await ui.timeout(10_000).emitWithAck('session.begin', { service: 'certificates', language: 'ja' })) as { ok: boolean };
    expect(ack.ok).toBe(true);
  }

  async function endSession(): Promise<void> {
    await ui?.timeout(10_000).emitWithAck('session.end', { reason: 'done' });
    ui?.close();
    ui = null;
  }

  /** Every synthetic event between the two seqs is stored by the hub once, and nothing was out of order. */
  function storedOnce(firstSeq: number, lastSeq: number): void {
    const ids = [];
    for (let seq = firstSeq; seq <= lastSeq; seq += 1) ids.push(hub.seqToId.get(seq));
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(lastSeq - firstSeq + 1);
    expect(hub.violations).toEqual([]);
  }

  beforeAll(async () => {
    await hub.start();
    const keys = path.join(temp.dir, 'keys');
    mkdirSync(keys);
    execFileSync(process.execPath, [path.join(repoRoot, 'central-hub/dist/tools/pack-release.js'), 'generate-release-key', '--out', path.join(keys, 'release.pem')], { cwd: temp.dir });
    const packed = JSON.parse(
      execFileSync(process.execPath, [path.join(repoRoot, 'central-hub/dist/tools/pack-release.js'), 'pack', '--bundled', '--key', path.join(keys, 'release.pem'), '--version', GOOD, '--out', path.join(temp.dir, 'good.kioskrel')], { encoding: 'utf8' }),
    ) as { out: string; dependencies: string };
    expect(packed.dependencies).toBe('bundled');
    const good = readFileSync(packed.out);
    releases.add(GOOD, good);
    const releaseKey = createPrivateKey(readFileSync(path.join(keys, 'release.pem')));
    releases.add(CRASHES, resignRelease(good, releaseKey, { version: CRASHES, replace: { 'edge-agent/dist/main.js': "throw new Error('this release crashes at start (test)');\n" } }));
    releases.add(OTHER_KEY, resignRelease(good, generateKeyPairSync('ed25519').privateKey, { version: OTHER_KEY }));

    supervisor = new LoggedProcess(SUPERVISOR, {
      HOME: process.env.HOME ?? '/tmp',
      HUB_URL: hub.url,
      AGENT_DATA_DIR: dataDir,
      AGENT_INSTALL_ROOT: installRoot,
      AGENT_RELEASE_PUBLIC_KEY_FILE: path.join(keys, 'release.pub.pem'),
      AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-update-1'),
      AGENT_UI_PORT: '0',
      AGENT_HEARTBEAT_MS: '1000',
      AGENT_RECONNECT_MIN_MS: '100',
      AGENT_RECONNECT_MAX_MS: '500',
      AGENT_UPDATE_HEALTH_DEADLINE_MS: '60000',
      LOG_LEVEL: 'info',
    });
    await supervisor.waitFor('hub connected', 60_000);
  });

  afterAll(async () => {
    ui?.close();
    await supervisor?.stop();
    await hub.stop();
    temp.cleanup();
  });

  it('refuses a release signed with another key, and keeps running the installed version', async () => {
    expect(await offer(releases.offer(OTHER_KEY, CHUNK_BYTES))).toEqual({ ok: true, duplicate: false });
    const refused = await releases.report((report) => report.version === OTHER_KEY && report.state === 'failed');
    expect(refused.detail).toMatch(/not signed with the release key/);
    expect(existsSync(path.join(installRoot, 'releases', OTHER_KEY))).toBe(false);
    expect(startsOf('base')).toBe(1);
  });

  it('downloads across a dropped connection and a corrupted chunk, waits for the session to end, switches and drains the old outbox once', async () => {
    await beginSession();
    releases.disconnectAfterChunks = 10;
    releases.corruptOnce = { version: GOOD, offset: 20 * CHUNK_BYTES };
    await offer(releases.offer(GOOD, CHUNK_BYTES));
    await releases.report((report) => report.version === GOOD && report.state === 'waiting-idle');

    const offsets = releases.chunkRequests.filter((request) => request.version === GOOD).map((request) => request.offset);
    // After the drop, the download went on from the bytes on disk (offset 10 chunks), not from 0 ...
    expect(offsets.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => i * CHUNK_BYTES));
    // ... and the corrupted chunk made the SHA-256 fail: reported, and the artefact fetched again.
    const mismatch = releases.reports.find((report) => report.version === GOOD && /SHA-256 mismatch/.test(report.detail ?? ''));
    expect(mismatch).toBeDefined();
    expect(offsets.filter((offset) => offset === 20 * CHUNK_BYTES)).toHaveLength(2);
    expect(releases.reports.some((report) => report.version === GOOD && report.state === 'downloaded')).toBe(true);
    expect(existsSync(path.join(installRoot, 'releases', GOOD, 'node_modules', 'better-sqlite3', 'package.json'))).toBe(true);
    expect(state().active).toBe('base');

    // The hub goes away; the old version writes events it cannot send; then the person leaves.
    await hub.stop();
    const written = outboxTool('enqueue-synthetic', '--count', '20');
    const restartsBefore = supervisor.lines.filter((line) => line.msg === 'agent stopped for a restart').length;
    expect(restartsBefore).toBe(0);
    await endSession();

    await waitUntil('the supervisor starts the new version', () => startsOf(GOOD) === 1, 60_000);
    expect(state()).toMatchObject({ active: GOOD, previous: 'base', trial: { version: GOOD } });
    await hub.start();
    const healthy = await releases.report((report) => report.version === GOOD && report.state === 'healthy');
    expect(healthy.state).toBe('healthy');
    await waitUntil('the supervisor confirms the update', () => state().trial === null, 30_000);
    expect(state()).toMatchObject({ active: GOOD, previous: 'base', rolledBack: null });
    // The new version names itself by its release (release.json), not by the package.json it carries.
    expect([...hub.events.values()].some((event) => event.type === 'agent.started' && (event.payload as { agentVersion?: string }).agentVersion === GOOD)).toBe(true);
    storedOnce(written.firstSeq, written.lastSeq);
    await waitUntil('the outbox is empty', () => outboxTool('stats').backlog === 0, 30_000);
  });

  it('rolls back a release that crashes at start; the old version reports it and drains what it wrote before the switch, once', async () => {
    await beginSession();
    await offer(releases.offer(CRASHES, CHUNK_BYTES));
    await releases.report((report) => report.version === CRASHES && report.state === 'waiting-idle');
    await hub.stop();
    const written = outboxTool('enqueue-synthetic', '--count', '15');
    await endSession();

    await waitUntil('the supervisor rolls back', () => supervisor.lines.some((line) => line.msg === 'rolled back to the previous version'), 60_000);
    expect(startsOf(CRASHES)).toBe(1);
    await waitUntil('the previous version runs again', () => startsOf(GOOD) === 2, 30_000);
    expect(state()).toMatchObject({ active: GOOD, trial: null, rolledBack: { version: CRASHES } });
    await hub.start();
    const rolledBack = await releases.report((report) => report.version === CRASHES && report.state === 'rolled-back');
    expect(rolledBack.detail).toMatch(/exited \(code 1\) before it reported healthy/);
    storedOnce(written.firstSeq, written.lastSeq);
    await waitUntil('the outbox is empty', () => outboxTool('stats').backlog === 0, 30_000);
    expect(supervisor.running).toBe(true);
  });
});
