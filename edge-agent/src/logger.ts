import pino, { type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Somewhere else every log line also goes (the recent-lines ring a `logs.upload` command reads). */
export interface LogLineSink {
  push(line: string): void;
}

/**
 * Fields that must never reach a log line, whoever logs them: the card PIN and other secrets, and a
 * resident's personal data. The agent's own code logs ids, counts and codes only; this is the net under
 * it (for a driver or a future flow logging a whole object), and it also covers what `logs.upload`
 * sends to the hub, which reads the same lines.
 */
export const REDACTED_LOG_PATHS = [
  'pin',
  'pinDigits',
  'password',
  'token',
  'privateKeyPem',
  'enrolmentCode',
  'myNumber',
  'individualNumber',
  'fullName',
  'residentName',
  'kanaName',
  'address',
  'birthDate',
  'dateOfBirth',
  'gender',
  'pdf',
  'certificatePem',
].flatMap((key) => [key, `*.${key}`]);

/**
 * One JSON logger for the agent, to stdout (the run script and the tests read these lines), and to
 * `sink` when given (`out` replaces stdout in tests). Modules take a child logger with `module` set. Nothing personal is ever logged:
 * ids, counts and codes only (REDACTED_LOG_PATHS censors the rest).
 */
export function createLogger(level: LogLevel, sink?: LogLineSink, out?: { write(line: string): unknown }): Logger {
  // Synchronous writes: a line logged just before a crash (or a test's SIGKILL) is not lost in a buffer.
  const stdout = out ?? pino.destination({ dest: 1, sync: true });
  const destination = sink
    ? {
        write(line: string): void {
          stdout.write(line);
          sink.push(line);
        },
      }
    : stdout;
  return pino(
    {
      level,
      base: { app: 'edge-agent', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** Fire-and-forget through one helper, so a failure is logged instead of becoming an unhandled rejection. */
export function runDetached(logger: Logger, what: string, task: () => Promise<unknown>): void {
  task().catch((error: unknown) => {
    logger.error({ err: error, task: what }, 'background task failed');
  });
}
