import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

/** DI token of the root pino logger; modules take `.child({ module })` of it. */
export const LOGGER = 'Logger';

/**
 * The hub's one root logger: JSON lines on stdout (or `destination`, which tests use to read the
 * lines back). Nothing personal is ever passed to it: kiosk ids, codes of refusals, counts, never
 * resident data, PINs, enrolment codes or tokens.
 */
export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { app: 'central-hub' }, timestamp: pino.stdTimeFunctions.isoTime };
  // Synchronous stdout: a line is out before the hub acts on what it says (a refusal is logged before
  // the client hears it; the chaos line before the SIGKILL). The hub logs events, not every message,
  // so the cost is small.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}

/**
 * Nest's own messages through pino. Nest's chatty start-up lines (`log`: routes mapped, modules
 * loaded) go to debug so that the info stream holds only what an operator needs.
 */
export class PinoNestLogger implements LoggerService {
  private readonly out: Logger;

  constructor(root: Logger) {
    this.out = root.child({ module: 'nest' });
  }

  log(message: unknown, context?: string): void {
    this.out.debug({ context }, String(message));
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.out.error({ context: context ?? stackOrContext, stack: context ? stackOrContext : undefined }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.out.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.out.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.out.trace({ context }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.out.fatal({ context }, String(message));
  }
}
