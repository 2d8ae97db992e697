/**
 * Issue 19 end to end, every part real: the hub process (HUB_RELEASE_PUBLIC_KEY_FILE) with a bundled
 * release packed from this checkout by the pack-release tool and uploaded over REST, and three kiosks,
 * each an agent under its update supervisor (edge-agent/dist/update/supervisor-main.js) with its own
 * install root, enrolled at one site. A rollout in two stages (1 canary, then all): the canary alone is
 * offered the release, downloads it in chunks from the hub, switches, comes back on the new version and
 * reports healthy while the two others are not offered anything; after the stage's healthy time the hub
 * offers the rest, and the rollout completes with all three supervisors running the new version.
 * (The halt on a rollback and pause/resume/abort: central-hub/test/rollouts.spec.ts; the rollback on the
 * kiosk: edge-agent/test/agent-update.spec.ts.)
 *
 * Slower than most (about 19 s here; more on a loaded CI machine): packing a bundled release (~5 s), three
 * agents started, each unpacking the release and restarting on it, and the hub's stage tick (5 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RolloutDetailSchema, type RolloutDetail } from '@kiosk/protocols';
import { repoRoot, startNode, waitUntil, type NodeProcess } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(300_000);

const NEW = '9.2.0-e2e.1';

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

  beforeAll(async () => {
    mkdirSync(keys);
    const tool = path.join(repoRoot, 'central-hub/dist/tools/pack-release.js');
    execFileSync(process.execPath, [tool, 'generate-release-key', '--out', path.join(keys, 'release.pem')]);
    const artefact = path.join(dir, 'release.kioskrel');
    execFileSync(process.execPath, [tool, 'pack', '--bundled', '--key', path.join(keys, 'release.pem'), '--version', NEW, '--out', artefact]);
    await system.startHub({ HUB_RELEASE_PUBLIC_KEY_FILE: path.join(keys, 'release.pub.pem') });
    const uploaded = await fetch(`${system.hubUrl}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken()}`, 'content-type': 'application/octet-stream' },
      body: readFileSync(artefact),
    });
    expect(uploaded.status).toBe(201);

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

  const detail = async (rolloutId: string): Promise<RolloutDetail> => {
    const response = await fetch(`${system.hubUrl}/api/rollouts/${rolloutId}`, { headers: { authorization: `Bearer ${system.adminToken()}` } });
    return RolloutDetailSchema.parse(await response.json());
  };
  const activeVersion = (kiosk: Kiosk) => (JSON.parse(readFileSync(path.join(kiosk.installRoot, 'state.json'), 'utf8')) as { active: string }).active;

  it('updates the canary first, then the rest once the canary stayed healthy on the new version', async () => {
    const [canary, ...rest] = kiosks;
    if (!canary) throw new Error('no kiosks');
    const created = await fetch(`${system.hubUrl}/api/rollouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: NEW,
        target: { kind: 'site', municipality: '豊中市', site: '豊島体育館' },
        stages: [
          { kiosks: 1, healthySeconds: 3 },
          { percent: 100, healthySeconds: 3 },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const { rollout } = RolloutDetailSchema.parse(await created.json());
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
});
