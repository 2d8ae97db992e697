// Starts the whole demo system on this machine: the hub on an embedded SQLite file under ./data/hub, one
// edge agent enrolled to it (under ./data/agent) with virtual devices, the kiosk UI served by the agent
// and the console served by the hub. The hub trusts the project's TEST CA (never J-LIS) for the virtual
// My Number cards and seeds demo data: synthetic residents, Toyonaka's facilities and lottery rounds, and
// three facility users. Ctrl-C stops everything. Uses only Node's own modules, because it is what runs
// right after a fresh install.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, 'data'));
const hubPort = Number(process.env.HUB_PORT ?? 7400);
const uiPort = Number(process.env.AGENT_UI_PORT ?? 7401);
const logDir = path.join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

const children = [];
let stopping = false;
/** The agent exits with this after a technician's `agent.restart` (edge-agent/src/commands/restart.ts). */
const AGENT_RESTART_EXIT_CODE = 75;
const demoAdminFile = path.join(dataDir, 'demo-admin.json');

/**
 * The hub logs the demo administrator's password once, when it creates the account. Keep it where the
 * next `npm start` can show it again (0600, demo data only) and keep it out of the log file.
 */
function keepDemoAdmin(entry) {
  if (entry.msg !== 'demo administrator created') return entry;
  writeFileSync(demoAdminFile, JSON.stringify({ username: entry.username, password: entry.password }) + '\n', { mode: 0o600 });
  return { ...entry, password: '[kept in demo-admin.json]' };
}

/** Starts a node process, tees its JSON log to a file, resolves when a log line matches `readyMsg`. */
function startProcess(name, script, env, readyMsg) {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push({ name, child });
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
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
          entry = keepDemoAdmin(JSON.parse(line));
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
      if (!stopping) {
        console.error(`[${name}] exited (${signal ?? code}); see ${path.join(logDir, `${name}.log`)}`);
        reject(new Error(`${name} exited`));
        void stopAll(1);
      }
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
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

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

  console.log('Starting the hub...');
  await startProcess('hub', path.join(root, 'central-hub/dist/main.js'), {
    HUB_PORT: String(hubPort),
    HUB_DATA_DIR: hubDataDir,
    HUB_PUBLIC_URL: hubUrl,
    HUB_CARD_TRUST_ANCHORS: path.join(testCaDir, 'ca', 'root.cert.pem'),
    HUB_CARD_CRLS: path.join(testCaDir, 'crl', 'root.crl.pem'),
    HUB_SEED_RESIDENTS: '1',
    HUB_SEED_FACILITIES: '1',
    HUB_SEED_DEMO_USERS: '1',
    // Certificates are issued 06:30–23:00 Japan time, as on a real kiosk; `DEMO_SERVICE_TIME=12:00 npm start`
    // lets the demo judge the hours at that time of day instead, to try the flow at night.
    ...(process.env.DEMO_SERVICE_TIME ? { HUB_DEMO_SERVICE_TIME: process.env.DEMO_SERVICE_TIME } : {}),
  }, 'hub listening');
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

  const kioskUrl = new URL(agentReady.url ?? `http://127.0.0.1:${uiPort}/`);
  const demoAdmin = existsSync(demoAdminFile) ? JSON.parse(readFileSync(demoAdminFile, 'utf8')) : null;
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
Press Ctrl-C to stop everything.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  void stopAll(1);
});
