import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `<dataDir>/demo-admin.json`: the demo administrator's first password, for `npm start` to show (issue 15). */
export const DEMO_ADMIN_FILE = 'demo-admin.json';

/**
 * Writes the demo administrator's credentials to `<dataDir>/demo-admin.json`, readable by the hub's user
 * only (0600, also when an older file was there). Only with HUB_DEMO_ADMIN=1; never logged.
 */
export function saveDemoAdmin(dataDir: string, credentials: { username: string; password: string }): string {
  const file = path.join(dataDir, DEMO_ADMIN_FILE);
  writeFileSync(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
