import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from './config';
import { createHub, type HubHandle } from './create-hub';
import { createRootLogger } from './logger';

/**
 * The whole stop, drain included, is bounded by this (then the process exits anyway); the wait for the
 * kiosks' messages in flight gets most of it, closing the servers and the database the rest. Under the
 * 10 s a systemd unit or a container runtime gives by default before SIGKILL.
 */
const SHUTDOWN_DEADLINE_MS = 9_500;
const DRAIN_MS = 7_000;

/** The repository root: the nearest parent holding the workspace's package.json. */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}

async function main(): Promise<void> {
  const config = parseConfig(process.env, { repoRoot: findRepoRoot(__dirname) });
  const hub: HubHandle = await createHub(config);
  const log = hub.logger.child({ module: 'main' });

  // SIGTERM / SIGINT: the graceful drain (issue 14), bounded by its own deadline, so a supervisor's stop
  // timeout is never what ends it. A second signal changes nothing: Ctrl-C on `npm start` sends SIGINT to
  // the whole process group and the run script then sends SIGTERM; the drain already under way goes on.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.info({ signal }, 'hub already stopping');
      return;
    }
    stopping = true;
    log.info({ signal, deadlineMs: SHUTDOWN_DEADLINE_MS }, 'hub stopping');
    setTimeout(() => {
      log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'hub did not stop within its deadline; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    hub.shutdown({ drainMs: DRAIN_MS }).then(
      () => {
        log.info('hub stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'hub did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  // The configured logger may not exist yet (bad configuration): log at the default level.
  createRootLogger('info').fatal({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'hub failed to start');
  process.exit(1);
});
