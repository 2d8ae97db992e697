/**
 * Staged rollouts of agent releases on a real hub (issue 19): scripted kiosks on real socket.io
 * connections get the release offered as an `agent.update` command stage by stage, download it with
 * `release.chunk` (the bytes hash to what the offer says), report with `update.report`, and reconnect
 * with the new version. A stage advances only once its kiosks reported healthy AND said hello with the
 * new version for the stage's healthy time; a rollback halts the rollout and nobody else is offered the
 * release; pause, resume and abort; bad chunk requests refused; every step audited. A release signed
 * with another key never reaches a rollout: the hub refuses it at upload (releases.spec.ts).
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  FailureSchema,
  PROTOCOL_VERSION,
  ReleaseChunkAckSchema,
  RolloutDetailSchema,
  RolloutSummarySchema,
  UpdateReportAckSchema,
  type AgentUpdateParams,
  type HubCommand,
  type RolloutDetail,
  type UpdateReport,
} from '@kiosk/protocols';
import { ROLLOUT_TICK } from '../src/services/rollout-progress.service';
import { packRelease } from '../src/tools/release-pack';
import { connectAgent, enrolKiosk, signedAuth, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';

const OLD = '1.3.0';
const NEW = '1.4.0';

/** A kiosk's agent as far as updates go: the commands it got, chunk requests and reports. */
class UpdateAgent {
  readonly offers: HubCommand[] = [];
  socket: AgentClientSocket | undefined;

  constructor(
    readonly kiosk: EnrolledKiosk,
    private readonly hub: TestHub,
    private readonly clock: ManualClock,
  ) {}

  get kioskId(): string {
    return this.kiosk.kioskId;
  }

  async connect(agentVersion: string): Promise<void> {
    this.socket?.close();
    const { socket, refusal } = await connectAgent(this.hub.url, signedAuth(this.kioskId, this.kiosk.privateKey, { timestamp: this.clock.now().getTime() }), (s) => {
      s.on('command', (command, ack) => {
        this.offers.push(command);
        ack({ ok: true, duplicate: false });
      });
    });
    if (refusal) throw new Error(`handshake refused: ${refusal.code}`);
    this.socket = socket;
    await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion });
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  async offer(): Promise<AgentUpdateParams> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const offer = this.offers.find((command) => command.type === 'agent.update');
      if (offer?.type === 'agent.update') return offer.params;
      if (Date.now() > deadline) throw new Error(`${this.kioskId} was offered nothing`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async chunk(version: string, offset: number, length: number) {
    if (!this.socket) throw new Error('not connected');
    return ReleaseChunkAckSchema.parse(await this.socket.timeout(5000).emitWithAck('release.chunk', { version, offset, length }));
  }

  /** Fetches the whole artefact chunk by chunk, as the offer says. */
  async download(params: AgentUpdateParams): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < params.artefactBytes; ) {
      const answer = await this.chunk(params.version, offset, params.chunkBytes);
      if (!answer.ok) throw new Error(answer.error.message);
      parts.push(answer.bytes);
      offset += answer.bytes.length;
    }
    return Buffer.concat(parts);
  }

  async report(report: UpdateReport) {
    if (!this.socket) throw new Error('not connected');
    return UpdateReportAckSchema.parse(await this.socket.timeout(5000).emitWithAck('update.report', report));
  }
}

describe('staged rollouts (issue 19)', () => {
  const releaseKey = generateKeyPairSync('ed25519');
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  const keyDir = mkdtempSync(path.join(tmpdir(), 'rollout-key-'));
  const agents: UpdateAgent[] = [];
  let hub: TestHub;
  let technician: string;
  let viewer: string;
  let artefact: Buffer;

  beforeAll(async () => {
    const keyFile = path.join(keyDir, 'release.pub.pem');
    writeFileSync(keyFile, releaseKey.publicKey.export({ format: 'pem', type: 'spki' }));
    hub = await TestHub.start({ config: { releases: { publicKeyFile: keyFile } }, overrides: { clock, scheduler } });
    // 400 KB of random (incompressible) bytes: the artefact takes more than one 256 KiB chunk.
    const files = [
      { path: 'edge-agent/dist/main.js', bytes: Buffer.from('require("./agent").start();\n') },
      { path: 'edge-agent/dist/big.bin', bytes: randomBytes(400_000) },
    ];
    artefact = packRelease(files, { version: NEW, createdAt: clock.now(), minProtocolVersion: 1, nativeModules: [], privateKey: releaseKey.privateKey }).artefact;
    const uploaded = await fetch(`${hub.url}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.hub.adminToken}`, 'content-type': 'application/octet-stream' },
      body: artefact,
    });
    expect(uploaded.status).toBe(201);
    technician = await hub.login('roll-tech', await hub.createUser('roll-tech', 'technician', '豊中市'));
    viewer = await hub.login('roll-viewer', await hub.createUser('roll-viewer', 'viewer', '豊中市'));
  }, 60_000);

  afterEach(() => {
    for (const agent of agents.splice(0)) agent.close();
  });

  afterAll(async () => {
    await hub.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** Three (or `count`) kiosks at one site, connected on the old version, canary first (by id). */
  async function kiosksAt(site: string, count = 3, connect = true): Promise<UpdateAgent[]> {
    const group: UpdateAgent[] = [];
    for (let i = 0; i < count; i += 1) group.push(new UpdateAgent(await enrolKiosk(hub, { site }), hub, clock));
    group.sort((a, b) => (a.kioskId < b.kioskId ? -1 : 1));
    agents.push(...group);
    if (connect) for (const agent of group) await agent.connect(OLD);
    return group;
  }

  const create = (site: string, healthySeconds: number, token = technician) =>
    hub.api('POST', '/api/rollouts', { version: NEW, target: { kind: 'site', municipality: '豊中市', site }, stages: [{ kiosks: 1, healthySeconds }, { percent: 100, healthySeconds }] }, token);
  const detail = async (rolloutId: string): Promise<RolloutDetail> => RolloutDetailSchema.parse((await hub.api('GET', `/api/rollouts/${rolloutId}`, undefined, technician)).body);
  const stateOf = async (rolloutId: string, kioskId: string) => (await detail(rolloutId)).kiosks.find((kiosk) => kiosk.kioskId === kioskId);
  const tick = () => scheduler.run(ROLLOUT_TICK);
  const auditActions = async (target: string) =>
    (await hub.rows<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_log WHERE target = ? ORDER BY seq', target)).map((row) => `${row.action}:${row.outcome}`);
  /** Waits until the hub has applied what a hello started in the background. */
  async function until(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The canary's part: download, report, switch, come back on the new version, report healthy. */
  async function update(agent: UpdateAgent): Promise<void> {
    const params = await agent.offer();
    const bytes = await agent.download(params);
    expect(bytes.length).toBe(params.artefactBytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(params.artefactSha256);
    for (const state of ['downloading', 'downloaded', 'switching'] as const) expect((await agent.report({ version: NEW, state, downloadedBytes: bytes.length })).ok).toBe(true);
    await agent.connect(NEW);
    expect((await agent.report({ version: NEW, state: 'healthy' })).ok).toBe(true);
  }

  it('rolls a release out to 3 kiosks in two stages, advancing only after healthy reports on the new version for the healthy time', async () => {
    const [canary, second, third] = await kiosksAt('rollout-site-a');
    if (!canary || !second || !third) throw new Error('three kiosks');
    third.close(); // connects later: its offer waits for its hello
    const created = await create('rollout-site-a', 60);
    expect(created.status).toBe(201);
    const { rollout } = RolloutDetailSchema.parse(created.body);
    expect(rollout).toMatchObject({ state: 'running', currentStage: 0, stages: [{ kiosks: 1 }, { kiosks: 2 }] });
    expect(artefact.length).toBeGreaterThan(262_144);

    const params = await canary.offer();
    expect(params).toMatchObject({ version: NEW, artefactBytes: artefact.length, artefactSha256: createHash('sha256').update(artefact).digest('hex') });
    // A healthy report while the hello still names the old version counts for nothing.
    expect((await canary.report({ version: NEW, state: 'healthy' })).ok).toBe(true);
    clock.advance(120_000);
    await tick();
    expect((await detail(rollout.rolloutId)).rollout.currentStage).toBe(0);

    await update(canary);
    await until(async () => (await stateOf(rollout.rolloutId, canary.kioskId))?.healthySince != null);
    await tick();
    expect((await detail(rollout.rolloutId)).rollout.currentStage).toBe(0);
    expect(second.offers).toEqual([]);

    clock.advance(61_000);
    await tick();
    const advanced = await detail(rollout.rolloutId);
    expect(advanced.rollout.currentStage).toBe(1);
    await second.offer();
    await third.connect(OLD);
    await third.offer();

    for (const agent of [second, third]) await update(agent);
    await tick();
    expect((await detail(rollout.rolloutId)).rollout.state).toBe('running');
    clock.advance(61_000);
    await tick();
    const done = await detail(rollout.rolloutId);
    expect(done.rollout.state).toBe('completed');
    expect(done.kiosks.map((kiosk) => [kiosk.state, kiosk.agentVersion])).toEqual([
      ['healthy', NEW],
      ['healthy', NEW],
      ['healthy', NEW],
    ]);
    expect(await auditActions(rollout.rolloutId)).toEqual(
      expect.arrayContaining(['rollout.created:ok', 'rollout.stage-advanced:ok', 'rollout.completed:ok', 'rollout.kiosk-reported:ok']),
    );
    expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'command.sent' AND detail_json LIKE ?", `%${rollout.rolloutId}%`)).toBe(3);
  }, 60_000);

  it('halts on a rollback at the canary: nobody else is offered the release, and a halted rollout is only aborted', async () => {
    const [canary, second, third] = await kiosksAt('rollout-site-b');
    if (!canary || !second || !third) throw new Error('three kiosks');
    const { rollout } = RolloutDetailSchema.parse((await create('rollout-site-b', 0)).body);
    await canary.offer();
    expect((await canary.report({ version: NEW, state: 'switching' })).ok).toBe(true);
    expect((await canary.report({ version: NEW, state: 'rolled-back', detail: 'no healthy report within 120 s' })).ok).toBe(true);

    const halted = await detail(rollout.rolloutId);
    expect(halted.rollout).toMatchObject({ state: 'halted', currentStage: 0, reason: expect.stringContaining('rolled-back (no healthy report within 120 s)') });
    clock.advance(3_600_000);
    await tick();
    await second.connect(OLD);
    await third.connect(OLD);
    expect([...second.offers, ...third.offers]).toEqual([]);
    expect((await detail(rollout.rolloutId)).kiosks.map((kiosk) => kiosk.state)).toEqual(['rolled-back', 'pending', 'pending']);

    const resumed = await hub.api('POST', `/api/rollouts/${rollout.rolloutId}/resume`, undefined, technician);
    expect(resumed.status).toBe(409);
    const aborted = await hub.api('POST', `/api/rollouts/${rollout.rolloutId}/abort`, undefined, technician);
    expect(aborted.status).toBe(200);
    expect(RolloutSummarySchema.parse(aborted.body).state).toBe('aborted');
    expect(await auditActions(rollout.rolloutId)).toEqual(
      expect.arrayContaining(['rollout.kiosk-reported:ok', 'rollout.halted:ok', 'rollout.resumed:refused', 'rollout.aborted:ok']),
    );
  }, 60_000);

  it('pauses (no stage advances), resumes (advances at once), aborts (queued offers withdrawn); a viewer may not steer', async () => {
    const [canary, second] = await kiosksAt('rollout-site-c', 2, false);
    if (!canary || !second) throw new Error('two kiosks');
    await canary.connect(OLD);
    const { rollout } = RolloutDetailSchema.parse((await create('rollout-site-c', 0)).body);
    const steer = (step: string, token = technician) => hub.api('POST', `/api/rollouts/${rollout.rolloutId}/${step}`, undefined, token);

    expect((await steer('pause', viewer)).status).toBe(403);
    expect((await steer('pause')).status).toBe(200);
    expect((await steer('pause')).status).toBe(409);
    await update(canary);
    await until(async () => (await stateOf(rollout.rolloutId, canary.kioskId))?.healthySince != null);
    await tick();
    expect((await detail(rollout.rolloutId)).rollout).toMatchObject({ state: 'paused', currentStage: 0 });
    expect((await stateOf(rollout.rolloutId, second.kioskId))?.state).toBe('pending');

    const resumed = await steer('resume');
    expect(resumed.status).toBe(200);
    expect(RolloutSummarySchema.parse(resumed.body)).toMatchObject({ state: 'running', currentStage: 1 });
    const offered = await stateOf(rollout.rolloutId, second.kioskId);
    expect(offered?.state).toBe('offered');

    expect((await steer('abort')).status).toBe(200);
    // The second kiosk was offline: its offer never left the hub and is withdrawn, so it never gets it.
    expect(await hub.value('SELECT status FROM commands WHERE kiosk_id = ?', second.kioskId)).toBe('expired');
    await second.connect(OLD);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.offers).toEqual([]);
    expect((await steer('resume')).status).toBe(409);
    expect(await auditActions(rollout.rolloutId)).toEqual([
      'rollout.created:ok',
      'rollout.paused:refused',
      'rollout.paused:ok',
      'rollout.paused:refused',
      // downloaded, switching, healthy (progress while downloading is not audited)
      'rollout.kiosk-reported:ok',
      'rollout.kiosk-reported:ok',
      'rollout.kiosk-reported:ok',
      'rollout.resumed:ok',
      'rollout.stage-advanced:ok',
      'rollout.aborted:ok',
      'rollout.resumed:refused',
    ]);
  }, 60_000);

  it('pausing withdraws the offers not yet delivered (offered again on resume) and leaves delivered ones', async () => {
    const [online, offline] = await kiosksAt('rollout-site-g', 2, false);
    if (!online || !offline) throw new Error('two kiosks');
    await online.connect(OLD);
    const created = await hub.api('POST', '/api/rollouts', { version: NEW, target: { kind: 'site', municipality: '豊中市', site: 'rollout-site-g' }, stages: [{ percent: 100, healthySeconds: 0 }] }, technician);
    expect(created.status).toBe(201);
    const { rollout } = RolloutDetailSchema.parse(created.body);
    const steer = (step: string) => hub.api('POST', `/api/rollouts/${rollout.rolloutId}/${step}`, undefined, technician);
    const commandsOf = (kioskId: string) => hub.rows<{ command_id: string; status: string; detail: string | null }>('SELECT command_id, status, detail FROM commands WHERE kiosk_id = ? ORDER BY issued_at, command_id', kioskId);
    await online.offer();
    await until(async () => (await commandsOf(online.kioskId)).every((command) => command.status === 'delivered'));
    const [queued] = await commandsOf(offline.kioskId);
    expect(queued?.status).toBe('queued');

    expect((await steer('pause')).status).toBe(200);
    // The offline kiosk's offer never left the hub: withdrawn, and the kiosk is pending again.
    expect(await commandsOf(offline.kioskId)).toEqual([{ command_id: queued?.command_id, status: 'expired', detail: 'withdrawn: rollout paused' }]);
    expect(await stateOf(rollout.rolloutId, offline.kioskId)).toMatchObject({ state: 'pending' });
    // The delivered offer is the agent's to finish.
    expect((await commandsOf(online.kioskId)).map((command) => command.status)).toEqual(['delivered']);
    expect(await stateOf(rollout.rolloutId, online.kioskId)).toMatchObject({ state: 'offered' });
    const paused = await hub.row<{ detail_json: string }>("SELECT detail_json FROM audit_log WHERE action = 'rollout.paused' AND target = ? AND outcome = 'ok'", rollout.rolloutId);
    expect(JSON.parse(paused?.detail_json ?? '{}')).toMatchObject({ from: 'running', to: 'paused', withdrawn: 1 });
    // While paused, the kiosk that comes online is offered nothing: it has nothing queued.
    await offline.connect(OLD);
    expect((await commandsOf(offline.kioskId)).filter((command) => command.status === 'queued')).toEqual([]);

    expect((await steer('resume')).status).toBe(200);
    const again = await offline.offer();
    expect(again).toMatchObject({ version: NEW, artefactBytes: artefact.length });
    const fresh = (await commandsOf(offline.kioskId)).filter((command) => command.command_id !== queued?.command_id);
    expect(fresh).toHaveLength(1);
    expect(offline.offers.map((command) => command.commandId)).toEqual([fresh[0]?.command_id]);
    expect((await commandsOf(online.kioskId)).map((command) => command.status)).toEqual(['delivered']);
    expect((await steer('abort')).status).toBe(200);
  });

  it('refuses a rollout to a group with a kiosk already in one, of an unknown release, by a viewer', async () => {
    await kiosksAt('rollout-site-d', 1, false);
    expect((await create('rollout-site-d', 0)).status).toBe(201);
    const again = await create('rollout-site-d', 0);
    expect(again.status).toBe(409);
    expect(FailureSchema.parse(again.body).error.message).toMatch(/already in an unfinished rollout/);
    expect((await create('rollout-site-d', 0, viewer)).status).toBe(403);
    const unknown = await hub.api('POST', '/api/rollouts', { version: '9.9.9', target: { kind: 'site', municipality: '豊中市', site: 'rollout-site-d' }, stages: [{ percent: 100, healthySeconds: 0 }] }, technician);
    expect(unknown.status).toBe(404);
    const badStages = await hub.api('POST', '/api/rollouts', { version: NEW, target: { kind: 'municipality', municipality: '豊中市' }, stages: [{ kiosks: 1, healthySeconds: 0 }] }, technician);
    expect(badStages.status).toBe(400);
  });

  it('serves chunks of a known release only, within its bounds', async () => {
    const [kiosk] = await kiosksAt('rollout-site-e', 1);
    if (!kiosk) throw new Error('one kiosk');
    const unknown = await kiosk.chunk('9.9.9', 0, 1024);
    expect(unknown.ok ? null : unknown.error.code).toBe('not_found');
    const past = await kiosk.chunk(NEW, artefact.length, 1024);
    expect(past.ok ? null : past.error.code).toBe('invalid_message');
    const tooLong = FailureSchema.parse(await kiosk.socket?.timeout(5000).emitWithAck('release.chunk', { version: NEW, offset: 0, length: 262_145 }));
    expect(tooLong.error.code).toBe('invalid_message');
    const negative = FailureSchema.parse(await kiosk.socket?.timeout(5000).emitWithAck('release.chunk', { version: NEW, offset: -1, length: 10 }));
    expect(negative.error.code).toBe('invalid_message');
    // The last chunk is what is left.
    const tail = await kiosk.chunk(NEW, artefact.length - 10, 1024);
    expect(tail.ok && Buffer.from(tail.bytes).equals(artefact.subarray(artefact.length - 10))).toBe(true);
    // A report about a release nobody offered it.
    const stray = await kiosk.report({ version: '9.9.9', state: 'healthy' });
    expect(stray.ok ? null : stray.error.code).toBe('not_found');
  });

  it('rolls out to a tag, and counts a kiosk already on the release as healthy without offering it anything', async () => {
    const [tagged, untagged] = await kiosksAt('rollout-site-f', 2, false);
    if (!tagged || !untagged) throw new Error('two kiosks');
    await tagged.connect(NEW);
    expect((await hub.api('POST', `/api/kiosks/${tagged.kioskId}/tags`, { tags: ['pilot-f', 'floor-2'] }, viewer)).status).toBe(403);
    expect((await hub.api('POST', `/api/kiosks/${tagged.kioskId}/tags`, { tags: ['Not A Tag'] }, technician)).status).toBe(400);
    expect((await hub.api('POST', `/api/kiosks/${tagged.kioskId}/tags`, { tags: ['pilot-f', 'floor-2'] }, technician)).status).toBe(200);
    expect((await hub.api('GET', `/api/kiosks/${tagged.kioskId}/tags`, undefined, viewer)).body).toEqual({ tags: ['floor-2', 'pilot-f'] });

    const created = await hub.api('POST', '/api/rollouts', { version: NEW, target: { kind: 'tag', tag: 'pilot-f' }, stages: [{ percent: 100, healthySeconds: 0 }] }, technician);
    expect(created.status).toBe(201);
    const { rollout, kiosks } = RolloutDetailSchema.parse(created.body);
    expect(kiosks.map((kiosk) => [kiosk.kioskId, kiosk.state, kiosk.detail])).toEqual([[tagged.kioskId, 'healthy', 'already running this version']]);
    expect(rollout.state).toBe('completed');
    expect(tagged.offers).toEqual([]);
    expect(await hub.count('SELECT count(*) FROM commands WHERE kiosk_id = ?', tagged.kioskId)).toBe(0);
    expect(await auditActions(rollout.rolloutId)).toEqual(['rollout.created:ok', 'rollout.kiosk-reported:ok', 'rollout.completed:ok']);
    expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'kiosk.tags-set' AND kiosk_id = ?", tagged.kioskId)).toBe(2);
  });
});
