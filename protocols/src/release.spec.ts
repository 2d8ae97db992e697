import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  RELEASE_MANIFEST_FORMAT,
  ReleaseContainerError,
  ReleaseManifestSchema,
  checkReleaseHashes,
  decodeReleaseContainer,
  encodeReleaseContainer,
  verifyReleaseSignature,
  type ReleaseManifest,
} from './release';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const spki = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => new Uint8Array(key.export({ format: 'der', type: 'spki' }));

const files = [new TextEncoder().encode('console.log("agent")\n'), Uint8Array.of(0, 1, 2, 255)];
const manifest: ReleaseManifest = {
  format: RELEASE_MANIFEST_FORMAT,
  version: '1.2.0',
  createdAt: '2026-12-07T05:00:00.000Z',
  minProtocolVersion: 1,
  keyId: 'a'.repeat(64),
  files: [
    { path: 'edge-agent/dist/main.js', size: files[0]!.length, sha256: sha256(files[0]!) },
    { path: 'kiosk-ui/dist/kiosk/logo.bin', size: 4, sha256: sha256(files[1]!) },
  ],
  nativeModules: [{ name: 'better-sqlite3', version: '12.4.1', platform: 'linux', arch: 'x64' }],
  dependencies: 'lockfile',
};

describe('release container', () => {
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const container = { manifestBytes, signature: new Uint8Array(64).fill(7), files };

  it('decodes what it encodes, byte for byte', () => {
    const decoded = decodeReleaseContainer(encodeReleaseContainer(container));
    expect(Buffer.from(decoded.manifestBytes).equals(Buffer.from(manifestBytes))).toBe(true);
    expect(decoded.signature).toEqual(container.signature);
    expect(decoded.files.map((file) => Buffer.from(file).toString('hex'))).toEqual(files.map((file) => Buffer.from(file).toString('hex')));
  });

  it('refuses other bytes, a cut-off container and bytes after the last file', () => {
    const bytes = encodeReleaseContainer(container);
    const reason = (input: Uint8Array) => {
      try {
        decodeReleaseContainer(input);
        return 'decoded';
      } catch (error) {
        return error instanceof ReleaseContainerError ? error.reason : 'other';
      }
    };
    expect(reason(new TextEncoder().encode('PK\u0003\u0004 a zip file'))).toBe('magic');
    expect(reason(Uint8Array.of(...bytes.subarray(0, 8), 2))).toBe('format');
    expect(reason(bytes.subarray(0, bytes.length - 1))).toBe('truncated');
    expect(reason(Uint8Array.of(...bytes, 0))).toBe('trailing-bytes');
  });
});

describe('release manifest', () => {
  it('accepts the manifest and refuses paths that climb out or repeat', () => {
    expect(ReleaseManifestSchema.safeParse(manifest).success).toBe(true);
    const withPath = (path: string) => ({ ...manifest, files: [{ ...manifest.files[0]!, path }] });
    for (const bad of ['../etc/passwd', '/etc/passwd', 'a//b', 'a/./b', 'a\\b']) expect(ReleaseManifestSchema.safeParse(withPath(bad)).success).toBe(false);
    expect(ReleaseManifestSchema.safeParse({ ...manifest, files: [manifest.files[0], manifest.files[0]] }).success).toBe(false);
    expect(ReleaseManifestSchema.safeParse({ ...manifest, version: 'v1' }).success).toBe(false);
  });
});

describe('verifyReleaseSignature', () => {
  const release = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const signature = new Uint8Array(sign(null, bytes, release.privateKey));

  it('holds for the release key and no other, and not for one changed byte', async () => {
    expect(await verifyReleaseSignature(bytes, signature, spki(release.publicKey))).toBe(true);
    expect(await verifyReleaseSignature(bytes, signature, spki(other.publicKey))).toBe(false);
    const changed = Uint8Array.from(bytes);
    changed[10] = (changed[10] ?? 0) ^ 1;
    expect(await verifyReleaseSignature(changed, signature, spki(release.publicKey))).toBe(false);
  });

  it('is false for a key that is not Ed25519', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(await verifyReleaseSignature(bytes, signature, spki(rsa.publicKey))).toBe(false);
  });
});

describe('checkReleaseHashes', () => {
  const measured = () => new Map(manifest.files.map((file) => [file.path, { size: file.size, sha256: file.sha256 }]));

  it('is empty when every file matches', () => {
    expect(checkReleaseHashes(manifest, measured())).toEqual([]);
  });

  it('names a missing file, a changed size and a changed byte', () => {
    const digests = measured();
    digests.delete('edge-agent/dist/main.js');
    digests.set('kiosk-ui/dist/kiosk/logo.bin', { size: 4, sha256: sha256(Uint8Array.of(0, 1, 2, 254)) });
    expect(checkReleaseHashes(manifest, digests)).toEqual([
      { path: 'edge-agent/dist/main.js', problem: 'missing' },
      { path: 'kiosk-ui/dist/kiosk/logo.bin', problem: 'sha256' },
    ]);
    digests.set('kiosk-ui/dist/kiosk/logo.bin', { size: 5, sha256: manifest.files[1]!.sha256 });
    expect(checkReleaseHashes(manifest, digests)[1]).toEqual({ path: 'kiosk-ui/dist/kiosk/logo.bin', problem: 'size' });
  });
});
