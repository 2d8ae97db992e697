// Starts the whole demo system on this machine: the hub on an embedded SQLite file under ./data/hub, one
// edge agent enrolled to it (under ./data/agent) with virtual devices, the kiosk UI served by the agent
// and the console served by the hub. The hub trusts the project's TEST CA (never J-LIS) for the virtual
// My Number cards and seeds demo data: synthetic residents, Toyonaka's facilities and lottery rounds, and
// three facility users. Ctrl-C (or SIGINT / SIGTERM / SIGHUP) stops everything. The hub can be stopped
// and started alone (`npm run hub:stop` / `npm run hub:start`, through a control socket in the data
// directory) to watch the kiosk go offline and come back. Uses only Node's own modules, because it is what
// runs right after a fresh install.
//
// `--cluster` (`npm run start:cluster`, issue 14): the same demo with TWO hub processes, `hub-a` and `hub-b`
// (data under <data dir>/hub-a and hub-b, ports HUB_PORT or 7400 and HUB_B_PORT or 7402, each the next free
// one when taken), on the PostgreSQL database of HUB_DATABASE_URL joined by HUB_REDIS_URL (scripts/run.sh
// sets both up). Hub A starts alone (it migrates the database and makes the admin token), the offline
// lottery key is made before it starts, and hub B gets copies of both before it starts. The agent takes
// both hubs (HUB_URL=a,b) and moves to the other when one goes away; `npm run hub:stop -- a` stops one.
//
// Updates (issue 19): the agent runs under its update supervisor (edge-agent/dist/update/supervisor-main.js,
// install root <data dir>/agent-install), which plays systemd's part for updates and rollbacks; the hub
// and the agent trust the demo release key (<data dir>/release-key, made on first start, never committed).
// DEMO_RELEASE=1 (or a version) also packs a demo release signed with it and uploads it to the hub, for
// the console to roll out to the demo kiosk (scripts/demo-release.mjs; `npm run release:demo` later).
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, createWriteStream, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoRelease, demoReleaseKey } from './demo-release.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, 'data'));
const cluster = process.argv.slice(2).includes('--cluster');
const hubPort = Number(process.env.HUB_PORT ?? 7400);
const uiPort = Number(process.env.AGENT_UI_PORT ?? 7401);
const logDir = path.join(dataDir, 'logs');
// Logs name kiosks and technicians: readable by this user only (issue 15).
mkdirSync(logDir, { recursive: true, mode: 0o700 });
chmodSync(logDir, 0o700);

const children = [];
let stopping = false;
/**
 * The hub processes: `{ name, id, port, url, dataDir, env }`, one (`hub`, under <data dir>/hub) unless
 * `--cluster`. Set by main() before the first one starts.
 */
let hubs = [];
/** Set once the agent runs: from then on a hub going away is part of the demo, and `hub:start` works. */
let demoReady = false;
const controlSocket = path.join(dataDir, 'run', 'demo.sock');
/** The agent exits with this after a technician's `agent.restart` (edge-agent/src/commands/restart.ts). */
const AGENT_RESTART_EXIT_CODE = 75;
/**
 * The demo administrator (HUB_DEMO_ADMIN=1, set below): the hub keeps its password in
 * `<hub data dir>/demo-admin.json` (0600) and never logs it (issue 15). Demo data from before that change
 * kept it in `data/demo-admin.json`.
 */
const demoAdminFiles = cluster
  ? [path.join(dataDir, 'hub-a', 'demo-admin.json')]
  : [path.join(dataDir, 'hub', 'demo-admin.json'), path.join(dataDir, 'demo-admin.json')];

/** Starts a node process, tees its JSON log to a file, resolves when a log line matches `readyMsg`. */
function startProcess(name, script, env, readyMsg) {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push({ name, child });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  if (existsSync(logFile)) chmodSync(logFile, 0o600);
  child.stderr.pipe(log);
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          log.write(line + '\n');
          continue;
        }
        log.write(JSON.stringify(entry) + '\n');
        if (entry.level >= 50) console.error(`[${name}] ${entry.msg}`);
        if (entry.msg === readyMsg) resolve(entry);
      }
    });
    child.once('exit', (code, signal) => {
      if (!stopping && name === 'agent' && code === AGENT_RESTART_EXIT_CODE) {
        // A technician's restart command: start it again, as systemd's Restart=always does on a kiosk.
        console.log('[agent] restarting (requested from the console)');
        const { AGENT_ENROLMENT_CODE: _enrolled, ...again } = env;
        startProcess(name, script, again, readyMsg).catch(() => undefined);
        return;
      }
      if (stopping) return;
      const hub = hubs.find((h) => h.name === name);
      if (hub && demoReady) {
        // The hub going away is part of the demo (the kiosk says the centre cannot be reached and keeps
        // its queue, or moves to the other hub of a cluster); the agent and the devices stay up until the
        // hub is started again.
        const others = hubs.filter((h) => h !== hub && runningHub(h));
        const startAgain = hubs.length > 1 ? `npm run hub:start -- ${hub.id}` : 'npm run hub:start';
        const kiosk = others.length > 0 ? `the kiosk goes on with ${others.map((h) => h.name).join(', ')}` : 'the kiosk runs offline';
        console.log(`[${name}] stopped (${signal ?? code}); ${kiosk}. Start it again: ${startAgain}`);
        reject(new Error(`${name} exited`)); // a no-op once it was listening; fails a `hub:start` that never got there
        return;
      }
      console.error(`[${name}] exited (${signal ?? code}); see ${path.join(logDir, `${name}.log`)}`);
      reject(new Error(`${name} exited`));
      void stopAll(1);
    });
  });
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  // Agent first, so it can say goodbye to the hub; each gets SIGTERM, then SIGKILL after 10 s.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(controlSocket, { force: true });
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));

/** The running process of `hub`, if any. */
function runningHub(hub) {
  return children.find(({ name, child }) => name === hub.name && child.exitCode === null && child.signalCode === null)?.child;
}

function startHub(hub) {
  return startProcess(hub.name, path.join(root, 'central-hub/dist/main.js'), hub.env, 'hub listening');
}

/**
 * `npm run hub:stop` / `hub:start` (scripts/demo-hub.mjs): one line in (`hub stop`, `hub start a`), one
 * line out. A cluster's hub is named by its letter (or its name, `hub-a`); a single hub needs no name.
 */
async function control(line) {
  const [word, action, which, ...rest] = line.trim().split(/\s+/);
  if (word !== 'hub' || (action !== 'stop' && action !== 'start') || rest.length > 0) {
    return `unknown command "${line.trim()}" (known: hub stop [hub], hub start [hub])`;
  }
  const names = hubs.map((h) => h.id).join('|');
  let hub;
  if (which === undefined) {
    if (hubs.length > 1) return `usage: name the hub (npm run hub:${action} -- ${names})`;
    hub = hubs[0];
  } else {
    hub = hubs.find((h) => h.id === which || h.name === which);
    if (!hub) return `unknown hub "${which}" (${hubs.length > 1 ? names : 'this demo has one hub; name none'})`;
  }
  const label = hubs.length > 1 ? `hub ${hub.id}` : 'hub';
  if (action === 'stop') {
    const child = runningHub(hub);
    if (!child) return `${label} already stopped`;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    return `${label} stopped`;
  }
  if (runningHub(hub)) return `${label} already running`;
  if (!demoReady) return 'the demo is still starting';
  console.log(`Starting ${hubs.length > 1 ? hub.name : 'the hub'}...`);
  await startHub(hub);
  return `${label} started: ${hub.url}/health`;
}

function listenForControl() {
  mkdirSync(path.dirname(controlSocket), { recursive: true, mode: 0o700 });
  rmSync(controlSocket, { force: true });
  const server = createServer((connection) => {
    connection.setEncoding('utf8');
    connection.once('data', (line) => {
      control(line).then(
        (text) => connection.end(text + '\n'),
        (error) => connection.end(`failed: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    });
  });
  server.listen(controlSocket);
  server.unref();
}

/**
 * Makes the project's TEST CA in `dir` unless it is already there (the script is idempotent), so the
 * virtual cards and their residents stay the same from one start to the next.
 */
function ensureTestCa(dir) {
  try {
    execFileSync('bash', [path.join(root, 'scripts/test-ca/make-test-ca.sh'), dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`could not create the test CA in ${dir}: ${error.stderr?.toString().trim() || error.message}`);
  }
}

/** Whether nothing listens on `port` on loopback (where the hub listens: HUB_HOST's default). */
function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `port`, or the next free one after it that is not in `taken` (the kiosk UI's port, the other hub's). */
async function freePortFrom(port, taken) {
  for (let candidate = port; candidate <= 65535; candidate += 1) {
    if (!taken.includes(candidate) && (await portFree(candidate))) return candidate;
  }
  throw new Error(`no free port from ${port}`);
}

/**
 * The hubs this demo runs: one on HUB_PORT, or (`--cluster`) hub-a and hub-b on HUB_PORT / HUB_B_PORT
 * (7400 / 7402 by default: 7401 is the kiosk UI's) or the next free ports.
 */
async function planHubs() {
  if (!cluster) return [{ name: 'hub', id: null, port: hubPort, dataDir: path.join(dataDir, 'hub') }];
  const portA = await freePortFrom(hubPort, [uiPort]);
  const portB = await freePortFrom(Number(process.env.HUB_B_PORT ?? hubPort + 2), [uiPort, portA]);
  return [
    { name: 'hub-a', id: 'a', port: portA, dataDir: path.join(dataDir, 'hub-a') },
    { name: 'hub-b', id: 'b', port: portB, dataDir: path.join(dataDir, 'hub-b') },
  ];
}

/** Writes `file` (0600) as a copy of `from`, unless it already holds the same bytes. */
function copySecret(from, file) {
  if (existsSync(file) && readFileSync(file).equals(readFileSync(from))) return;
  rmSync(file, { force: true });
  copyFileSync(from, file);
  chmodSync(file, 0o600);
}

/**
 * The offline lottery key every hub process of a site shares (README, "Two hub processes"): the hub makes
 * it on first use, not at start, so for a cluster the demo makes it in the first hub's data directory
 * before that hub starts (RSA 3072, PKCS#8, 0600: what central-hub's lottery-offline-key.repository makes).
 */
function ensureOfflineKey(hubDataDir) {
  const file = path.join(hubDataDir, 'lottery-offline-key.pem');
  if (existsSync(file)) return;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
}

async function main() {
  const agentDataDir = path.join(dataDir, 'agent');
  hubs = await planHubs();
  const [firstHub] = hubs;
  // One TEST CA for both: the agent's virtual cards are issued by it and the hub trusts it. The agent
  // (edge-agent/src/hardware/virtual-bench.ts) makes and reads it in <agent data dir>/test-ca and has no
  // setting to look elsewhere yet, so the hub is pointed there; made here first, the agent finds it done.
  const testCaDir = path.join(agentDataDir, 'test-ca');
  ensureTestCa(testCaDir);
  const releaseKey = demoReleaseKey(dataDir);

  for (const hub of hubs) {
    hub.url = `http://127.0.0.1:${hub.port}`;
    hub.env = {
      HUB_PORT: String(hub.port),
      HUB_DATA_DIR: hub.dataDir,
      HUB_PUBLIC_URL: hub.url,
      HUB_CARD_TRUST_ANCHORS: path.join(testCaDir, 'ca', 'root.cert.pem'),
      HUB_CARD_CRLS: path.join(testCaDir, 'crl', 'root.crl.pem'),
      HUB_SEED_RESIDENTS: '1',
      HUB_SEED_FACILITIES: '1',
      HUB_SEED_DEMO_USERS: '1',
      HUB_DEMO_ADMIN: '1',
      HUB_RELEASE_PUBLIC_KEY_FILE: process.env.HUB_RELEASE_PUBLIC_KEY_FILE ?? releaseKey.publicKeyFile,
      // Certificates are issued 06:30–23:00 Japan time, as on a real kiosk; `DEMO_SERVICE_TIME=12:00 npm start`
      // lets the demo judge the hours at that time of day instead, to try the flow at night.
      ...(process.env.DEMO_SERVICE_TIME ? { HUB_DEMO_SERVICE_TIME: process.env.DEMO_SERVICE_TIME } : {}),
    };
  }
  if (cluster) {
    if (!process.env.HUB_DATABASE_URL || !process.env.HUB_REDIS_URL) {
      throw new Error('--cluster needs HUB_DATABASE_URL and HUB_REDIS_URL (npm run start:cluster sets both)');
    }
    mkdirSync(firstHub.dataDir, { recursive: true, mode: 0o700 });
    ensureOfflineKey(firstHub.dataDir);
  }
  // The first hub starts alone: it creates or migrates the database's tables and makes the admin token.
  console.log(cluster ? `Starting ${firstHub.name}...` : 'Starting the hub...');
  await startHub(firstHub);
  const adminToken = readFileSync(path.join(firstHub.dataDir, 'admin-token'), 'utf8').trim();
  for (const hub of hubs.slice(1)) {
    // The others share its admin token and offline lottery key (copies in their own data directories).
    mkdirSync(hub.dataDir, { recursive: true, mode: 0o700 });
    for (const file of ['admin-token', 'lottery-offline-key.pem']) copySecret(path.join(firstHub.dataDir, file), path.join(hub.dataDir, file));
    console.log(`Starting ${hub.name}...`);
    await startHub(hub);
  }

  const hubUrl = firstHub.url;
  const agentEnv = {
    HUB_URL: hubs.map((hub) => hub.url).join(','),
    AGENT_DATA_DIR: agentDataDir,
    AGENT_UI_PORT: String(uiPort),
    AGENT_DEVICES: 'virtual',
    AGENT_INSTALL_ROOT: path.join(dataDir, 'agent-install'),
    AGENT_RELEASE_PUBLIC_KEY_FILE: process.env.AGENT_RELEASE_PUBLIC_KEY_FILE ?? releaseKey.publicKeyFile,
  };
  if (!existsSync(path.join(agentDataDir, 'identity.json'))) {
    console.log('Enrolling the demo kiosk...');
    const response = await fetch(`${hubUrl}/api/enrolment-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '豊中市役所 1F キオスク', municipality: '豊中市', site: '豊中市役所', kind: 'certificate-kiosk' }),
    });
    if (!response.ok) throw new Error(`could not create an enrolment code: HTTP ${response.status}`);
    const { code } = await response.json();
    agentEnv.AGENT_ENROLMENT_CODE = code;
  }

  console.log('Starting the edge agent with virtual devices...');
  // The supervisor starts the active version (the build, or a release the console rolled out) and
  // restarts it on the restart code itself; the check in startProcess stays for an agent run without it.
  const agentReady = await startProcess('agent', path.join(root, 'edge-agent/dist/update/supervisor-main.js'), agentEnv, 'agent ui listening');

  demoReady = true;
  listenForControl();
  let demoRelease = null;
  if (process.env.DEMO_RELEASE) {
    console.log('Packing and uploading a demo release...');
    demoRelease = await buildDemoRelease({
      dataDir,
      hubUrl,
      adminToken,
      ...(process.env.DEMO_RELEASE === '1' ? {} : { version: process.env.DEMO_RELEASE }),
    });
  }
  const kioskUrl = new URL(agentReady.url ?? `http://127.0.0.1:${uiPort}/`);
  const demoAdminFile = demoAdminFiles.find((file) => existsSync(file));
  const demoAdmin = demoAdminFile ? JSON.parse(readFileSync(demoAdminFile, 'utf8')) : null;
  const pad = ' '.repeat(41);
  const perHub = (what) => hubs.map((hub, i) => `${i === 0 ? '' : pad}${what(hub)}${hubs.length > 1 ? `   (${hub.name})` : ''}`).join('\n');
  console.log(`
Kiosk system is running${cluster ? ` with ${hubs.length} hub processes on PostgreSQL + Redis` : ''}. Open:
  Kiosk UI (residents, facility users):  ${kioskUrl.href}
  Technician console:                    ${perHub((hub) => `${hub.url}/console/`)}
      sign in as ${demoAdmin ? `${demoAdmin.username} / ${demoAdmin.password}` : '(demo administrator disabled)'}
  Virtual device panel (demo hardware):  ${new URL('panel/', kioskUrl).href}
      facility user cards 10000008 / 10000016 / 10000024, PINs 1234 / 2345 / 3456 (demo data)
      My Number test cards toyonaka-001…004, PINs in ${path.join(testCaDir, 'residents.json')}
      certificates: 06:30–23:00 Japan time${process.env.DEMO_SERVICE_TIME ? ` (demo: judged as at ${process.env.DEMO_SERVICE_TIME})` : `; to try them at any hour: DEMO_SERVICE_TIME=12:00 npm ${cluster ? 'run start:cluster' : 'start'}`}
  Hub health:                            ${perHub((hub) => `${hub.url}/health`)}
Hub admin token (for the REST API):      ${adminToken}
Logs: ${logDir}
${demoRelease ? `Demo release ${demoRelease.version} is on the hub: roll it out to the kiosk from the console.\n` : ''}Agent updates: DEMO_RELEASE=1 npm start (or npm run release:demo while it runs) uploads a demo release signed with ${releaseKey.publicKeyFile.replace(/\.pub\.pem$/, '.pem')}.
${
  cluster
    ? `Database: ${redactUrl(process.env.HUB_DATABASE_URL)}, Redis: ${redactUrl(process.env.HUB_REDIS_URL)}; the kiosk's agent has HUB_URL=${agentEnv.HUB_URL}
Stop and start one hub: npm run hub:stop -- ${hubs[0].id} / npm run hub:start -- ${hubs[0].id} (the kiosk moves to the other hub).`
    : 'Stop and start the hub alone: npm run hub:stop / npm run hub:start (the kiosk goes offline and comes back).'
}
Press Ctrl-C to stop everything.`);
}

/** A URL as printed: without its password. */
function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return '(unparsable URL)';
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  void stopAll(1);
});
