// Starts the whole demo system on this machine: the hub on an embedded SQLite file under ./data/hub, one
// edge agent enrolled to it (under ./data/agent) with virtual devices, the kiosk UI served by the agent
// and the console served by the hub. The hub trusts the project's TEST CA (never J-LIS) for the virtual
// My Number cards and seeds demo data: synthetic residents, Toyonaka's facilities and lottery rounds, and
// three facility users. Ctrl-C (or SIGINT / SIGTERM / SIGHUP) stops everything. The hub can be stopped
// and started alone (`npm run hub:stop` / `npm run hub:start`, through a control socket in the data
// directory) to watch the kiosk go offline and come back. Uses only Node's own modules, because it is what
// runs right after a fresh install.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, 'data'));
const hubPort = Number(process.env.HUB_PORT ?? 7400);
const uiPort = Number(process.env.AGENT_UI_PORT ?? 7401);
const logDir = path.join(dataDir, 'logs');
// Logs name kiosks and technicians: readable by this user only (issue 15).
mkdirSync(logDir, { recursive: true, mode: 0o700 });
chmodSync(logDir, 0o700);

const children = [];
let stopping = false;
/** How to start the hub again after `npm run hub:stop` (set once the first start is under way). */
let hubStart = null;
const controlSocket = path.join(dataDir, 'run', 'demo.sock');
/** The agent exits with this after a technician's `agent.restart` (edge-agent/src/commands/restart.ts). */
const AGENT_RESTART_EXIT_CODE = 75;
/**
 * The demo administrator (HUB_DEMO_ADMIN=1, set below): the hub keeps its password in
 * `<hub data dir>/demo-admin.json` (0600) and never logs it (issue 15). Demo data from before that change
 * kept it in `data/demo-admin.json`.
 */
const demoAdminFiles = [path.join(dataDir, 'hub', 'demo-admin.json'), path.join(dataDir, 'demo-admin.json')];

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
      if (name === 'hub' && hubStart?.ready) {
        // The hub going away is part of the demo (the kiosk says the centre cannot be reached and keeps
        // its queue); the agent and the devices stay up until the hub is started again.
        console.log(`[hub] stopped (${signal ?? code}); the kiosk runs offline. Start it again: npm run hub:start`);
        reject(new Error('hub exited')); // a no-op once it was listening; fails a `hub:start` that never got there
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

function runningHub() {
  return children.find(({ name, child }) => name === 'hub' && child.exitCode === null && child.signalCode === null)?.child;
}

/** `npm run hub:stop` / `hub:start` (scripts/demo-hub.mjs): one line in, one line out. */
const control = {
  async 'hub stop'() {
    const hub = runningHub();
    if (!hub) return 'hub already stopped';
    const exited = new Promise((resolve) => hub.once('exit', resolve));
    hub.kill('SIGTERM');
    await exited;
    return 'hub stopped';
  },
  async 'hub start'() {
    if (runningHub()) return 'hub already running';
    if (!hubStart?.ready) return 'the demo is still starting';
    console.log('Starting the hub...');
    await hubStart.start();
    return `hub started: ${hubStart.url}/health`;
  },
};

function listenForControl() {
  mkdirSync(path.dirname(controlSocket), { recursive: true, mode: 0o700 });
  rmSync(controlSocket, { force: true });
  const server = createServer((connection) => {
    connection.setEncoding('utf8');
    connection.once('data', (line) => {
      const command = control[line.trim()];
      const answer = command ? command() : Promise.resolve(`unknown command "${line.trim()}" (known: ${Object.keys(control).join(', ')})`);
      answer.then(
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

async function main() {
  const hubDataDir = path.join(dataDir, 'hub');
  const agentDataDir = path.join(dataDir, 'agent');
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  // One TEST CA for both: the agent's virtual cards are issued by it and the hub trusts it. The agent
  // (edge-agent/src/hardware/virtual-bench.ts) makes and reads it in <agent data dir>/test-ca and has no
  // setting to look elsewhere yet, so the hub is pointed there; made here first, the agent finds it done.
  const testCaDir = path.join(agentDataDir, 'test-ca');
  ensureTestCa(testCaDir);

  const hubEnv = {
    HUB_PORT: String(hubPort),
    HUB_DATA_DIR: hubDataDir,
    HUB_PUBLIC_URL: hubUrl,
    HUB_CARD_TRUST_ANCHORS: path.join(testCaDir, 'ca', 'root.cert.pem'),
    HUB_CARD_CRLS: path.join(testCaDir, 'crl', 'root.crl.pem'),
    HUB_SEED_RESIDENTS: '1',
    HUB_SEED_FACILITIES: '1',
    HUB_SEED_DEMO_USERS: '1',
    HUB_DEMO_ADMIN: '1',
    // Certificates are issued 06:30–23:00 Japan time, as on a real kiosk; `DEMO_SERVICE_TIME=12:00 npm start`
    // lets the demo judge the hours at that time of day instead, to try the flow at night.
    ...(process.env.DEMO_SERVICE_TIME ? { HUB_DEMO_SERVICE_TIME: process.env.DEMO_SERVICE_TIME } : {}),
  };
  hubStart = { ready: false, url: hubUrl, start: () => startProcess('hub', path.join(root, 'central-hub/dist/main.js'), hubEnv, 'hub listening') };
  console.log('Starting the hub...');
  await hubStart.start();
  const adminToken = readFileSync(path.join(hubDataDir, 'admin-token'), 'utf8').trim();

  const agentEnv = {
    HUB_URL: hubUrl,
    AGENT_DATA_DIR: agentDataDir,
    AGENT_UI_PORT: String(uiPort),
    AGENT_DEVICES: 'virtual',
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
  const agentReady = await startProcess('agent', path.join(root, 'edge-agent/dist/main.js'), agentEnv, 'agent ui listening');

  hubStart.ready = true;
  listenForControl();
  const kioskUrl = new URL(agentReady.url ?? `http://127.0.0.1:${uiPort}/`);
  const demoAdminFile = demoAdminFiles.find((file) => existsSync(file));
  const demoAdmin = demoAdminFile ? JSON.parse(readFileSync(demoAdminFile, 'utf8')) : null;
  console.log(`
Kiosk system is running. Open:
  Kiosk UI (residents, facility users):  ${kioskUrl.href}
  Technician console:                    ${hubUrl}/console/
      sign in as ${demoAdmin ? `${demoAdmin.username} / ${demoAdmin.password}` : '(demo administrator disabled)'}
  Virtual device panel (demo hardware):  ${new URL('panel/', kioskUrl).href}
      facility user cards 10000008 / 10000016 / 10000024, PINs 1234 / 2345 / 3456 (demo data)
      My Number test cards toyonaka-001…004, PINs in ${path.join(testCaDir, 'residents.json')}
      certificates: 06:30–23:00 Japan time${process.env.DEMO_SERVICE_TIME ? ` (demo: judged as at ${process.env.DEMO_SERVICE_TIME})` : '; to try them at any hour: DEMO_SERVICE_TIME=12:00 npm start'}
  Hub health:                            ${hubUrl}/health
Hub admin token (for the REST API):      ${adminToken}
Logs: ${logDir}
Stop and start the hub alone: npm run hub:stop / npm run hub:start (the kiosk goes offline and comes back).
Press Ctrl-C to stop everything.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  void stopAll(1);
});
