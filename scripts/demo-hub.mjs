// `npm run hub:stop` / `npm run hub:start`: asks the running demo (scripts/start.mjs) to stop or start its
// hub alone, through the control socket in the demo's data directory: KIOSK_DATA_DIR, else the one
// scripts/demo-postgres.sh gives a demo started with HUB_DATABASE_URL (so the same variable finds it), else ./data.
// `npm run hub:stop -- a` (or b) names one hub of `npm run start:cluster` (issue 14), whose data directory
// is data/cluster-<database> (HUB_DATABASE_URL, default postgres://127.0.0.1/kiosk_cluster).
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLUSTER_DATABASE_URL = 'postgres://127.0.0.1/kiosk_cluster';

/**
 * The same rule as scripts/demo-postgres.sh: data/<prefix>-<database> for a server on this machine, else
 * data/<prefix> (prefix `postgres`, or `cluster` for `npm run start:cluster`).
 */
function postgresDemoDir(url, prefix = 'postgres') {
  const local = /^postgres(ql)?:\/\/([^@/]*@)?(localhost|127\.0\.0\.1|\[::1\])(:([0-9]+))?\/([A-Za-z0-9_]+)([?].*)?$/.exec(url);
  return path.join(root, 'data', local ? `${prefix}-${local[6]}` : prefix);
}

const [action, hub] = process.argv.slice(2);
if ((action !== 'stop' && action !== 'start') || process.argv.length > 4) {
  console.error('usage: node scripts/demo-hub.mjs stop|start [a|b]   (a hub of npm run start:cluster by its letter)');
  process.exit(2);
}
const dataDir = path.resolve(
  process.env.KIOSK_DATA_DIR ||
    (hub !== undefined
      ? postgresDemoDir(process.env.HUB_DATABASE_URL || CLUSTER_DATABASE_URL, 'cluster')
      : process.env.HUB_DATABASE_URL
        ? postgresDemoDir(process.env.HUB_DATABASE_URL)
        : path.join(root, 'data')),
);

const socket = createConnection(path.join(dataDir, 'run', 'demo.sock'));
let answer = '';
socket.setEncoding('utf8');
socket.on('connect', () => socket.write(`hub ${action}${hub === undefined ? '' : ` ${hub}`}\n`));
socket.on('data', (chunk) => (answer += chunk));
socket.on('end', () => {
  console.log(answer.trim());
  process.exit(/^(failed|unknown|usage)/.test(answer) ? 1 : 0);
});
socket.on('error', (error) => {
  const clusterDir = postgresDemoDir(process.env.HUB_DATABASE_URL || CLUSTER_DATABASE_URL, 'cluster');
  if (hub === undefined && !process.env.KIOSK_DATA_DIR && existsSync(path.join(clusterDir, 'run', 'demo.sock'))) {
    console.error(`the demo with two hubs (npm run start:cluster) is running: name the hub, npm run hub:${action} -- a (or b)`);
  } else {
    const start = hub === undefined ? 'npm start' : 'npm run start:cluster';
    console.error(`no demo is running for ${dataDir} (${start} first): ${error.message}`);
  }
  process.exit(1);
});
