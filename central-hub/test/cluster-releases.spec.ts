/**
 * A release on a shared system of two hub processes (issue 19 with issue 14): the artefact is uploaded
 * to process A and lives in the shared PostgreSQL database, not in A's data directory, so a kiosk that
 * is connected to process B is offered it (the rollout created through A) and downloads every chunk
 * from B: the bytes are exactly the upload's and hash to the accepted SHA-256. B's data directory holds
 * no release file. A range that spans two stored pieces comes back exactly too.
 *
 * Runs in the PostgreSQL pass of the hub suite (several processes need a shared server database), with
 * the Redis on loopback (scripts/ensure-redis.sh); the hub pair has its own key prefix, removed after.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { PROTOCOL_VERSION, ReleaseChunkAckSchema, ReleaseSummarySchema, RolloutDetailSchema, type AgentUpdateParams, type HubCommand } from '@kiosk/protocols';
import type { RedisConfig } from '../src/config';
import { RELEASES_DIR } from '../src/repositories/release-files.repository';
import { STORED_CHUNK_BYTES } from '../src/repositories/release.repository';
import { packRelease } from '../src/tools/release-pack';
import { waitUntil } from '../../test/support/processes';
import { connectAgent, enrolKiosk, signedAuth, type AgentClientSocket } from './support/agent-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { deleteKeysUnder } from './support/redis-keys';
import { TEST_ENGINE } from './support/test-store';
import { TestHub } from './support/test-hub';

const REDIS_URL = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const describeOnPostgres = TEST_ENGINE === 'postgres' ? describe : describe.skip;
const NEW = '5.1.0';

describeOnPostgres('a release uploaded to one hub process, served by another', () => {
  const clock = new ManualClock(new Date());
  const releaseKey = generateKeyPairSync('ed25519');
  const keyDir = mkdtempSync(path.join(tmpdir(), 'cluster-release-key-'));
  const redis: RedisConfig = { url: REDIS_URL, keyPrefix: `hub-test:${process.pid}:${randomUUID()}:` };
  const inspector = createClient({ url: REDIS_URL });
  let a: TestHub;
  let b: TestHub;
  let agent: AgentClientSocket | undefined;

  beforeAll(async () => {
    await inspector.connect();
    const publicKeyFile = path.join(keyDir, 'release.pub.pem');
    writeFileSync(publicKeyFile, releaseKey.publicKey.export({ format: 'pem', type: 'spki' }));
    a = await TestHub.start({ config: { redis, releases: { publicKeyFile } }, overrides: { clock, scheduler: new ManualScheduler() } });
    // B on A's database (the test hub B makes a database of its own too, which stays unused).
    b = await TestHub.start({ config: { redis, database: a.database, releases: { publicKeyFile } }, overrides: { clock, scheduler: new ManualScheduler() } });
  }, 60_000);

  afterAll(async () => {
    agent?.close();
    await b?.close();
    await a?.close();
    rmSync(keyDir, { recursive: true, force: true });
    await deleteKeysUnder(inspector, redis.keyPrefix);
    inspector.destroy();
  });

  it("offers the release through A to a kiosk on B, which downloads every chunk from B exactly as uploaded", async () => {
    // 700 KB of random (incompressible) bytes: the artefact is stored in three pieces.
    const files = [
      { path: 'edge-agent/dist/main.js', bytes: Buffer.from('require("./agent").start();\n') },
      { path: 'edge-agent/dist/big.bin', bytes: randomBytes(700_000) },
    ];
    const artefact = packRelease(files, { version: NEW, createdAt: clock.now(), minProtocolVersion: 1, nativeModules: [], privateKey: releaseKey.privateKey }).artefact;
    expect(artefact.length).toBeGreaterThan(2 * STORED_CHUNK_BYTES);
    const uploaded = await fetch(`${a.url}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.hub.adminToken}`, 'content-type': 'application/octet-stream' },
      body: artefact,
    });
    expect(uploaded.status).toBe(201);
    const summary = ReleaseSummarySchema.parse(await uploaded.json());
    expect(summary.artefactSha256).toBe(createHash('sha256').update(artefact).digest('hex'));

    // The kiosk enrolled and connected to B only.
    const kiosk = await enrolKiosk(a, { site: 'cluster-release-site' });
    const offers: HubCommand[] = [];
    const connected = await connectAgent(b.url, signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: clock.now().getTime() }), (s) => {
      s.on('command', (command, ack) => {
        offers.push(command);
        ack({ ok: true, duplicate: false });
      });
    });
    if (connected.refusal) throw new Error(`handshake refused: ${connected.refusal.code}`);
    agent = connected.socket;
    await agent.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '5.0.0' });

    const created = await a.api('POST', '/api/rollouts', { version: NEW, target: { kind: 'site', municipality: '豊中市', site: 'cluster-release-site' }, stages: [{ percent: 100, healthySeconds: 0 }] });
    expect(created.status).toBe(201);
    expect(RolloutDetailSchema.parse(created.body).kiosks.map((k) => k.kioskId)).toEqual([kiosk.kioskId]);
    await waitUntil('the kiosk on B is offered the release', () => Promise.resolve(offers.some((c) => c.type === 'agent.update')), 10_000, 20);
    const offer = offers.find((c) => c.type === 'agent.update');
    if (offer?.type !== 'agent.update') throw new Error('no agent.update offer');
    const params: AgentUpdateParams = offer.params;
    expect(params).toMatchObject({ version: NEW, artefactBytes: artefact.length, artefactSha256: summary.artefactSha256 });

    const socket = agent;
    const chunk = async (offset: number, length: number) => ReleaseChunkAckSchema.parse(await socket.timeout(5000).emitWithAck('release.chunk', { version: NEW, offset, length }));
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < params.artefactBytes; ) {
      const answer = await chunk(offset, params.chunkBytes);
      if (!answer.ok) throw new Error(`chunk at ${offset} refused by B: ${answer.error.code} ${answer.error.message}`);
      expect(answer.offset).toBe(offset);
      parts.push(answer.bytes);
      offset += answer.bytes.length;
    }
    const downloaded = Buffer.concat(parts);
    expect(downloaded.equals(artefact)).toBe(true);
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(summary.artefactSha256);

    // A resumed download asks from wherever its file ended: a range across two stored pieces.
    const across = await chunk(STORED_CHUNK_BYTES - 1000, 5000);
    if (!across.ok) throw new Error(across.error.message);
    expect(Buffer.from(across.bytes).equals(artefact.subarray(STORED_CHUNK_BYTES - 1000, STORED_CHUNK_BYTES + 4000))).toBe(true);

    // Neither process keeps a file: the artefact is the database's.
    expect(existsSync(path.join(a.dir, RELEASES_DIR))).toBe(false);
    expect(existsSync(path.join(b.dir, RELEASES_DIR))).toBe(false);
  });
});
