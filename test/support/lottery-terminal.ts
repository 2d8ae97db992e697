/**
 * What the lottery browser tests share: the real hub and agent (virtual devices) with the kiosk and the
 * device panel open in Chromium, signing in as a person does, and walking the lottery calendar facility
 * by facility, month by month.
 */
import { errors, type Browser, type Locator, type Page } from 'playwright-core';
import { launchChromium } from './browser';
import type { TestSystem } from './system';
import { containsSecret, pinSecret } from './privacy-scan';

export interface LotteryTerminal {
  browser: Browser;
  kiosk: Page;
  panel: Page;
}

/** Starts the hub (facilities and demo users seeded) and the agent, and opens the kiosk and the panel once online. */
export async function openLotteryTerminal(system: TestSystem): Promise<LotteryTerminal> {
  await system.startHub({ HUB_SEED_FACILITIES: '1', HUB_SEED_DEMO_USERS: '1' });
  await system.startAgent({ AGENT_DEVICES: 'virtual' });
  const browser = await launchChromium();
  try {
    const kiosk = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    const panel = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await kiosk.goto(system.agentUiUrl);
    await panel.goto(new URL('panel/', system.agentUiUrl).toString());
    await kiosk.getByTestId('offline-banner').waitFor({ state: 'hidden', timeout: 30_000 });
    return { browser, kiosk, panel };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Opens the lottery tile, scans `card` on the device panel and types `pin`: its first `onHardwarePad`
 * digits on the panel's hardware pad, the rest on the kiosk's screen pad. After each digit the screen
 * must show one more dot, and never the PIN itself (it only ever learns how many digits were typed).
 * Ends on the lottery menu.
 */
export async function signInToLottery(terminal: LotteryTerminal, card: string, pin: string, onHardwarePad = 0): Promise<void> {
  const { kiosk, panel } = terminal;
  await kiosk.getByTestId('tile-lottery').click();
  await kiosk.getByTestId('lottery-scan-prompt').waitFor();
  await panel.getByTestId(`panel-scan-preset-${card}`).click();
  await kiosk.getByTestId('lottery-card-read').waitFor();
  for (const [index, digit] of [...pin].entries()) {
    const key = index < onHardwarePad ? panel.getByTestId(`panel-pin-${digit}`) : kiosk.getByTestId(`lottery-key-${digit}`);
    await key.click();
    await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
  }
  expect(containsSecret(await kiosk.locator('#app').innerHTML(), pinSecret(pin))).toBe(false);
  await kiosk.getByTestId('lottery-key-enter').click();
  await kiosk.getByTestId('lottery-menu-enter').waitFor({ timeout: 20_000 });
}

export interface OpenMonth {
  facilityTestId: string;
  monthTestId: string;
}

/**
 * From the facility list, walks the calendar the way a person would: facility by facility (page by page
 * of the list: it is paged, never scrolled), month by month; for each month with a day open, calls
 * `visit` (with that month's days shown) until it returns true. Returns whether one did.
 */
export async function walkOpenMonths(kiosk: Page, visit: (month: OpenMonth) => Promise<boolean>): Promise<boolean> {
  const facilities = kiosk.locator('[data-testid^="lottery-facility-"]');
  await facilities.first().waitFor();
  for (;;) {
    for (let f = 0; f < (await facilities.count()); f += 1) {
      if (f > 0) {
        // Back to the list: it shows the page the facility was on.
        await kiosk.getByTestId('lottery-back').click();
        await facilities.first().waitFor();
      }
      const facilityTestId = (await facilities.nth(f).getAttribute('data-testid')) ?? '';
      await facilities.nth(f).click();
      const months = kiosk.locator('[data-testid^="lottery-month-"]');
      await months.first().waitFor();
      for (let m = 0; m < (await months.count()); m += 1) {
        const monthTestId = (await months.nth(m).getAttribute('data-testid')) ?? '';
        await months.nth(m).click();
        await waitForMonth(kiosk, monthTestId);
        if ((await openDays(kiosk).count()) === 0) continue;
        if (await visit({ facilityTestId, monthTestId })) return true;
      }
    }
    await kiosk.getByTestId('lottery-back').click();
    await facilities.first().waitFor();
    if (!(await turnFacilityPage(kiosk, 'next'))) return false;
  }
}

/**
 * From the facility list, a month seen before (`walkOpenMonths`) opened again: the list paged on to the
 * facility (as a person would), the facility, then the month, shown once its days are loaded.
 */
export async function openFacilityMonth(kiosk: Page, { facilityTestId, monthTestId }: OpenMonth): Promise<void> {
  await kiosk.locator('[data-testid^="lottery-facility-"]').first().waitFor();
  while ((await kiosk.getByTestId(facilityTestId).count()) === 0) {
    if (!(await turnFacilityPage(kiosk, 'next'))) throw new Error(`${facilityTestId} is on no page of the facility list`);
  }
  await kiosk.getByTestId(facilityTestId).click();
  await kiosk.getByTestId(monthTestId).click();
  await waitForMonth(kiosk, monthTestId);
}

/** Waits until the calendar shows the days of `monthTestId` (`lottery-month-YYYY-MM`), loaded. */
export function waitForMonth(kiosk: Page, monthTestId: string): Promise<void> {
  return waitForAttribute(kiosk.getByTestId('lottery-days'), 'data-loaded-month', monthTestId.replace('lottery-month-', ''));
}

/** Turns the facility list one page on (`next`) or back; false when there is no such page. */
export async function turnFacilityPage(kiosk: Page, direction: 'next' | 'previous'): Promise<boolean> {
  const button = kiosk.getByTestId(`lottery-facilities-page-${direction}`);
  if ((await button.count()) === 0 || (await button.isDisabled())) return false;
  const pager = kiosk.getByTestId('lottery-facilities-pager');
  const before = Number(await pager.getAttribute('data-page'));
  await button.click();
  await waitForAttribute(pager, 'data-page', String(before + (direction === 'next' ? 1 : -1)));
  return true;
}

/**
 * The picked day's first time slot in `state` that can be tapped, turning the day's slot pages as a
 * person would (the list is paged, never scrolled); null when the day has none.
 */
export async function findSlotOnPages(kiosk: Page, state: string): Promise<Locator | null> {
  await kiosk.locator('[data-testid^="lottery-slot-"]').first().waitFor();
  for (;;) {
    const slot = kiosk.locator(`[data-testid^="lottery-slot-"][data-state="${state}"]:not([disabled])`);
    if ((await slot.count()) > 0) return slot.first();
    const next = kiosk.getByTestId('lottery-slots-page-next');
    if ((await next.count()) === 0 || (await next.isDisabled())) return null;
    const pager = kiosk.getByTestId('lottery-slots-pager');
    const before = Number(await pager.getAttribute('data-page'));
    await next.click();
    await waitForAttribute(pager, 'data-page', String(before + 1));
  }
}

/** The days of the shown month that can be picked. */
export function openDays(kiosk: Page): Locator {
  return kiosk.locator('[data-testid^="lottery-day-"]:not([disabled])');
}

/** Waits until the element carries `name="value"`: Playwright's own wait, which sees the change at once (no polling period). */
export async function waitForAttribute(locator: Locator, name: string, value: string, timeoutMs = 20_000): Promise<void> {
  try {
    await locator.and(locator.page().locator(`[${name}=${JSON.stringify(value)}]`)).waitFor({ state: 'attached', timeout: timeoutMs });
  } catch (error) {
    if (!(error instanceof errors.TimeoutError)) throw error;
    const last = await locator.getAttribute(name, { timeout: 1000 }).catch(() => null);
    throw new Error(`expected ${name}="${value}", last saw ${String(last)}`);
  }
}

export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await locator.innerText().catch(() => '');
    if (pattern.test(last)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected text matching ${pattern}, last saw "${last.slice(0, 500)}"`);
}
