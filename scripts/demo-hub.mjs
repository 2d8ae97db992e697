// `npm run hub:stop` / `npm run hub:start`: asks the running demo (scripts/start.mjs) to stop or start its
// hub alone, through the control socket in the demo's data directory: KIOSK_DATA_DIR, else the one
// scripts/demo-postgres.sh gives a demo started with HUB_DATABASE_URL (so the same variable finds it), else ./data.
import { createConnection } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The same rule as scripts/demo-postgres.sh: data/postgres-<database> for a server on this machine, else data/postgres. */
function postgresDemoDir(url) {
  const local = /^postgres(ql)?:\/\/([^@/]*@)?(localhost|127\.0\.0\.1|\[::1\])(:([0-9]+))?\/([A-Za-z0-9_]+)([?].*)?$/.exec(url);
  return path.join(root, 'data', local ? `postgres-${local[6]}` : 'postgres');
}

const dataDir = path.resolve(
  process.env.KIOSK_DATA_DIR || (process.env.HUB_DATABASE_URL ? postgresDemoDir(process.env.HUB_DATABASE_URL) : path.join(root, 'data')),
);
const action = process.argv[2];
if (action !== 'stop' && action !== 'start') {
  console.error('usage: node scripts/demo-hub.mjs stop|start');
  process.exit(2);
}

const socket = createConnection(path.join(dataDir, 'run', 'demo.sock'));
let answer = '';
socket.setEncoding('utf8');
socket.on('connect', () => socket.write(`hub ${action}\n`));
socket.on('data', (chunk) => (answer += chunk));
socket.on('end', () => {
  console.log(answer.trim());
  process.exit(answer.startsWith('failed') || answer.startsWith('unknown') ? 1 : 0);
});
socket.on('error', (error) => {
  console.error(`no demo is running for ${dataDir} (npm start first): ${error.message}`);
  process.exit(1);
});
