import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  ReleaseContainerError,
  ReleaseManifestSchema,
  checkReleaseHashes,
  decodeReleaseContainer,
  verifyReleaseSignature,
  type ErrorIssue,
  type FileDigest,
  type ReleaseManifest,
} from '@kiosk/protocols';

/** The release public key the hub trusts: SPKI DER bytes and their SHA-256 (the manifests' `keyId`). */
export interface TrustedReleaseKey {
  spki: Uint8Array;
  keyId: string;
}

/** A release key's name: SHA-256 (hex) of its SPKI DER, as manifests carry it (`keyId`) and refusals show it. */
export function releaseKeyIdOf(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}

/** What a release container may unpack to at most: far above any agent, far below the hub's memory. */
export const MAX_UNPACKED_RELEASE_BYTES = 1024 * 1024 * 1024;

export type ReleaseInspection =
  | { ok: true; manifest: ReleaseManifest; manifestJson: string; artefactSha256: string }
  | {
      ok: false;
      /** `malformed`: not a release at all (400); the others: a release the hub must not trust (422). */
      reason: 'malformed' | 'signature' | 'hashes';
      message: string;
      issues?: ErrorIssue[];
    };

/**
 * Everything the hub checks of an uploaded artefact before it keeps it (issue 19), in the order that
 * trusts nothing early: unpack the container, verify the Ed25519 signature over the manifest's exact
 * bytes, then parse the manifest, then hash every file against it. CPU only; no file is read or written.
 */
export async function inspectRelease(artefact: Uint8Array, key: TrustedReleaseKey): Promise<ReleaseInspection> {
  let container;
  try {
    container = decodeReleaseContainer(gunzipSync(artefact, { maxOutputLength: MAX_UNPACKED_RELEASE_BYTES }));
  } catch (error) {
    const why = error instanceof ReleaseContainerError ? error.message : 'not a gzip file, or larger than 1 GiB unpacked';
    return { ok: false, reason: 'malformed', message: `not a kiosk release artefact: ${why}` };
  }
  const manifestJson = new TextDecoder('utf-8', { fatal: false }).decode(container.manifestBytes);
  if (!(await verifyReleaseSignature(container.manifestBytes, container.signature, key.spki))) {
    const claimed = claimedKeyId(manifestJson);
    const by = claimed === null || claimed === key.keyId ? '' : ` (it names key ${claimed.slice(0, 16)}…)`;
    return { ok: false, reason: 'signature', message: `the release signature does not verify against the hub's release key ${key.keyId.slice(0, 16)}…${by}` };
  }
  const parsed = ReleaseManifestSchema.safeParse(parseJson(manifestJson));
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return { ok: false, reason: 'malformed', message: 'the release manifest is not a valid kiosk-agent-release/1 manifest', issues };
  }
  const manifest = parsed.data;
  if (container.files.length !== manifest.files.length) {
    return { ok: false, reason: 'hashes', message: `the artefact holds ${container.files.length} files, its manifest lists ${manifest.files.length}` };
  }
  const digests = new Map<string, FileDigest>(
    manifest.files.map((file, i) => {
      const bytes = container.files[i] ?? new Uint8Array();
      return [file.path, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }];
    }),
  );
  const problems = checkReleaseHashes(manifest, digests);
  if (problems.length > 0) {
    const issues = problems.slice(0, 20).map((problem) => ({ path: problem.path, message: problem.problem === 'size' ? 'size differs from the manifest' : 'SHA-256 differs from the manifest' }));
    return { ok: false, reason: 'hashes', message: `${problems.length} file(s) do not match the signed manifest`, issues };
  }
  return { ok: true, manifest, manifestJson, artefactSha256: createHash('sha256').update(artefact).digest('hex') };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The key a manifest says signed it, for the refusal's message only (it proves nothing). */
function claimedKeyId(manifestJson: string): string | null {
  const value = parseJson(manifestJson);
  if (typeof value !== 'object' || value === null || !('keyId' in value)) return null;
  return typeof value.keyId === 'string' && /^[0-9a-f]{64}$/.test(value.keyId) ? value.keyId : null;
}
