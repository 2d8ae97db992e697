import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeReleaseContainer, encodeReleaseContainer, type ReleaseManifest } from '@kiosk/protocols';

/**
 * Another release made from a packed one: another version, some files replaced, signed with `key`
 * (the manifest's keyId follows the key). For a release that crashes at start, or one signed with
 * another key. Shared with edge-agent/test/agent-update.spec.ts.
 */
export function resignRelease(artefact: Buffer, key: KeyObject, change: { version: string; replace?: Record<string, string> }): Buffer {
  const container = decodeReleaseContainer(gunzipSync(artefact));
  const manifest = JSON.parse(Buffer.from(container.manifestBytes).toString('utf8')) as ReleaseManifest;
  const files = [...container.files];
  const listed = manifest.files.map((file, index) => {
    const replacement = change.replace?.[file.path];
    if (replacement === undefined) return file;
    const bytes = Buffer.from(replacement, 'utf8');
    files[index] = bytes;
    return { ...file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const next: ReleaseManifest = { ...manifest, version: change.version, files: listed, keyId: createHash('sha256').update(spki).digest('hex') };
  const manifestBytes = Buffer.from(JSON.stringify(next), 'utf8');
  return gzipSync(encodeReleaseContainer({ manifestBytes, signature: sign(null, manifestBytes, key), files }), { level: 1 });
}
