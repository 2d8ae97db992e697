// Lays out one agent release in a new directory (DEST) for install-kiosk.sh, from SRC:
// - a built checkout (npm ci, npx tsc -b, the kiosk UI built): exactly the files of a bundled release
//   (`pack-release pack --bundled`: the built agent, protocols, devices, kiosk UI, manifests and the
//   agent's run-time node_modules, native modules as built there), chosen by the release packer itself
//   (central-hub/dist/tools/release-pack.js), so provisioning and releases never disagree;
// - an unpacked bundled release (release.json with `"dependencies": "bundled"`): copied as it is.
// Prints the version (the release's, or edge-agent/package.json's for a checkout).
// Usage: node stage-release.mjs SRC DEST
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function fail(message) {
  process.stderr.write(`stage-release: ${message}\n`);
  process.exit(1);
}

const [source, target] = process.argv.slice(2);
if (!source || !target) fail('usage: node stage-release.mjs SRC DEST');
if (existsSync(target)) fail(`${target} already exists`);
const readJson = (file) => JSON.parse(readFileSync(path.join(source, file), 'utf8'));

const packer = path.join(source, 'central-hub', 'dist', 'tools', 'release-pack.js');
let version;
if (existsSync(path.join(source, 'release.json'))) {
  const manifest = readJson('release.json');
  if (manifest.dependencies !== 'bundled') {
    fail(`${source} is a release without its node_modules ("dependencies": "${manifest.dependencies}"): provision from a bundled release or a built checkout`);
  }
  version = manifest.version;
  cpSync(source, target, { recursive: true, preserveTimestamps: true });
} else if (existsSync(packer)) {
  const { collectReleaseFiles } = createRequire(import.meta.url)(packer);
  let files;
  try {
    files = collectReleaseFiles(source, 'bundled');
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  for (const file of files) {
    const destination = path.join(target, ...file.path.split('/'));
    mkdirSync(path.dirname(destination), { recursive: true });
    writeFileSync(destination, file.bytes);
  }
  version = readJson('edge-agent/package.json').version;
} else {
  fail(`${source} is neither an unpacked release (release.json) nor a built checkout (central-hub/dist): build it first (npx tsc -b)`);
}
if (typeof version !== 'string' || !/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/.test(version)) fail(`no usable version in ${source}`);

// The native modules must load here (built for this architecture and Node.js, their binaries present):
// a release that cannot open its database is refused now, not found out by a kiosk that never starts.
const lock = JSON.parse(readFileSync(path.join(target, 'package-lock.json'), 'utf8'));
const requireFromAgent = createRequire(path.join(target, 'edge-agent', 'package.json'));
for (const [key, entry] of Object.entries(lock.packages ?? {})) {
  if (!key.startsWith('node_modules/') || entry.hasInstallScript !== true || !existsSync(path.join(target, key))) continue;
  try {
    const loaded = createRequire(path.join(target, key, 'package.json'))(path.join(target, key));
    if (key === 'node_modules/better-sqlite3') new loaded(':memory:').close();
  } catch (error) {
    fail(`${key.slice('node_modules/'.length)} does not load with this Node.js ${process.version} (${process.arch}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
requireFromAgent.resolve('@kiosk/protocols');
process.stdout.write(`${version}\n`);
