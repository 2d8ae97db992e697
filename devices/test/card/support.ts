import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CardLogger, CardReaderDriver, CardReaderEvents } from '../../src/card';

/** Every log call the card stack makes, serialised the way pino writes it: one JSON line per call. */
export class CapturingLogger implements CardLogger {
  readonly lines: string[] = [];
  debug = (obj: object, msg?: string): void => this.write('debug', obj, msg);
  info = (obj: object, msg?: string): void => this.write('info', obj, msg);
  warn = (obj: object, msg?: string): void => this.write('warn', obj, msg);
  error = (obj: object, msg?: string): void => this.write('error', obj, msg);

  private write(level: string, obj: object, msg?: string): void {
    this.lines.push(JSON.stringify({ level, ...obj, msg }));
  }
}

/** The ways a PIN could show up in a log line: its digits, their ASCII hex, base64, a byte array. */
export function pinTraces(pin: string): RegExp[] {
  const bytes = Buffer.from(pin, 'ascii');
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [
    new RegExp(`(?<![0-9])${pin}(?![0-9])`),
    new RegExp(bytes.toString('hex'), 'i'),
    new RegExp(bytes.toString('hex').replace(/(..)(?!$)/g, '$1[ :]?'), 'i'),
    new RegExp(escape(bytes.toString('base64').replace(/=+$/, ''))),
    new RegExp([...bytes].join(',\\s*')),
  ];
}

/** Resolves with the next `event` that satisfies `accept`; rejects after `timeoutMs` (no test hangs). */
export function nextEvent<E extends keyof CardReaderEvents>(
  driver: CardReaderDriver,
  event: E,
  accept: (...args: CardReaderEvents[E]) => boolean = () => true,
  timeoutMs = 8000,
): Promise<CardReaderEvents[E][0]> {
  // `as never` below: TypeScript cannot resolve EventEmitter's conditional listener type for a generic E.
  return new Promise((resolve, reject) => {
    const listener = (...args: CardReaderEvents[E]): void => {
      if (!accept(...args)) return;
      clearTimeout(timer);
      driver.off(event, listener as never);
      resolve(args[0]);
    };
    const timer = setTimeout(() => {
      driver.off(event, listener as never);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    driver.on(event, listener as never);
  });
}

/** Runs scripts/test-ca/make-test-ca.sh into `dir`. */
export async function makeTestCa(dir: string): Promise<void> {
  const script = path.resolve(__dirname, '../../../scripts/test-ca/make-test-ca.sh');
  await promisify(execFile)('bash', [script, dir]);
}

/** Settles `promise` so a test can look at a rejection it started earlier. */
export async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const [outcome] = await Promise.allSettled([promise]);
  return outcome!;
}
