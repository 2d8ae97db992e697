import { createHash, createPublicKey } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  ReleaseContainerError,
  ReleaseManifestSchema,
  checkReleaseHashes,
  decodeReleaseContainer,
  verifyReleaseSignature,
  type FileDigest,
  type ReleaseManifest,
} from '@kiosk/protocols';

/** Why an artefact is refused: the case for the report, the message for a person. */
export class ReleaseRefusedError extends Error {
  override readonly name = 'ReleaseRefusedError';
  constructor(
    readonly reason: 'not-an-artefact' | 'bad-signature' | 'bad-manifest' | 'wrong-version' | 'file-mismatch',
    message: string,
  ) {
    super(message);
  }
}

/** A release whose signature and every file were checked: safe to unpack. */
export interface VerifiedRelease {
  manifest: ReleaseManifest;
  /** The manifest exactly as signed, and its signature (kept beside the unpacked files). */
  manifestBytes: Uint8Array;
  signature: Uint8Array;
  files: Uint8Array[];
}

/** The release public key (PEM, SPKI) as the DER bytes WebCrypto verifies with. */
export function releaseKeySpki(pem: string): Uint8Array {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the release public key is not an Ed25519 key');
  return key.export({ format: 'der', type: 'spki' });
}

/**
 * The agent's checks of an artefact whose SHA-256 already matched the hub's offer (issue 19): a
 * container, the Ed25519 signature over the manifest's exact bytes made with the release key this kiosk
 * trusts, a manifest that parses and names the offered version, and every file's size and SHA-256.
 * Nothing unsigned is trusted: the manifest is parsed only after its signature verified.
 */
export async function verifyRelease(artefact: Uint8Array, releaseKey: Uint8Array, expectedVersion: string): Promise<VerifiedRelease> {
  let container;
  try {
    container = decodeReleaseContainer(gunzipSync(artefact));
  } catch (error) {
    if (error instanceof ReleaseContainerError || (error instanceof Error && 'code' in error)) {
      throw new ReleaseRefusedError('not-an-artefact', `not a release artefact: ${error.message}`);
    }
    throw error;
  }
  if (!(await verifyReleaseSignature(container.manifestBytes, container.signature, releaseKey))) {
    throw new ReleaseRefusedError('bad-signature', 'the release is not signed with the release key this kiosk trusts');
  }
  const parsed = ReleaseManifestSchema.safeParse(JSON.parse(Buffer.from(container.manifestBytes).toString('utf8')));
  if (!parsed.success) throw new ReleaseRefusedError('bad-manifest', 'the signed manifest does not parse');
  const manifest = parsed.data;
  if (manifest.version !== expectedVersion) {
    throw new ReleaseRefusedError('wrong-version', `the artefact holds ${manifest.version}, not the offered ${expectedVersion}`);
  }
  if (container.files.length !== manifest.files.length) {
    throw new ReleaseRefusedError('file-mismatch', `${container.files.length} files for ${manifest.files.length} in the manifest`);
  }
  const digests = new Map<string, FileDigest>();
  manifest.files.forEach((file, index) => {
    const bytes = container.files[index] ?? new Uint8Array();
    digests.set(file.path, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  });
  const problems = checkReleaseHashes(manifest, digests);
  if (problems.length > 0) {
    const first = problems.slice(0, 3).map((problem) => `${problem.path} (${problem.problem})`).join(', ');
    throw new ReleaseRefusedError('file-mismatch', `${problems.length} file(s) differ from the manifest: ${first}`);
  }
  return { manifest, manifestBytes: container.manifestBytes, signature: container.signature, files: container.files };
}
