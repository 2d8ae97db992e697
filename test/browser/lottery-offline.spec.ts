/**
 * The street terminal while the centre cannot be reached, in headless Chromium against real processes:
 * the calendar comes from the terminal's cache and says "as of" when; a lottery entry is taken
 * provisionally (the screen and the printed receipt say so, and "my entries" lists it as not sent yet);
 * booking is refused; once the hub is back the same entry shows, accepted, in "my entries" (and can be
 * cancelled like any other).
 */
import type { Browser, Page } from 'playwright-core';
import { seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { openDays, openFacilityMonth, openLotteryTerminal, signInToLottery, waitForText, walkOpenMonths, type LotteryTerminal } from '../support/lottery-terminal';
import { waitUntil } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(240_000);

const CARD = '10000024';
const PIN = '3456';

describe('facility lottery with the centre unreachable, in Chromium', () => {
  const system = new TestSystem();
  let terminal: LotteryTerminal;
  let browser: Browser | undefined;
  let kiosk: Page;
  let panel: Page;
  let facilityTestId = '';
  let monthTestId = '';
  /** The provisional entry's short reference, as the screen and the receipt give it. */
  let reference = '';

  beforeAll(async () => {
    terminal = await openLotteryTerminal(system);
    ({ browser, kiosk, panel } = terminal);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  // The hardware pad on the panel for the first two digits, the screen's pad for the rest: one PIN.
  const signIn = (): Promise<void> => signInToLottery(terminal, CARD, PIN, 2);

  async function signOut(): Promise<void> {
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
  }

  it('while online, browses a month whose lottery is open (the terminal keeps a copy)', async () => {
    await signIn();
    await waitUntil('offline key cached', () => system.agent?.logs.some((entry) => entry.msg === 'offline-entry key cached') ?? false);
    await kiosk.getByTestId('lottery-menu-enter').click();
    await walkOpenMonths(kiosk, (open) => {
      ({ facilityTestId, monthTestId } = open);
      return Promise.resolve(true);
    });
    expect(monthTestId).not.toBe('');
    expect(await kiosk.getByTestId('lottery-as-of').count()).toBe(0);
    await signOut();
  });

  it('with the hub down, shows the cached calendar "as of" and takes a provisional entry with a receipt saying so', async () => {
    await system.hub?.stop();
    await kiosk.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 30_000 });
    await signIn();
    await kiosk.getByTestId('lottery-offline').waitFor();
    expect(await kiosk.getByTestId('lottery-menu-book').isDisabled()).toBe(true);

    await kiosk.getByTestId('lottery-menu-enter').click();
    await openFacilityMonth(kiosk, { facilityTestId, monthTestId });
    await kiosk.getByTestId('lottery-as-of').waitFor();
    await openDays(kiosk).first().click();
    await kiosk.locator('[data-testid^="lottery-slot-"][data-state="lottery-open"]').first().click();
    expect(await seriousAccessibilityViolations(kiosk)).toEqual([]);
    expect(await smallTouchTargets(kiosk)).toEqual([]);
    await kiosk.getByTestId('lottery-review-entry').click();
    await kiosk.getByTestId('lottery-submit-entry').click();

    const done = kiosk.getByTestId('lottery-done');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.getAttribute('data-kind')).toBe('provisional');
    // A short reference a person can read out (issue 20), not a 36-character id.
    reference = /([0-9]{4}-[0-9]{4})/.exec(await kiosk.getByTestId('lottery-provisional-ref').innerText())?.[1] ?? '';
    expect(reference).toMatch(/^[0-9]{4}-[0-9]{4}$/);
    expect(await kiosk.getByTestId('lottery-provisional-ref').innerText()).not.toMatch(/[0-9a-f-]{36}/);
    expect(await kiosk.getByTestId('lottery-receipt').getAttribute('data-printed')).toBe('true');
    await waitForText(panel.getByTestId('panel-receipts'), /仮受付: 端末がセンターに再接続した/);
    const receipt = await panel.getByTestId('panel-receipts').innerText();
    expect(receipt).toContain(`仮受付番号 ${reference}`);
    // The receipt names the menu item as the menu does.
    expect(receipt).toContain('「申込・抽選結果の確認」');

    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-menu-entries').click();
    const unsent = kiosk.locator('[data-testid^="lottery-unsent-"]');
    await unsent.first().waitFor();
    expect(await unsent.first().innerText()).toContain(reference);
    await signOut();
  });

  it('after the hub is back, shows the same entry accepted in my entries', async () => {
    await system.startHub({ HUB_SEED_FACILITIES: '1', HUB_SEED_DEMO_USERS: '1' });
    await kiosk.getByTestId('offline-banner').waitFor({ state: 'hidden', timeout: 30_000 });
    await waitUntil('outbox drained', () => system.outboxStats().backlog === 0, 60_000);
    await signIn();
    expect(await kiosk.getByTestId('lottery-offline').count()).toBe(0);
    await kiosk.getByTestId('lottery-menu-entries').click();
    const accepted = kiosk.locator('[data-testid^="lottery-entry-"][data-channel="offline"]');
    await accepted.first().waitFor({ timeout: 20_000 });
    expect(await accepted.count()).toBe(1);
    expect(await kiosk.locator('[data-testid^="lottery-unsent-"]').count()).toBe(0);
    // The final entry keeps the reference the person was given offline.
    expect(await accepted.first().innerText()).toContain(`仮受付番号 ${reference}`);

    // It is an ordinary entry now: the person may cancel it before the draw (asked twice).
    const entryNumber = ((await accepted.first().getAttribute('data-testid')) ?? '').replace('lottery-entry-', '');
    await kiosk.getByTestId(`lottery-cancel-${entryNumber}`).click();
    await kiosk.getByTestId(`lottery-cancel-confirm-${entryNumber}`).click();
    await waitForText(kiosk.getByTestId(`lottery-entry-${entryNumber}`), /取消済み/);
  });
});
