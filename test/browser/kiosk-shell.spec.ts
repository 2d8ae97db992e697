/**
 * Proof 6 of the spine, as a person at the kiosk would see it: the kiosk shell renders in headless
 * Chromium, the language switch works, the offline banner follows the hub going away and coming back,
 * axe-core finds no serious or critical violation, and every touch target is at least 44 × 44 px.
 * The technician console lists the kiosk and follows it going offline.
 */
import type { Browser, Page } from 'playwright-core';
import { TestSystem } from '../support/system';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { signInToConsole } from '../support/console';
import { chooseLanguage } from '../support/kiosk-language';

jest.setTimeout(120_000);

describe('kiosk shell and console in Chromium', () => {
  const system = new TestSystem();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await system.startHub();
    await system.startAgent();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(system.agentUiUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  it('renders the attract screen in Japanese with both services', async () => {
    await page.getByTestId('attract').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    expect(await page.getByTestId('tile-certificates').innerText()).toContain('証明書');
    await page.getByTestId('tile-lottery').waitFor();
    await page.getByTestId('offline-banner').waitFor({ state: 'hidden' });
  });

  it('switches language', async () => {
    const switchTo = async (language: 'ja' | 'en' | 'ko' | 'zh-Hans'): Promise<void> => {
      await chooseLanguage(page, language);
      expect(await page.getAttribute('html', 'lang')).toBe(language);
    };
    await switchTo('en');
    expect(await page.getByTestId('tile-certificates').innerText()).toMatch(/certificate/i);
    await switchTo('ko');
    await switchTo('zh-Hans');
    await switchTo('ja');
  });

  it('has no serious accessibility violations and only large touch targets', async () => {
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);
  });

  it('shows the offline banner within 20 s of the hub stopping, and hides it after the hub is back', async () => {
    await system.hub?.stop();
    await page.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await system.startHub();
    await page.getByTestId('offline-banner').waitFor({ state: 'hidden', timeout: 20_000 });
  });

  it('lists the kiosk live in the technician console', async () => {
    const consolePage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await signInToConsole(consolePage, system);
      const { kioskId } = system.identity();
      const row = consolePage.getByTestId(`kiosk-row-${kioskId}`);
      await row.waitFor();
      const online = row.getByTestId('kiosk-online');
      await expectText(consolePage, () => online.innerText(), /オンライン|online/i);

      await system.agent?.stop();
      await expectText(consolePage, () => online.innerText(), /オフライン|offline/i);
      expect(await seriousAccessibilityViolations(consolePage)).toEqual([]);
    } finally {
      await consolePage.close();
    }
  });
});

async function expectText(page: Page, read: () => Promise<string>, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await read();
    if (pattern.test(last)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`expected text matching ${pattern}, last saw "${last}"`);
}
