import path from 'node:path';
import { bundledFactsFile } from '../../../src/config';

/** The facts file the hub ships with (types, fees and hours of Toyonaka's kiosk service), as the hub finds it by default. */
export function factsFile(): string {
  return bundledFactsFile(path.resolve(__dirname, '../../../..'));
}
