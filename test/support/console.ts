import type { Page } from 'playwright-core';
import type { TestSystem } from './system';

/**
 * Opens the technician console and signs in as the demo administrator the hub created on its first
 * start (its one-time log line is the only place the password appears).
 */
export async function signInToConsole(page: Page, system: TestSystem): Promise<void> {
  const created = system.demoAdmin;
  if (!created) throw new Error('the hub did not create a demo administrator');
  await page.goto(`${system.hubUrl}/console/`);
  await page.getByTestId('login-username').fill(created.username);
  await page.getByTestId('login-password').fill(created.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout').waitFor();
}
