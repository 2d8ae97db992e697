import pino, { type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One JSON logger for the agent, to stdout (the run script and the tests read these lines). Modules take
 * a child logger with `module` set. Nothing personal is ever logged: ids, counts and codes only.
 */
export function createLogger(level: LogLevel): Logger {
  // Synchronous writes: a line logged just before a crash (or a test's SIGKILL) is not lost in a buffer.
  return pino(
    { level, base: { app: 'edge-agent', pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** Fire-and-forget through one helper, so a failure is logged instead of becoming an unhandled rejection. */
export function runDetached(logger: Logger, what: string, task: () => Promise<unknown>): void {
  task().catch((error: unknown) => {
    logger.error({ err: error, task: what }, 'background task failed');
  });
}
