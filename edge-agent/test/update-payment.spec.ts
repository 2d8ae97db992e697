/**
 * Issue 19: a kiosk in the middle of a certificate payment does not restart for an update until the
 * transaction ends. Every part real: the hub from its build (residents of a fresh TEST CA, the release
 * key), a bundled release packed by the pack-release tool (with the demo bench: the kiosk runs virtual
 * devices) uploaded over REST, and the agent under its update supervisor with virtual devices (pcscd +
 * vpcd card, ccTalk coins, ESC/POS, CUPS-PDF). A resident pays 100 of a 400 yen fee; a rollout offers the
 * release; the kiosk downloads and unpacks it and reports `waiting-idle`, and the agent is not restarted
 * while the payment, the issue and the print go on; once the certificate is taken and the session over
 * it switches and the new version reports healthy.
 *
 * Duration: about 20 s here, more on a loaded CI machine (packing ~6 s, the virtual bench started twice, one
 * certificate issued and printed): the one real-process proof of the idle gate with money in flight.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RolloutDetailSchema, type RolloutDetail } from '@kiosk/protocols';
import { ensureTestCa } from '../src/hardware/test-ca';
import { repoRoot } from '../src/paths';
import { KioskDriver, LoggedProcess, RESIDENCE_X2, TestHub, residents, shiftedClockEnv, waitUntil } from './certificate-support';
import { tempDir, writeUiBuild } from './support/agent-harness';
import { endOrphansOf } from './support/agent-process';

jest.setTimeout(300_000);

const VERSION = '9.3.0-pay.1';
const SUPERVISOR = path.join(repoRoot, 'edge-agent', 'dist', 'update', 'supervisor-main.js');
const TOOL = path.join(repoRoot, 'central-hub', 'dist', 'tools', 'pack-release.js');

describe('an update waits for a certificate payment in progress (real processes)', () => {
  const temp = tempDir('update-payment');
  const keys = path.join(temp.dir, 'keys');
  const caDir = path.join(temp.dir, 'test-ca');
  const dataDir = path.join(temp.dir, 'agent');
  const installRoot = path.join(temp.dir, 'install');
  let hub: TestHub;
  let supervisor: LoggedProcess | undefined;
  let kiosk: KioskDriver | undefined;

  const adminToken = () => readFileSync(path.join(hub.dataDir, 'admin-token'), 'utf8').trim();
  const starts = () => supervisor?.lines.filter((line) => line.msg === 'supervisor starting the agent').length ?? 0;
  const rolloutKiosk = async (rolloutId: string): Promise<RolloutDetail['kiosks'][number] | undefined> => {
    const response = await fetch(`${hub.url}/api/rollouts/${rolloutId}`, { headers: { authorization: `Bearer ${adminToken()}` } });
    return RolloutDetailSchema.parse(await response.json()).kiosks[0];
  };

  beforeAll(async () => {
    mkdirSync(keys);
    execFileSync(process.execPath, [TOOL, 'generate-release-key', '--out', path.join(keys, 'release.pem')]);
    const packed = path.join(temp.dir, 'release.kioskrel');
    execFileSync(process.execPath, [TOOL, 'pack', '--bundled', '--demo-bench', '--key', path.join(keys, 'release.pem'), '--version', VERSION, '--out', packed]);
    await ensureTestCa(repoRoot, caDir);
    const uiDir = path.join(temp.dir, 'ui');
    writeUiBuild(uiDir);
    hub = new TestHub(path.join(temp.dir, 'hub'), caDir, { HUB_RELEASE_PUBLIC_KEY_FILE: path.join(keys, 'release.pub.pem') });
    await hub.start();
    const uploaded = await fetch(`${hub.url}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(readFileSync(packed)),
    });
    expect(uploaded.status).toBe(201);

    mkdirSync(dataDir);
    execFileSync('cp', ['-r', caDir, path.join(dataDir, 'test-ca')]);
    supervisor = new LoggedProcess(SUPERVISOR, {
      HOME: process.env.HOME ?? '/tmp',
      HUB_URL: hub.url,
      AGENT_DATA_DIR: dataDir,
      AGENT_UI_DIR: uiDir,
      AGENT_UI_PORT: '0',
      AGENT_DEVICES: 'virtual',
      AGENT_HEARTBEAT_MS: '500',
      AGENT_RECONNECT_MIN_MS: '50',
      AGENT_RECONNECT_MAX_MS: '300',
      AGENT_INSTALL_ROOT: installRoot,
      AGENT_RELEASE_PUBLIC_KEY_FILE: path.join(keys, 'release.pub.pem'),
      AGENT_UPDATE_HEALTH_DEADLINE_MS: '120000',
      AGENT_ENROLMENT_CODE: await hub.enrolmentCode(),
      LOG_LEVEL: 'info',
      ...shiftedClockEnv(),
    });
    const ready = await supervisor.waitFor('agent ui listening', 90_000);
    await supervisor.waitFor('hub connected', 30_000);
    kiosk = new KioskDriver(String(ready.url));
  });

  afterAll(async () => {
    kiosk?.close();
    if (supervisor) {
      await supervisor.stop();
      endOrphansOf(supervisor);
    }
    await hub?.stop();
    temp.cleanup();
  });

  it('downloads and waits while the resident pays, is issued and printed; switches once the session is over', async () => {
    if (!kiosk || !supervisor) throw new Error('not started');
    const pin = residents(caDir).find((resident) => resident.id === 'toyonaka-001')?.pin ?? '';
    const transactionId = await kiosk.toPayment('toyonaka-001', pin, RESIDENCE_X2);
    await kiosk.waitScreen('pay');
    await kiosk.insertCoin(100);

    const created = await fetch(`${hub.url}/api/rollouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: VERSION, target: { kind: 'municipality', municipality: '豊中市' }, stages: [{ percent: 100, healthySeconds: 0 }] }),
    });
    expect(created.status).toBe(201);
    const { rolloutId } = RolloutDetailSchema.parse(await created.json()).rollout;
    await waitUntil('the kiosk reports waiting-idle', async () => (await rolloutKiosk(rolloutId))?.state === 'waiting-idle', 120_000);
    expect(starts()).toBe(1);

    // The rest of the fee, the issue and the print: the agent that took the coins finishes the transaction.
    await kiosk.insertCoin(500);
    await kiosk.waitScreen('take-certificate', 90_000);
    expect(starts()).toBe(1);
    expect(hub.issuances(transactionId)).toHaveLength(1);
    await kiosk.command('certificates.finish');
    await kiosk.waitScreen('done');
    expect(starts()).toBe(1);
    await kiosk.end('done');

    await waitUntil('the kiosk reports healthy on the new version', async () => (await rolloutKiosk(rolloutId))?.state === 'healthy', 120_000);
    expect(starts()).toBe(2);
    const switched = supervisor.lines.findIndex((line) => line.msg === 'switching to the new version');
    const completed = supervisor.lines.findIndex((line) => line.msg === 'session ended');
    expect(completed).toBeGreaterThanOrEqual(0);
    expect(switched).toBeGreaterThan(completed);
    expect((await rolloutKiosk(rolloutId))?.agentVersion).toBe(VERSION);
  });
});
