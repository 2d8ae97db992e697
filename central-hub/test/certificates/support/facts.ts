import path from 'node:path';

/**
 * The real shared facts file (types, fees, hours of Toyonaka's kiosk service). It lives beside the
 * repository (`../shared/domain/`); KIOSK_FACTS_FILE points elsewhere when the layout differs.
 */
export function factsFile(): string {
  return process.env.KIOSK_FACTS_FILE ?? path.resolve(__dirname, '../../../../../shared/domain/toyonaka-facts.json');
}
