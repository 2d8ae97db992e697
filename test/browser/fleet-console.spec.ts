/**
 * Issue 8's browser proof, on the demo kiosk with its virtual hardware: a technician signs in to the
 * console; "paper out" on the device panel opens an alert the console shows within 5 s; the technician
 * acknowledges it; "paper refilled" resolves it; a test print sent from the kiosk's page is followed to
 * `succeeded` and its receipt comes out of the (simulated) printer.
 */
import type { Browser, Page } from 'playwright-core';
import { TestSystem } from '../support/system';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';

jest.setTimeout(180_000);

describe('technician console with the demo kiosk', () => {
  const system = new TestSystem();
  let browser: Browser;
  let consolePage: Page;
  let panelPage: Page;
  let kioskId: string;

  beforeAll(async () => {
    // Short hold and sweep so "resolved" follows the refill within the test, not after a minute.
    await system.startHub({ HUB_ALERT_RESOLVE_HOLD_MS: '1000', HUB_SWEEP_INTERVAL_MS: '500' });
    await system.startAgent({ AGENT_DEVICES: 'virtual' });
    kioskId = system.identity().kioskId;
    browser = await launchChromium();
    consolePage = await browser.newPage({ viewport: { width: 1024, height: 1366 } });
    panelPage = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  it('signs in with the demo administrator and lists the kiosk online', async () => {
    const created = system.demoAdmin;
    await consolePage.goto(`${system.hubUrl}/console/`);
    await consolePage.getByTestId('login-username').fill(String(created?.username));
    await consolePage.getByTestId('login-password').fill('wrong password');
    await consolePage.getByTestId('login-submit').click();
    await consolePage.getByTestId('login-error').waitFor();

    await consolePage.getByTestId('login-password').fill(String(created?.password));
    await consolePage.getByTestId('login-submit').click();
    const row = consolePage.getByTestId(`kiosk-row-${kioskId}`);
    await row.waitFor();
    await waitForText(consolePage, () => row.getByTestId('kiosk-online').innerText(), /オンライン|online/i);
    expect(await seriousAccessibilityViolations(consolePage)).toEqual([]);
    expect(await smallTouchTargets(consolePage)).toEqual([]);
  });

  it('shows a paper-out alert within 5 s, acknowledges it, and resolves it after a refill', async () => {
    await panelPage.goto(new URL('panel/', system.agentUiUrl).href);
    await panelPage.getByTestId('panel-paper-out').click();

    await consolePage.getByTestId('nav-alerts').click();
    const alertRow = consolePage.locator(`[data-testid^="alert-row-"][data-kind="paper-out"]`);
    await alertRow.waitFor({ timeout: 5000 });
    const state = alertRow.getByTestId('alert-state');
    expect(await state.getAttribute('data-state')).toBe('open');

    const alertId = (await alertRow.getAttribute('data-testid'))?.replace('alert-row-', '') ?? '';
    await consolePage.getByTestId(`alert-ack-${alertId}`).click();
    await consolePage.getByTestId('alert-comment').fill('ロール紙を補充に向かいます');
    await consolePage.getByTestId('alert-ack-submit').click();
    expect(await alertStateFromHub(system, alertId, 'acknowledged')).toBe('acknowledged');
    // The kiosk's own page shows it acknowledged (the alerts page's "open" tab no longer lists it).
    await consolePage.goto(`${system.hubUrl}/console/#/kiosks/${kioskId}`);
    const onKioskPage = consolePage.getByTestId(`alert-row-${alertId}`).getByTestId('alert-state');
    await waitForAttribute(() => onKioskPage.getAttribute('data-state'), 'acknowledged');

    await panelPage.getByTestId('panel-paper-ok').click();
    const resolved = await alertStateFromHub(system, alertId, 'resolved');
    expect(resolved).toBe('resolved');
  });

  it('follows a test print from the console to succeeded, and the receipt is printed', async () => {
    await consolePage.goto(`${system.hubUrl}/console/#/kiosks/${kioskId}`);
    const testPrint = consolePage.getByTestId('command-device.test-print');
    await testPrint.waitFor();
    const receiptsBefore = await panelPage.getByTestId('panel-receipts').innerText();
    await consolePage.getByTestId('command-printer').selectOption('receipt-printer');
    await testPrint.click();

    const commandRow = consolePage.locator('[data-testid^="command-row-"][data-type="device.test-print"]').first();
    await commandRow.waitFor();
    await waitForAttribute(() => commandRow.getByTestId('command-status').getAttribute('data-status'), 'succeeded', 30_000);
    await waitForText(panelPage, () => panelPage.getByTestId('panel-receipts').innerText(), (text) => text !== receiptsBefore && /TEST PRINT/.test(text));
  });
});

async function waitForText(page: Page, read: () => Promise<string>, expected: RegExp | ((text: string) => boolean), timeoutMs = 20_000): Promise<void> {
  const matches = typeof expected === 'function' ? expected : (text: string) => expected.test(text);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await read();
    if (matches(last)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`text did not match within ${timeoutMs} ms; last saw "${last.slice(0, 200)}"`);
}

async function waitForAttribute(read: () => Promise<string | null>, expected: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`expected "${expected}", last saw "${last}"`);
}

/** The alert's state as the hub's REST API reports it, once it reaches `want` (or the last seen). */
async function alertStateFromHub(system: TestSystem, alertId: string, want: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${system.hubUrl}/api/alerts?state=${want}&kioskId=${system.identity().kioskId}`, {
      headers: { authorization: `Bearer ${system.adminToken()}` },
    });
    const body = (await response.json()) as unknown;
    const alerts = (Array.isArray(body) ? body : ((body as { alerts?: unknown[] }).alerts ?? [])) as Array<{ alertId: string; state: string }>;
    last = alerts.find((alert) => alert.alertId === alertId)?.state ?? 'missing';
    if (last === want) return last;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return last;
}
