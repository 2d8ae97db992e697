/**
 * "Cash box emptied" on the kiosk page, against the real hub and agent processes (virtual devices, so
 * the kiosk has a coin acceptor and a cash-box count): the button asks first (cancel sends nothing), an
 * amount that is not whole yen keeps it disabled, and confirmed with a counted amount the command is
 * followed to `succeeded` with the kiosk's count and the difference, and the hub holds one
 * `cash.collected` event for it, with the hoppers the technician counted (issue 18): a hopper row with
 * only one of its two numbers keeps it disabled too.
 */
import type { Browser, Page } from 'playwright-core';
import { CommandViewSchema } from '@kiosk/protocols';
import { signInToConsole } from '../support/console';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { TestSystem } from '../support/system';

jest.setTimeout(120_000);

describe('cash box emptied, from the console', () => {
  const system = new TestSystem();
  let browser: Browser;
  let page: Page;
  let kioskId: string;

  beforeAll(async () => {
    await system.startHub();
    await system.startAgent({ AGENT_DEVICES: 'virtual' });
    kioskId = system.identity().kioskId;
    await system.agent?.waitForLog((entry) => entry.msg === 'hub connected');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 1366 } });
    await signInToConsole(page, system);
    await page.goto(`${system.hubUrl}/console/#/kiosks/${kioskId}`);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  async function commandsOnHub() {
    const response = await fetch(`${system.hubUrl}/api/kiosks/${kioskId}/commands`, { headers: { authorization: `Bearer ${system.adminToken()}` } });
    return CommandViewSchema.array()
      .parse(await response.json())
      .filter((command) => command.type === 'cash.collected');
  }

  async function collectedEventsOnHub(): Promise<unknown[]> {
    const rows = await system.hubRecords.rows<{ payload_json: string }>(`SELECT payload_json FROM events WHERE type = 'cash.collected' AND kiosk_id = ?`, kioskId);
    return rows.map((row) => JSON.parse(row.payload_json) as unknown);
  }

  it('asks first; cancel sends nothing; an amount that is not whole yen cannot be sent', async () => {
    await page.getByTestId('command-cash.collected').click();
    await page.getByTestId('command-cash-confirm').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByTestId('command-cash.collected-cancel').click();
    await page.getByTestId('command-cash-counted').fill('12.5');
    await page.getByTestId('command-cash-invalid').waitFor();
    expect(await page.getByTestId('command-cash.collected').isDisabled()).toBe(true);
    expect(await commandsOnHub()).toEqual([]);
  });

  it('confirmed with a counted amount and the hoppers: succeeded with the kiosk’s count and the difference, one event on the hub with the hopper counts', async () => {
    await page.getByTestId('command-cash-counted').fill('１００');
    await page.getByTestId('command-hopper-found-10').fill('40');
    await page.getByTestId('command-cash-invalid').waitFor();
    expect(await page.getByTestId('command-cash.collected').isDisabled()).toBe(true);
    await page.getByTestId('command-hopper-left-10').fill('200');
    await page.getByTestId('command-hopper-found-100').fill('7');
    await page.getByTestId('command-hopper-left-100').fill('100');
    await page.getByTestId('command-cash-invalid').waitFor({ state: 'detached' });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByTestId('command-cash.collected').click();
    await page.getByTestId('command-cash.collected-confirm').click();
    const row = page.locator('[data-testid^="command-row-"][data-type="cash.collected"]').first();
    await row.locator('[data-testid="command-status"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
    const [sent] = await commandsOnHub();
    const counts = [
      { coinYen: 10, foundCoins: 40, leftCoins: 200 },
      { coinYen: 100, foundCoins: 7, leftCoins: 100 },
    ];
    expect(sent).toMatchObject({ params: { countedYen: 100, hoppers: counts }, status: 'succeeded', issuedBy: system.demoAdmin?.username });
    expect(sent?.detail).toMatch(/^WARNING: counted ¥100, ¥100 more than recorded; .*0 coins, ¥0$/);
    expect(await collectedEventsOnHub()).toEqual([{ commandId: sent?.commandId, countedYen: 100, hoppers: counts, recordedCoins: 0, recordedYen: 0 }]);
    expect(await smallTouchTargets(page)).toEqual([]);
  });
});
