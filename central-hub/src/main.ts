import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from './config';
import { createHub, type HubHandle } from './create-hub';
import { createRootLogger } from './logger';

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
  // The whole stop is bounded by HUB_DRAIN_DEADLINE_MS; the kiosks' messages in flight get HUB_DRAIN_IN_FLIGHT_MS of it.
  const { deadlineMs, inFlightMs } = config.drain;

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
    log.info({ signal, deadlineMs }, 'hub stopping');
    setTimeout(() => {
      log.error({ deadlineMs }, 'hub did not stop within its deadline; exiting anyway');
      process.exit(1);
    }, deadlineMs).unref();
    hub.shutdown({ drainMs: inFlightMs }).then(
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
