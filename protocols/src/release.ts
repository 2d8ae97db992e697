import { z } from 'zod';
import { InstantSchema } from './common';

/**
 * Agent releases (issue 19): the manifest a release carries, the container it travels in, and the two
 * checks both the hub and the agent make before they trust one. Pure: bytes in, verdicts out. Reading
 * and writing files, gzip, and computing each file's SHA-256 stay with the callers; the signature check
 * uses WebCrypto (`globalThis.crypto.subtle`), which Node 20 and browsers both have.
 *
 * The container, after gunzip (all integers unsigned big-endian):
 *
 *   "KIOSKREL" (8 bytes) · format 1 (1 byte)
 *   u32 manifest length · the manifest's JSON bytes (UTF-8): exactly the bytes that were signed
 *   u32 signature length · the Ed25519 signature of those bytes (64 bytes)
 *   u32 file count · per file, in the manifest's order: u32 length · the file's bytes
 *
 * A file's path is only in the (signed) manifest; the container holds nothing else that names a file,
 * so nothing unsigned decides where anything is unpacked.
 */

export const RELEASE_MANIFEST_FORMAT = 'kiosk-agent-release/1' as const;
export const RELEASE_CONTAINER_MAGIC = 'KIOSKREL';
export const RELEASE_CONTAINER_FORMAT = 1;

/** `1.4.0`, `1.4.0-rc.2`: semantic versions, which sort and name directories safely. */
export const ReleaseVersionSchema = z
  .string()
  .max(64)
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/, 'a semantic version such as 1.4.0 or 1.4.0-rc.1');

/** A relative POSIX path inside the release: no `..`, no leading `/`, no empty or `.` segment. */
export const ReleaseFilePathSchema = z
  .string()
  .min(1)
  .max(400)
  .refine(
    (value) => !value.startsWith('/') && !value.includes('\\') && !value.includes('\0') && value.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'a relative path without "..", "." or empty segments',
  );

const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 as 64 lowercase hex digits');

export const ReleaseFileSchema = z.strictObject({
  path: ReleaseFilePathSchema,
  size: z.int().min(0),
  sha256: Sha256HexSchema,
});
export type ReleaseFile = z.infer<typeof ReleaseFileSchema>;

/** A dependency with compiled code: the kiosk must have (or build) it for its own platform and architecture. */
export const NativeModuleSchema = z.strictObject({
  name: z.string().min(1).max(214),
  version: z.string().min(1).max(64),
  platform: z.string().min(1).max(32),
  arch: z.string().min(1).max(32),
});
export type NativeModule = z.infer<typeof NativeModuleSchema>;

export const ReleaseManifestSchema = z
  .strictObject({
    format: z.literal(RELEASE_MANIFEST_FORMAT),
    version: ReleaseVersionSchema,
    createdAt: InstantSchema,
    /** The oldest hub protocol (PROTOCOL_VERSION) this agent can speak. */
    minProtocolVersion: z.int().min(1),
    /** SHA-256 (hex) of the signing public key (SPKI DER): names the key, proves nothing by itself. */
    keyId: Sha256HexSchema,
    files: z.array(ReleaseFileSchema).min(1).max(20_000),
    nativeModules: z.array(NativeModuleSchema).max(200),
    /**
     * `lockfile`: node_modules is not in the artefact; the kiosk installs exactly the lock file's versions
     * (`npm ci --omit=dev`). `bundled`: the artefact carries the run-time node_modules (lock-file exact,
     * native modules built for the `nativeModules` platform and architecture); the kiosk installs nothing.
     */
    dependencies: z.enum(['lockfile', 'bundled']),
  })
  .refine((manifest) => new Set(manifest.files.map((file) => file.path)).size === manifest.files.length, {
    message: 'a path is listed twice',
    path: ['files'],
  });
export type ReleaseManifest = z.infer<typeof ReleaseManifestSchema>;

/** A release as the hub lists it (`GET /api/releases`, the answer to `POST /api/releases`). */
export const ReleaseSummarySchema = z.strictObject({
  version: ReleaseVersionSchema,
  createdAt: InstantSchema,
  minProtocolVersion: z.int().min(1),
  keyId: Sha256HexSchema,
  fileCount: z.int().min(1),
  nativeModules: z.array(NativeModuleSchema),
  /** SHA-256 of the artefact as uploaded (the gzip file). */
  artefactSha256: Sha256HexSchema,
  artefactBytes: z.int().min(1),
  uploadedAt: InstantSchema,
  uploadedBy: z.string(),
});
export type ReleaseSummary = z.infer<typeof ReleaseSummarySchema>;

export const ReleaseListSchema = z.strictObject({ releases: z.array(ReleaseSummarySchema) });
export type ReleaseList = z.infer<typeof ReleaseListSchema>;

/** Why a container's bytes are not one (`reason`), before anything is trusted. */
export class ReleaseContainerError extends Error {
  override readonly name = 'ReleaseContainerError';
  constructor(readonly reason: 'magic' | 'format' | 'truncated' | 'trailing-bytes', message: string) {
    super(message);
  }
}

export interface ReleaseContainer {
  /** The manifest exactly as signed: verify these bytes, then parse them. */
  manifestBytes: Uint8Array;
  signature: Uint8Array;
  /** The files' bytes, in the manifest's order. */
  files: Uint8Array[];
}

export function encodeReleaseContainer(container: ReleaseContainer): Uint8Array {
  const magic = new TextEncoder().encode(RELEASE_CONTAINER_MAGIC);
  const parts: Uint8Array[] = [magic, Uint8Array.of(RELEASE_CONTAINER_FORMAT)];
  const sized = (bytes: Uint8Array) => parts.push(u32(bytes.length), bytes);
  sized(container.manifestBytes);
  sized(container.signature);
  parts.push(u32(container.files.length));
  container.files.forEach(sized);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function decodeReleaseContainer(bytes: Uint8Array): ReleaseContainer {
  const magic = new TextEncoder().encode(RELEASE_CONTAINER_MAGIC);
  if (bytes.length < magic.length + 1 || magic.some((byte, i) => bytes[i] !== byte)) {
    throw new ReleaseContainerError('magic', 'not a kiosk release container');
  }
  if (bytes[magic.length] !== RELEASE_CONTAINER_FORMAT) {
    throw new ReleaseContainerError('format', `container format ${String(bytes[magic.length])} is not ${RELEASE_CONTAINER_FORMAT}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = magic.length + 1;
  const readU32 = (what: string): number => {
    if (offset + 4 > bytes.length) throw new ReleaseContainerError('truncated', `the container ends before ${what}`);
    const value = view.getUint32(offset);
    offset += 4;
    return value;
  };
  const readSized = (what: string): Uint8Array => {
    const length = readU32(`the length of ${what}`);
    if (offset + length > bytes.length) throw new ReleaseContainerError('truncated', `the container ends inside ${what}`);
    const slice = bytes.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  const manifestBytes = readSized('the manifest');
  const signature = readSized('the signature');
  const count = readU32('the file count');
  const files: Uint8Array[] = [];
  for (let i = 0; i < count; i += 1) files.push(readSized(`file ${i + 1} of ${count}`));
  if (offset !== bytes.length) throw new ReleaseContainerError('trailing-bytes', `${bytes.length - offset} bytes after the last file`);
  return { manifestBytes, signature, files };
}

/**
 * True when `signature` is `publicKeySpki`'s Ed25519 signature of `manifestBytes`. False for any other
 * key, any changed byte, or a key that is not an Ed25519 public key.
 */
export async function verifyReleaseSignature(manifestBytes: Uint8Array, signature: Uint8Array, publicKeySpki: Uint8Array): Promise<boolean> {
  try {
    // Copies: WebCrypto's DOM typing takes only ArrayBuffer-backed views (never a SharedArrayBuffer's).
    const key = await globalThis.crypto.subtle.importKey('spki', new Uint8Array(publicKeySpki), { name: 'Ed25519' }, false, ['verify']);
    return await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(signature), new Uint8Array(manifestBytes));
  } catch {
    return false;
  }
}

/** What is wrong with one file of a release against its manifest. */
export interface ReleaseHashProblem {
  path: string;
  problem: 'missing' | 'size' | 'sha256';
}

/** The file as its holder measured it: the caller hashes the bytes (node:crypto, WebCrypto, a stream). */
export interface FileDigest {
  size: number;
  sha256: string;
}

/**
 * Every listed file against what was measured, in the manifest's order; empty when all match. The
 * digests are looked up by path: the caller pairs each file it holds with its manifest entry.
 */
export function checkReleaseHashes(manifest: Pick<ReleaseManifest, 'files'>, digests: ReadonlyMap<string, FileDigest>): ReleaseHashProblem[] {
  const problems: ReleaseHashProblem[] = [];
  for (const file of manifest.files) {
    const digest = digests.get(file.path);
    if (!digest) problems.push({ path: file.path, problem: 'missing' });
    else if (digest.size !== file.size) problems.push({ path: file.path, problem: 'size' });
    else if (digest.sha256 !== file.sha256) problems.push({ path: file.path, problem: 'sha256' });
  }
  return problems;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}
