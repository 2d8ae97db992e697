/**
 * The slice of a pino logger the drivers use. `devices` may import only `@kiosk/protocols`, so the agent
 * passes its pino child logger in (pino satisfies this shape) and tests pass nothing.
 */
export interface PeripheralLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: PeripheralLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** "Now", injected, so health timestamps are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Fire-and-forget through one helper, so a failure is logged instead of becoming an unhandled rejection. */
export function runDetached(logger: PeripheralLogger, what: string, task: () => Promise<unknown>): void {
  task().catch((error: unknown) => {
    logger.error({ err: describeError(error), task: what }, 'background task failed');
  });
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Resolves after `ms`; used between polls and retries. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
