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

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'hub stopping');
    hub.close().then(
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
