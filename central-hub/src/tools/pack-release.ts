/**
 * Agent releases (issue 19), from a built checkout:
 *
 *   node central-hub/dist/tools/pack-release.js generate-release-key --out release-key.pem
 *   node central-hub/dist/tools/pack-release.js pack --key release-key.pem [--version 1.2.0] [--out FILE] [--bundled] [--demo-bench]
 *
 * `generate-release-key` writes the Ed25519 release key (0600) and `release-key.pub.pem` beside it (the
 * hub's HUB_RELEASE_PUBLIC_KEY_FILE). Keep the private key off the hub: the hub only verifies. `pack`
 * writes `kiosk-agent-<version>.kioskrel` (default version: edge-agent/package.json's), a gzip of the
 * release container (protocols/src/release.ts) signed with that key, and prints its manifest summary as
 * one JSON line. `--bundled` puts the agent's run-time node_modules (lock-file exact, native modules as
 * built here) in the artefact (`dependencies: 'bundled'`): the kiosk then installs nothing, but it must
 * have this machine's platform and architecture. `--demo-bench` adds the demo's virtual bench (the TEST
 * CA script, the device panel) for `npm start`'s demo kiosk; never for a real kiosk. Exit 0: written; exit 2: usage or missing build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROTOCOL_VERSION } from '@kiosk/protocols';
import { ReleasePackError, collectReleaseFiles, generateReleaseKey, nativeModulesOf, packRelease, readReleasePrivateKey } from './release-pack';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { key: { type: 'string' }, out: { type: 'string' }, version: { type: 'string' }, bundled: { type: 'boolean' }, 'demo-bench': { type: 'boolean' } },
  });
  const [command] = positionals;
  if (command === 'generate-release-key') {
    const written = generateReleaseKey(path.resolve(values.out ?? 'release-key.pem'));
    process.stdout.write(`${JSON.stringify(written)}\n`);
    return 0;
  }
  if (command === 'pack' && values.key !== undefined) {
    const agentPackage = JSON.parse(readFileSync(path.join(repoRoot, 'edge-agent', 'package.json'), 'utf8')) as { version: string };
    const version = values.version ?? agentPackage.version;
    const dependencies = values.bundled === true ? 'bundled' : 'lockfile';
    const files = collectReleaseFiles(repoRoot, dependencies, { demoBench: values['demo-bench'] === true });
    const { artefact, manifest } = packRelease(files, {
      version,
      createdAt: new Date(),
      minProtocolVersion: PROTOCOL_VERSION,
      nativeModules: nativeModulesOf(repoRoot, process.platform, process.arch, dependencies),
      dependencies,
      privateKey: readReleasePrivateKey(path.resolve(values.key)),
    });
    const out = path.resolve(values.out ?? `kiosk-agent-${version}.kioskrel`);
    writeFileSync(out, artefact, { flag: 'wx' });
    process.stdout.write(`${JSON.stringify({ out, version, bytes: artefact.length, files: manifest.files.length, dependencies, keyId: manifest.keyId, nativeModules: manifest.nativeModules })}\n`);
    return 0;
  }
  process.stderr.write('usage: pack-release.js generate-release-key --out release-key.pem | pack --key release-key.pem [--version X.Y.Z] [--out FILE] [--bundled] [--demo-bench]\n');
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ReleasePackError) && !(error instanceof TypeError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 2;
}
