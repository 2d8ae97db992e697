import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  RELEASE_MANIFEST_FORMAT,
  ReleaseManifestSchema,
  encodeReleaseContainer,
  type NativeModule,
  type ReleaseManifest,
} from '@kiosk/protocols';
import { releaseKeyIdOf } from '../services/release-inspection';
import { bundledDependencyFiles, runtimeClosure, type LockPackages } from './release-dependencies';

/**
 * Packing an agent release (issue 19; the command is pack-release.ts). A release is what a kiosk runs:
 * the built agent and the packages it loads at run time, the kiosk UI it serves, and the package
 * manifests with the lock file. `dependencies: 'lockfile'`: node_modules is not in the artefact and the
 * kiosk installs exactly the locked versions (`npm ci --omit=dev`). `bundled`: the artefact carries the
 * run-time node_modules as installed here (release-dependencies.ts), so the kiosk installs nothing; its
 * native modules are then built for this machine's platform and architecture, which the manifest names.
 */

/** One file of a release: its path inside the release and its bytes. */
export interface ReleaseInput {
  path: string;
  bytes: Uint8Array;
}

/** Built output the kiosk loads, relative to the repository. */
const BUILT_DIRS = ['edge-agent/dist', 'protocols/dist', 'devices/dist', 'kiosk-ui/dist/kiosk'];
const MANIFEST_FILES = ['package.json', 'package-lock.json', 'protocols/package.json', 'devices/package.json', 'edge-agent/package.json'];
/**
 * The demo's virtual bench (AGENT_DEVICES=virtual): the TEST CA script and the device panel. Only in a
 * release packed with `demoBench` (the demo kiosk of `npm start`); never in a release for a real kiosk.
 */
const DEMO_BENCH = { files: ['scripts/test-ca/make-test-ca.sh'], dirs: ['kiosk-ui/dist/panel'] };
/** Build output the kiosk never loads: tests, type checks, benches, declarations, incremental build state. */
const LEFT_OUT = /(^|\/)(test|bench)\/|\.spec\.|\.typetest\.|\.d\.ts(\.map)?$|\.tsbuildinfo$/;

export class ReleasePackError extends Error {
  override readonly name = 'ReleasePackError';
}

export type ReleaseDependencies = ReleaseManifest['dependencies'];

/** The files of a release from a built checkout at `repoRoot`, sorted by path (`bundled`: node_modules too). */
export function collectReleaseFiles(repoRoot: string, dependencies: ReleaseDependencies = 'lockfile', options: { demoBench?: boolean } = {}): ReleaseInput[] {
  const paths: string[] = [];
  for (const dir of BUILT_DIRS) {
    if (!existsSync(path.join(repoRoot, dir))) throw new ReleasePackError(`${dir} is missing: build first (npx tsc -b; npm run build -w @kiosk/kiosk-ui)`);
    paths.push(...walk(repoRoot, dir).filter((file) => !LEFT_OUT.test(file.slice(dir.length))));
  }
  if (options.demoBench === true) {
    for (const dir of DEMO_BENCH.dirs) {
      if (!existsSync(path.join(repoRoot, dir))) throw new ReleasePackError(`${dir} is missing: build first (npm run build -w @kiosk/kiosk-ui)`);
      paths.push(...walk(repoRoot, dir));
    }
    paths.push(...DEMO_BENCH.files);
  }
  for (const file of MANIFEST_FILES) {
    if (!existsSync(path.join(repoRoot, file))) throw new ReleasePackError(`${file} is missing`);
    paths.push(file);
  }
  const sources = paths.map((file) => ({ path: file, source: path.join(repoRoot, file) }));
  if (dependencies === 'bundled') sources.push(...bundledDependencyFiles(repoRoot));
  return sources.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((file) => ({ path: file.path, bytes: readFileSync(file.source) }));
}

/**
 * The run-time packages with an install script (compiled code), as installed here: of the whole lock
 * file (`lockfile`), or of the agent's run-time closure, the ones a bundled release carries.
 */
export function nativeModulesOf(
  repoRoot: string,
  platform: string = process.platform,
  arch: string = process.arch,
  dependencies: ReleaseDependencies = 'lockfile',
): NativeModule[] {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as LockPackages;
  const bundled = dependencies === 'bundled' ? new Set(runtimeClosure(lock).packages) : null;
  return Object.entries(lock.packages)
    .filter(([key]) => bundled === null || bundled.has(key))
    .filter(([key, entry]) => key.startsWith('node_modules/') && entry.hasInstallScript === true && entry.dev !== true && entry.version !== undefined)
    .map(([key, entry]) => ({ name: key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), version: entry.version ?? '', platform, arch }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface PackOptions {
  version: string;
  createdAt: Date;
  minProtocolVersion: number;
  nativeModules: NativeModule[];
  /** The release key (Ed25519 private key). */
  privateKey: KeyObject;
  /** Default `lockfile`. */
  dependencies?: ReleaseDependencies;
  /** gzip level (default 9); tests pack faster with less. */
  gzipLevel?: number;
}

/** The signed artefact (gzip of the release container) and its manifest. */
export function packRelease(files: readonly ReleaseInput[], options: PackOptions): { artefact: Buffer; manifest: ReleaseManifest } {
  if (options.privateKey.asymmetricKeyType !== 'ed25519') throw new ReleasePackError('the release key must be an Ed25519 private key');
  const manifest = ReleaseManifestSchema.parse({
    format: RELEASE_MANIFEST_FORMAT,
    version: options.version,
    createdAt: options.createdAt.toISOString(),
    minProtocolVersion: options.minProtocolVersion,
    keyId: releaseKeyId(createPublicKey(options.privateKey)),
    files: files.map((file) => ({ path: file.path, size: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex') })),
    nativeModules: options.nativeModules,
    dependencies: options.dependencies ?? 'lockfile',
  } satisfies ReleaseManifest);
  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  const signature = sign(null, manifestBytes, options.privateKey);
  const container = encodeReleaseContainer({ manifestBytes, signature, files: files.map((file) => file.bytes) });
  return { artefact: gzipSync(container, { level: options.gzipLevel ?? 9 }), manifest };
}

/** The `keyId` a manifest names: SHA-256 (hex) of the public key's SPKI DER. */
export function releaseKeyId(publicKey: KeyObject): string {
  return releaseKeyIdOf(publicKey.export({ format: 'der', type: 'spki' }));
}

/**
 * Writes a new release key: the private key (PKCS#8 PEM, 0600) at `file`, its public key beside it
 * (`<file minus .pem>.pub.pem`), the one to give the hub (HUB_RELEASE_PUBLIC_KEY_FILE) and the kiosks.
 * Refuses to overwrite a key: a lost release key means kiosks refuse every later release.
 */
export function generateReleaseKey(file: string): { privateKeyFile: string; publicKeyFile: string; keyId: string } {
  const publicKeyFile = file.replace(/\.pem$/, '') + '.pub.pem';
  for (const existing of [file, publicKeyFile]) if (existsSync(existing)) throw new ReleasePackError(`${existing} exists: not overwritten`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  writeFileSync(publicKeyFile, publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644, flag: 'wx' });
  return { privateKeyFile: file, publicKeyFile, keyId: releaseKeyId(publicKey) };
}

export function readReleasePrivateKey(file: string): KeyObject {
  const key = createPrivateKey(readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new ReleasePackError(`${file} is not an Ed25519 private key`);
  return key;
}

/** Files under `dir` (relative to `root`), as POSIX paths relative to `root`. */
function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(root, relative));
    else if (entry.isFile()) out.push(relative);
  }
  return out;
}
