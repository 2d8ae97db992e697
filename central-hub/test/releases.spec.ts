/**
 * Agent releases on a real hub (issue 19): an administrator uploads an artefact packed by the release
 * tool (central-hub/src/tools/release-pack.ts); the hub keeps it, row and artefact in the database,
 * only when its signature verifies against HUB_RELEASE_PUBLIC_KEY_FILE and every file matches the
 * signed manifest. A release signed with another key, a file changed after signing, a cut-off artefact,
 * the same version twice and a technician are refused with a clear status and code, audited, and change
 * nothing. A release the previous version kept as a file is copied into the database at start-up.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FailureSchema, ReleaseListSchema, ReleaseSummarySchema, decodeReleaseContainer, encodeReleaseContainer, type NativeModule } from '@kiosk/protocols';
import { RELEASES_DIR } from '../src/repositories/release-files.repository';
import { collectReleaseFiles, nativeModulesOf, packRelease, type ReleaseInput } from '../src/tools/release-pack';
import { TestHub } from './support/test-hub';

const FILES: ReleaseInput[] = [
  { path: 'edge-agent/dist/main.js', bytes: Buffer.from('require("./agent").start();\n') },
  { path: 'kiosk-ui/dist/kiosk/index.html', bytes: Buffer.from('<!doctype html><title>kiosk</title>\n') },
  { path: 'package-lock.json', bytes: Buffer.from('{"lockfileVersion":3}\n') },
];
const NATIVE: NativeModule[] = [{ name: 'better-sqlite3', version: '12.11.1', platform: 'linux', arch: 'x64' }];

function pack(version: string, privateKey: KeyObject, files: readonly ReleaseInput[] = FILES): Buffer {
  return packRelease(files, { version, createdAt: new Date('2026-12-07T05:00:00Z'), minProtocolVersion: 1, nativeModules: NATIVE, privateKey }).artefact;
}

describe('agent releases (POST/GET /api/releases)', () => {
  const releaseKey = generateKeyPairSync('ed25519');
  const otherKey = generateKeyPairSync('ed25519');
  let hub: TestHub;
  let admin: string;
  let technician: string;

  beforeAll(async () => {
    hub = await TestHub.start();
    const keyFile = path.join(hub.dir, 'release-key.pub.pem');
    writeFileSync(keyFile, releaseKey.publicKey.export({ format: 'pem', type: 'spki' }));
    await hub.stop();
    await hub.listen({ config: { releases: { publicKeyFile: keyFile } } });
    admin = await hub.login('rel-admin', await hub.createUser('rel-admin', 'administrator', null));
    technician = await hub.login('rel-tech', await hub.createUser('rel-tech', 'technician', '豊中市'));
  }, 60_000);

  afterAll(async () => {
    await hub.close();
  });

  const upload = async (artefact: Uint8Array, token: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${hub.url}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: artefact,
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const listed = async () => ReleaseListSchema.parse((await hub.api('GET', '/api/releases', undefined, admin)).body).releases.map((release) => release.version);
  /** The versions whose artefact is in the database, and one version's artefact as stored (its pieces in order). */
  const storedVersions = async () => (await hub.rows<{ version: string }>('SELECT DISTINCT version FROM agent_release_chunks ORDER BY version')).map((row) => row.version);
  const storedArtefact = async (version: string) =>
    Buffer.concat((await hub.rows<{ bytes: Uint8Array }>('SELECT bytes FROM agent_release_chunks WHERE version = ? ORDER BY chunk_index', version)).map((row) => row.bytes));
  const auditRows = (outcome: 'ok' | 'refused') =>
    hub.rows<{ target: string | null; detail_json: string }>("SELECT target, detail_json FROM audit_log WHERE action = 'release.uploaded' AND outcome = ? ORDER BY seq", outcome);
  const refusalReasons = async () => (await auditRows('refused')).map((row) => (JSON.parse(row.detail_json) as { reason: string }).reason);
  const errorOf = (body: unknown) => FailureSchema.parse(body).error;

  it('accepts a release signed with the release key, keeps it in the database (no file) and lists it', async () => {
    const artefact = pack('1.2.0', releaseKey.privateKey);
    const answer = await upload(artefact, admin);
    expect(answer.status).toBe(201);
    const summary = ReleaseSummarySchema.parse(answer.body);
    expect(summary).toMatchObject({ version: '1.2.0', minProtocolVersion: 1, fileCount: 3, nativeModules: NATIVE, artefactBytes: artefact.length, uploadedBy: 'rel-admin' });

    expect(await listed()).toEqual(['1.2.0']);
    expect((await storedArtefact('1.2.0')).equals(artefact)).toBe(true);
    expect(await storedVersions()).toEqual(['1.2.0']);
    expect(existsSync(path.join(hub.dir, RELEASES_DIR))).toBe(false);
    expect((await auditRows('ok')).map((row) => row.target)).toEqual(['1.2.0']);
  });

  it('refuses a release signed with another key: 422 bad_signature, nothing stored', async () => {
    const answer = await upload(pack('1.3.0', otherKey.privateKey), admin);
    expect(answer.status).toBe(422);
    expect(errorOf(answer.body)).toMatchObject({ code: 'bad_signature', message: expect.stringMatching(/does not verify against the hub's release key/) });
    expect(await listed()).toEqual(['1.2.0']);
    expect(await storedVersions()).toEqual(['1.2.0']);
    expect(await refusalReasons()).toEqual(['signature']);
  });

  it('refuses a file changed after signing (422, the file named) and a cut-off artefact (400)', async () => {
    const container = decodeReleaseContainer(gunzipSync(pack('1.4.0', releaseKey.privateKey)));
    const tampered = container.files.map((bytes, i) => (i === 0 ? Buffer.from('require("./evil").start();\n') : bytes));
    const answer = await upload(gzipSync(encodeReleaseContainer({ ...container, files: tampered })), admin);
    expect(answer.status).toBe(422);
    expect(errorOf(answer.body)).toMatchObject({ code: 'invalid_message', issues: [{ path: 'edge-agent/dist/main.js', message: expect.stringMatching(/differs from the manifest/) }] });

    const good = pack('1.4.0', releaseKey.privateKey);
    const cut = await upload(good.subarray(0, good.length - 40), admin);
    expect(cut.status).toBe(400);
    expect(errorOf(cut.body)).toMatchObject({ code: 'invalid_message', message: expect.stringMatching(/not a kiosk release artefact/) });

    expect(await listed()).toEqual(['1.2.0']);
    expect(await storedVersions()).toEqual(['1.2.0']);
    expect(await refusalReasons()).toEqual(['signature', 'hashes', 'malformed']);
  });

  it('never replaces a version: the same version again is 409 and the first artefact stays', async () => {
    const first = await storedArtefact('1.2.0');
    const again = await upload(pack('1.2.0', releaseKey.privateKey, [...FILES, { path: 'extra.txt', bytes: Buffer.from('x') }]), admin);
    expect(again.status).toBe(409);
    expect((await storedArtefact('1.2.0')).equals(first)).toBe(true);
    expect(await storedVersions()).toEqual(['1.2.0']);
  });

  it('refuses a technician (403) and no session (401); a technician may list', async () => {
    const answer = await upload(pack('1.5.0', releaseKey.privateKey), technician);
    expect(answer.status).toBe(403);
    expect(errorOf(answer.body).code).toBe('forbidden');
    const anonymous = await fetch(`${hub.url}/api/releases`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: pack('1.5.0', releaseKey.privateKey) });
    expect(anonymous.status).toBe(401);
    expect((await hub.api('GET', '/api/releases', undefined, technician)).status).toBe(200);
    expect(await listed()).toEqual(['1.2.0']);
    expect((await refusalReasons()).slice(-2)).toEqual(['version-exists', 'role']);
  });

  it('accepts the release the tool packs from this built checkout', async () => {
    const repoRoot = path.resolve(__dirname, '..', '..');
    const files = collectReleaseFiles(repoRoot);
    const { artefact } = packRelease(files, { version: '2.0.0-rc.1', createdAt: new Date(), minProtocolVersion: 1, nativeModules: nativeModulesOf(repoRoot), privateKey: releaseKey.privateKey });
    const answer = await upload(artefact, admin);
    expect(answer.status).toBe(201);
    const summary = ReleaseSummarySchema.parse(answer.body);
    expect(summary.fileCount).toBe(files.length);
    expect(summary.nativeModules.map((module) => module.name)).toEqual(expect.arrayContaining(['better-sqlite3', 'pcsclite']));
    expect(await listed()).toEqual(expect.arrayContaining(['1.2.0', '2.0.0-rc.1']));
  }, 60_000);

  it('of two uploads of one version at once, stores one, its artefact with its row', async () => {
    const a = pack('3.0.0', releaseKey.privateKey);
    const b = pack('3.0.0', releaseKey.privateKey, [...FILES, { path: 'extra.txt', bytes: Buffer.from('b') }]);
    const answers = await Promise.all([upload(a, admin), upload(b, admin)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const kept = ReleaseSummarySchema.parse(answers.find((answer) => answer.status === 201)?.body);
    const stored = await storedArtefact('3.0.0');
    expect(stored.length).toBe(kept.artefactBytes);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(kept.artefactSha256);
  });

  it('copies in at start-up a release the previous version kept as a file, only when it hashes to what was accepted', async () => {
    // What the previous version left: rows without pieces (migration 15 adds the column as NULL) and the files.
    const good = pack('4.0.0', releaseKey.privateKey);
    const damaged = pack('4.1.0', releaseKey.privateKey);
    const missing = pack('4.2.0', releaseKey.privateKey);
    for (const artefact of [good, damaged, missing]) expect((await upload(artefact, admin)).status).toBe(201);
    await hub.stop();
    for (const version of ['4.0.0', '4.1.0', '4.2.0']) {
      expect(await hub.change('DELETE FROM agent_release_chunks WHERE version = ?', version)).toBeGreaterThan(0);
      expect(await hub.change('UPDATE agent_releases SET artefact_chunk_bytes = NULL WHERE version = ?', version)).toBe(1);
    }
    mkdirSync(path.join(hub.dir, RELEASES_DIR), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(hub.dir, RELEASES_DIR, '4.0.0.kioskrel'), good);
    const changed = Buffer.from(damaged);
    changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 0xff;
    writeFileSync(path.join(hub.dir, RELEASES_DIR, '4.1.0.kioskrel'), changed);

    await hub.listen({ config: { releases: { publicKeyFile: path.join(hub.dir, 'release-key.pub.pem') } } });
    expect((await storedArtefact('4.0.0')).equals(good)).toBe(true);
    expect(await storedArtefact('4.1.0')).toHaveLength(0);
    expect(await storedArtefact('4.2.0')).toHaveLength(0);
    const asFiles = await hub.rows<{ version: string }>('SELECT version FROM agent_releases WHERE artefact_chunk_bytes IS NULL ORDER BY version');
    expect(asFiles.map((row) => row.version)).toEqual(['4.1.0', '4.2.0']);
    expect(await listed()).toEqual(expect.arrayContaining(['4.0.0', '4.1.0', '4.2.0']));
  });
});

describe('a hub without a release key', () => {
  let hub: TestHub;
  beforeAll(async () => (hub = await TestHub.start()), 60_000);
  afterAll(async () => {
    await hub.close();
  });

  it('refuses every release (409) and stores nothing', async () => {
    const artefact = pack('1.0.0', generateKeyPairSync('ed25519').privateKey);
    const response = await fetch(`${hub.url}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.hub.adminToken}`, 'content-type': 'application/octet-stream' },
      body: artefact,
    });
    expect(response.status).toBe(409);
    expect(FailureSchema.parse(await response.json()).error.message).toMatch(/HUB_RELEASE_PUBLIC_KEY_FILE/);
    expect(ReleaseListSchema.parse((await hub.api('GET', '/api/releases')).body).releases).toEqual([]);
    expect(existsSync(path.join(hub.dir, RELEASES_DIR))).toBe(false);
  });
});
