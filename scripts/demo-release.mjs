// A demo release of the kiosk agent (issue 19): packs the built checkout as a release (bundled
// dependencies, plus the demo's virtual bench so the demo kiosk runs from it), signs it with the demo
// release key in the demo data directory (made on first use, 0600, never committed), and uploads it to
// the demo hub, whose console then rolls it out to the demo kiosk. `npm start` does this when started
// with DEMO_RELEASE=1 (or DEMO_RELEASE=<version>); `npm run release:demo` does it against a running demo.
// Uses only Node's own modules and the built pack tool (central-hub/dist/tools/pack-release.js).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packTool = path.join(root, 'central-hub', 'dist', 'tools', 'pack-release.js');

/** The demo release key's files under the demo data directory: made on first use. */
export function demoReleaseKey(dataDir) {
  const dir = path.join(dataDir, 'release-key');
  const privateKeyFile = path.join(dir, 'demo-release-key.pem');
  const publicKeyFile = path.join(dir, 'demo-release-key.pub.pem');
  if (!existsSync(privateKeyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync(process.execPath, [packTool, 'generate-release-key', '--out', privateKeyFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return { privateKeyFile, publicKeyFile };
}

/** A version the hub has not seen: the agent's own, marked as a demo build of this second. */
function demoVersion() {
  const { version } = JSON.parse(readFileSync(path.join(root, 'edge-agent', 'package.json'), 'utf8'));
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${version.replace(/-.*$/, '')}-demo.${stamp}`;
}

/** Packs, signs and uploads; returns the version and the artefact's path. */
export async function buildDemoRelease({ dataDir, hubUrl, adminToken, version = demoVersion() }) {
  const { privateKeyFile } = demoReleaseKey(dataDir);
  const dir = path.join(dataDir, 'releases');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const out = path.join(dir, `kiosk-agent-${version}.kioskrel`);
  if (!existsSync(out)) {
    execFileSync(process.execPath, [packTool, 'pack', '--bundled', '--demo-bench', '--key', privateKeyFile, '--version', version, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const response = await fetch(`${hubUrl}/api/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/octet-stream' },
    body: readFileSync(out),
  });
  if (!response.ok && response.status !== 409) throw new Error(`the hub refused the demo release: HTTP ${response.status} ${await response.text()}`);
  return { version, out };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, 'data'));
  const hubUrl = `http://127.0.0.1:${process.env.HUB_PORT ?? 7400}`;
  const adminToken = readFileSync(path.join(dataDir, 'hub', 'admin-token'), 'utf8').trim();
  buildDemoRelease({ dataDir, hubUrl, adminToken, ...(process.argv[2] ? { version: process.argv[2] } : {}) }).then(
    ({ version, out }) => console.log(`Demo release ${version} uploaded to ${hubUrl} (${out}); roll it out from the console.`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
