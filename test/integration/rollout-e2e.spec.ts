/**
 * Issue 19 end to end, every part real: the hub process (HUB_RELEASE_PUBLIC_KEY_FILE) with a bundled
 * release packed from this checkout by the pack-release tool and uploaded over REST, and three kiosks,
 * each an agent under its update supervisor (edge-agent/dist/update/supervisor-main.js) with its own
 * install root, enrolled at one site. A rollout in two stages (1 canary, then all): the canary alone is
 * offered the release, downloads it in chunks from the hub, switches, comes back on the new version and
 * reports healthy while the two others are not offered anything; after the stage's healthy time the hub
 * offers the rest, and the rollout completes with all three supervisors running the new version. Then a
 * release that crashes at start, rolled out the same way, is stopped at the canary: its supervisor
 * switches back, the old version reports `rolled-back`, the hub halts the rollout, and the two others
 * are never offered it. (Pause/resume/abort: central-hub/test/rollouts.spec.ts.)
 *
 * Slower than most (about 27 s here; more on a loaded CI machine): packing a bundled release (~5 s), three
 * agents started, each unpacking the release and restarting on it, and the hub's stage tick (5 s).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RolloutDetailSchema, type RolloutDetail } from '@kiosk/protocols';
import { repoRoot, startNode, waitUntil, type NodeProcess } from '../support/processes';
import { resignRelease } from '../support/release-resign';
import { TestSystem } from '../support/system';

jest.setTimeout(300_000);

const NEW = '9.2.0-e2e.1';
const CRASHES = '9.2.0-e2e.2';

interface Kiosk {
  kioskId: string;
  supervisor: NodeProcess;
  installRoot: string;
}

describe('a release rolled out to three real kiosks in two stages', () => {
  const system = new TestSystem();
  const dir = mkdtempSync(path.join(tmpdir(), 'rollout-e2e-'));
  const keys = path.join(dir, 'keys');
  const kiosks: Kiosk[] = [];
  let artefact: Buffer;

  beforeAll(async () => {
    mkdirSync(keys);
    const tool = path.join(repoRoot, 'central-hub/dist/tools/pack-release.js');
    execFileSync(process.execPath, [tool, 'generate-release-key', '--out', path.join(keys, 'release.pem')]);
    const packed = path.join(dir, 'release.kioskrel');
    execFileSync(process.execPath, [tool, 'pack', '--bundled', '--key', path.join(keys, 'release.pem'), '--version', NEW, '--out', packed]);
    artefact = readFileSync(packed);
    await system.startHub({ HUB_RELEASE_PUBLIC_KEY_FILE: path.join(keys, 'release.pub.pem') });
    await upload(artefact);

    for (let i = 0; i < 3; i += 1) {
      const dataDir = path.join(dir, `agent-${i}`);
      const installRoot = path.join(dir, `install-${i}`);
      const supervisor = startNode(`kiosk-${i}`, 'edge-agent/dist/update/supervisor-main.js', {
        HUB_URL: system.hubUrl,
        AGENT_DATA_DIR: dataDir,
        AGENT_INSTALL_ROOT: installRoot,
        AGENT_RELEASE_PUBLIC_KEY_FILE: path.join(keys, 'release.pub.pem'),
        AGENT_ENROLMENT_CODE: await system.createEnrolmentCode(),
        AGENT_UI_PORT: '0',
        AGENT_HEARTBEAT_MS: '1000',
        AGENT_RECONNECT_MIN_MS: '200',
        AGENT_RECONNECT_MAX_MS: '1000',
        AGENT_UPDATE_HEALTH_DEADLINE_MS: '90000',
      });
      await supervisor.waitForLog((entry) => entry.msg === 'hub connected', 90_000);
      const { kioskId } = JSON.parse(readFileSync(path.join(dataDir, 'identity.json'), 'utf8')) as { kioskId: string };
      kiosks.push({ kioskId, supervisor, installRoot });
    }
    kiosks.sort((a, b) => (a.kioskId < b.kioskId ? -1 : 1));
  });

  afterAll(async () => {
    await Promise.all(kiosks.map((kiosk) => kiosk.supervisor.stop()));
    await system.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function upload(bytes: Buffer): Promise<void> {
    const uploaded = await fetch(`${system.hubUrl}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken()}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    expect(uploaded.status).toBe(201);
  }

  /** A rollout of `version` to the three kiosks' site: 1 canary, then all, 3 s healthy each. */
  async function rollOut(version: string): Promise<RolloutDetail['rollout']> {
    const created = await fetch(`${system.hubUrl}/api/rollouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version,
        target: { kind: 'site', municipality: '豊中市', site: '豊島体育館' },
        stages: [
          { kiosks: 1, healthySeconds: 3 },
          { percent: 100, healthySeconds: 3 },
        ],
      }),
    });
    expect(created.status).toBe(201);
    return RolloutDetailSchema.parse(await created.json()).rollout;
  }

  const detail = async (rolloutId: string): Promise<RolloutDetail> => {
    const response = await fetch(`${system.hubUrl}/api/rollouts/${rolloutId}`, { headers: { authorization: `Bearer ${system.adminToken()}` } });
    return RolloutDetailSchema.parse(await response.json());
  };
  const activeVersion = (kiosk: Kiosk) => (JSON.parse(readFileSync(path.join(kiosk.installRoot, 'state.json'), 'utf8')) as { active: string }).active;

  it('updates the canary first, then the rest once the canary stayed healthy on the new version', async () => {
    const [canary, ...rest] = kiosks;
    if (!canary) throw new Error('no kiosks');
    const rollout = await rollOut(NEW);
    expect(rollout.stages.map((stage) => stage.kiosks)).toEqual([1, 2]);

    let atCanaryHealthy: RolloutDetail | undefined;
    await waitUntil(
      'the canary reports healthy on the new version',
      async () => {
        const now = await detail(rollout.rolloutId);
        const row = now.kiosks.find((kiosk) => kiosk.kioskId === canary.kioskId);
        if (row?.state !== 'healthy' || row.agentVersion !== NEW) return false;
        atCanaryHealthy = now;
        return true;
      },
      180_000,
      200,
    );
    // The stage's healthy time has not passed yet: the others have not been offered anything.
    expect(atCanaryHealthy?.rollout.currentStage).toBe(0);
    expect(atCanaryHealthy?.kiosks.filter((kiosk) => kiosk.kioskId !== canary.kioskId).map((kiosk) => kiosk.state)).toEqual(['pending', 'pending']);
    expect(activeVersion(canary)).toBe(NEW);

    await waitUntil('the rollout completes', async () => (await detail(rollout.rolloutId)).rollout.state === 'completed', 240_000, 500);
    const done = await detail(rollout.rolloutId);
    expect(done.kiosks.map((kiosk) => [kiosk.state, kiosk.agentVersion])).toEqual([
      ['healthy', NEW],
      ['healthy', NEW],
      ['healthy', NEW],
    ]);
    for (const kiosk of [canary, ...rest]) expect(activeVersion(kiosk)).toBe(NEW);
    expect(await system.hubRecords.count("SELECT count(*) FROM audit_log WHERE action IN ('rollout.stage-advanced', 'rollout.completed') AND target = ?", rollout.rolloutId)).toBe(2);
  });

  it('stops a release that crashes at start at the canary: rolled back there, the rollout halted, nobody else offered it', async () => {
    const [canary, ...rest] = kiosks;
    if (!canary) throw new Error('no kiosks');
    const key = createPrivateKey(readFileSync(path.join(keys, 'release.pem')));
    await upload(resignRelease(artefact, key, { version: CRASHES, replace: { 'edge-agent/dist/main.js': "throw new Error('this release crashes at start (test)');\n" } }));
    const rollout = await rollOut(CRASHES);

    await waitUntil('the rollout halts', async () => (await detail(rollout.rolloutId)).rollout.state === 'halted', 240_000, 500);
    const halted = await detail(rollout.rolloutId);
    expect(halted.rollout.reason).toContain(`kiosk ${canary.kioskId}: rolled-back`);
    expect(halted.kiosks.map((kiosk) => kiosk.state)).toEqual(['rolled-back', 'pending', 'pending']);
    // The canary runs the release before again; the others never had the bad one.
    await waitUntil('the canary is back on the release before', async () => (await detail(rollout.rolloutId)).kiosks[0]?.agentVersion === NEW, 60_000, 500);
    expect(activeVersion(canary)).toBe(NEW);
    for (const kiosk of rest) expect(activeVersion(kiosk)).toBe(NEW);
    const offered = await system.hubRecords.count("SELECT count(*) FROM commands WHERE type = 'agent.update' AND params_json LIKE ?", `%${CRASHES}%`);
    expect(offered).toBe(1);
  });
});
