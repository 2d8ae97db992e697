/**
 * Demo only: moves the lottery's clock of a running demo hub (`npm start`, HUB_SEED_DEMO_USERS=1)
 * forward to a round's next milestone, so its draw happens and its results appear.
 *
 *   node central-hub/dist/tools/demo-clock.js [results|confirmation-closed|first-come|entry-opens|status]
 *        [--hub http://127.0.0.1:7400] [--data-dir data/hub]
 *
 * `results` (the default) runs the draw and publishes results; `confirmation-closed` releases unconfirmed
 * wins; `first-come` opens first-come booking; `entry-opens` opens the next entry window (after the
 * 10th of a month no round takes entries); `status` only shows where the clock stands. Signs in with
 * the bootstrap admin token in `<data-dir>/admin-token` (or HUB_ADMIN_TOKEN). Prints the hub's JSON
 * answer. Exit 0 done; 1 refused by the hub; 2 usage or hub unreachable.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DemoClockTargetSchema, type DemoClockTarget } from '@kiosk/protocols';

const USAGE = 'usage: demo-clock [results|confirmation-closed|first-come|entry-opens|status] [--hub URL] [--data-dir DIR]\n';

export interface DemoClockArgs {
  action: 'status' | DemoClockTarget;
  hub: string;
  dataDir: string;
}

export function parseArgs(argv: readonly string[], env: Record<string, string | undefined>): DemoClockArgs | null {
  let action: DemoClockArgs['action'] = 'results';
  let hub = env.HUB_URL ?? `http://127.0.0.1:${env.HUB_PORT ?? '7400'}`;
  let dataDir = env.HUB_DATA_DIR ?? path.join('data', 'hub');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--hub' || arg === '--data-dir') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) return null;
      if (arg === '--hub') hub = value;
      else dataDir = value;
    } else if (arg === 'status' || DemoClockTargetSchema.safeParse(arg).success) {
      action = arg as DemoClockArgs['action'];
    } else {
      return null;
    }
  }
  return { action, hub, dataDir: path.resolve(dataDir) };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), process.env);
  if (!args) {
    process.stderr.write(USAGE);
    return 2;
  }
  let token: string;
  try {
    token = process.env.HUB_ADMIN_TOKEN ?? readFileSync(path.join(args.dataDir, 'admin-token'), 'utf8').trim();
  } catch {
    process.stderr.write(`no admin token: ${path.join(args.dataDir, 'admin-token')} is not readable (set --data-dir or HUB_ADMIN_TOKEN)\n`);
    return 2;
  }
  const url = new URL('api/lottery/demo-clock', args.hub.endsWith('/') ? args.hub : `${args.hub}/`);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let response: Response;
  try {
    response =
      args.action === 'status'
        ? await fetch(url, { headers })
        : await fetch(url, { method: 'POST', headers, body: JSON.stringify({ to: args.action }) });
  } catch (error) {
    process.stderr.write(`the hub at ${args.hub} cannot be reached: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const text = await response.text();
  (response.ok ? process.stdout : process.stderr).write(`${text}\n`);
  return response.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
