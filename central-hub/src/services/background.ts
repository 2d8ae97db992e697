import type { Logger } from '../logger';

/**
 * The one way to start work nobody awaits (command delivery after a hello, console pushes): its failure
 * is logged, never an unhandled rejection.
 */
export function runInBackground(log: Logger, what: string, work: () => Promise<unknown>): void {
  Promise.resolve()
    .then(work)
    .catch((error: unknown) => {
      log.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error), what }, 'background task failed');
    });
}
