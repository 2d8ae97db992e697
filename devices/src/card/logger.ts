/**
 * The slice of a pino logger the card stack uses. `devices` imports nothing of ours but protocols, so the
 * agent passes its pino child logger in (pino satisfies this shape) and tests pass nothing or a capture.
 * Nothing the card stack logs carries APDU data: only instruction names, lengths and status words.
 */
export interface CardLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentCardLogger: CardLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
