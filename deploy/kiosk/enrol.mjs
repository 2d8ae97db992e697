// The kiosk's one enrolment at provisioning (install-kiosk.sh --enrol CODE), run as the kiosk user
// with the agent's environment (/etc/kiosk/agent.env) and AGENT_ENROLMENT_CODE. It is the agent's own
// enrolment (edge-agent/src/identity/ensure-identity.ts) from the installed release, so the key pair is
// made and kept exactly as the agent does it: saved 0600 in the data dir before it is sent, then the
// identity file (identity.json, 0600). A hub that stays unreachable for KIOSK_ENROL_TIMEOUT_MS (default
// 120 s) or refuses the code ends it with exit 1 and the reason; an enrolment that did not finish is
// taken up again with the same code by the next run (or by the agent's first start).
// Usage: node enrol.mjs RELEASE_DIR
import { createRequire } from 'node:module';
import path from 'node:path';

const releaseDir = process.argv[2];
if (!releaseDir) {
  process.stderr.write('usage: node enrol.mjs RELEASE_DIR\n');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const agentModule = (name) => require(path.join(releaseDir, 'edge-agent', 'dist', name));
const { parseConfig } = agentModule('config.js');
const { ensureIdentity } = agentModule('identity/ensure-identity.js');
const { IdentityFile } = agentModule('identity/identity-file.js');
const { createLogger } = agentModule('logger.js');

const config = parseConfig(process.env, releaseDir);
if (config.enrolmentCode === null) {
  process.stderr.write('enrol: AGENT_ENROLMENT_CODE is not set\n');
  process.exit(2);
}
const logger = createLogger(config.logLevel);
const timeoutMs = Number(process.env.KIOSK_ENROL_TIMEOUT_MS ?? 120_000);
try {
  const identity = await ensureIdentity({
    file: new IdentityFile(config.identityFile),
    enrolmentCode: config.enrolmentCode,
    hubUrl: config.hubUrls,
    fetch: (url, init) => fetch(url, init),
    backoff: { minMs: config.reconnectMinMs, maxMs: config.reconnectMaxMs },
    logger,
    signal: AbortSignal.timeout(timeoutMs),
  });
  process.stdout.write(`enrolled as kiosk ${identity.kioskId}\n`);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`enrol: ${message}\n`);
  process.exit(1);
}
