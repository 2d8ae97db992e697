import { createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ReleaseManifestSchema, decodeReleaseContainer, verifyReleaseSignature } from '@kiosk/protocols';
import { ReleasePackError, collectReleaseFiles, generateReleaseKey, nativeModulesOf, packRelease, readReleasePrivateKey, releaseKeyId } from './release-pack';

describe('release-pack', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'release-pack-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A built checkout in miniature: what the kiosk loads, and what it must not get. */
  function checkout(): void {
    const files: Record<string, string> = {
      'edge-agent/dist/main.js': 'main',
      'edge-agent/dist/agent.spec.js': 'a test',
      'edge-agent/dist/agent.d.ts': 'types',
      'edge-agent/dist/.tsbuildinfo': '{}',
      'protocols/dist/index.js': 'protocols',
      'devices/dist/card/apdu.js': 'apdu',
      'devices/dist/bench/apdu-bench.js': 'a bench',
      'kiosk-ui/dist/kiosk/index.html': '<!doctype html>',
      'package.json': '{}',
      'protocols/package.json': '{}',
      'devices/package.json': '{}',
      'edge-agent/package.json': '{"version":"0.1.0"}',
      'package-lock.json': JSON.stringify({
        packages: {
          '': {},
          'node_modules/better-sqlite3': { version: '12.11.1', hasInstallScript: true },
          'node_modules/esbuild': { version: '0.28.2', hasInstallScript: true, dev: true },
          'node_modules/zod': { version: '4.1.0' },
        },
      }),
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
  }

  it('collects the built files the kiosk loads and the manifests, without tests, benches or declarations', () => {
    checkout();
    expect(collectReleaseFiles(dir).map((file) => file.path)).toEqual([
      'devices/dist/card/apdu.js',
      'devices/package.json',
      'edge-agent/dist/main.js',
      'edge-agent/package.json',
      'kiosk-ui/dist/kiosk/index.html',
      'package-lock.json',
      'package.json',
      'protocols/dist/index.js',
      'protocols/package.json',
    ]);
    expect(nativeModulesOf(dir, 'linux', 'arm64')).toEqual([{ name: 'better-sqlite3', version: '12.11.1', platform: 'linux', arch: 'arm64' }]);
  });

  it('says what to build when a build is missing', () => {
    expect(() => collectReleaseFiles(dir)).toThrow(ReleasePackError);
  });

  it('writes a release key 0600, never over an existing one, and packs a release its public key verifies', async () => {
    const keyFile = path.join(dir, 'release-key.pem');
    const written = generateReleaseKey(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(written.publicKeyFile).toBe(path.join(dir, 'release-key.pub.pem'));
    expect(() => generateReleaseKey(keyFile)).toThrow(/exists/);

    checkout();
    const privateKey = readReleasePrivateKey(keyFile);
    const files = collectReleaseFiles(dir);
    const { artefact, manifest } = packRelease(files, { version: '0.1.0', createdAt: new Date('2026-12-07T05:00:00Z'), minProtocolVersion: 1, nativeModules: [], privateKey });
    const container = decodeReleaseContainer(gunzipSync(artefact));
    expect(ReleaseManifestSchema.parse(JSON.parse(Buffer.from(container.manifestBytes).toString('utf8')))).toEqual(manifest);
    expect(manifest.keyId).toBe(written.keyId);
    expect(manifest.keyId).toBe(releaseKeyId(createPublicKey(privateKey)));
    const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
    expect(await verifyReleaseSignature(container.manifestBytes, container.signature, spki)).toBe(true);
    expect(container.files.map((bytes) => Buffer.from(bytes).toString('utf8'))).toEqual(files.map((file) => Buffer.from(file.bytes).toString('utf8')));
  });
});
