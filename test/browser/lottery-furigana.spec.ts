/**
 * Issue 17, furigana on the lottery's main screens (the scan prompt, the PIN step after a card is read,
 * the menu), in headless Chromium against the real hub and agent with virtual devices: every kanji in
 * `<ruby>` with a reading, axe (serious/critical), 44 px targets and nothing off the 1080×1920 screen at
 * normal and large text and in high contrast; leaving ends the session and furigana with it. Facility
 * names and dates (the facility, calendar and entry screens) are not covered here.
 */
import type { Browser, Page } from 'playwright-core';
import { kanjiWithoutRuby, readingsShown } from '../support/furigana-checks';
import { openLotteryTerminal, waitForAttribute, type LotteryTerminal } from '../support/lottery-terminal';
import { checkScreenInModes, DISPLAY_MODES } from '../support/screen-checks';
import { TestSystem } from '../support/system';

jest.setTimeout(300_000);

const CARD = '10000008';
const PIN = '1234';

describe('furigana on the lottery’s main screens (issue 17)', () => {
  const system = new TestSystem();
  let terminal: LotteryTerminal;
  let browser: Browser | undefined;
  let kiosk: Page;

  beforeAll(async () => {
    terminal = await openLotteryTerminal(system);
    ({ browser, kiosk } = terminal);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  async function checkRubyScreen(name: string): Promise<void> {
    expect({ name, unread: await kanjiWithoutRuby(kiosk) }).toEqual({ name, unread: [] });
    expect(await readingsShown(kiosk)).toBeGreaterThan(0);
    expect(await checkScreenInModes(kiosk, `${name}-furigana`, DISPLAY_MODES)).toEqual({});
  }

  it('sign-in, PIN and menu show ruby on every kanji, fit and pass axe; signing out resets furigana', async () => {
    await kiosk.getByTestId('a11y-furigana').click();
    await kiosk.locator('main rt').first().waitFor({ timeout: 10_000 });
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    await checkRubyScreen('lottery-sign-in');
    await terminal.panel.getByTestId(`panel-scan-preset-${CARD}`).click();
    await kiosk.getByTestId('lottery-card-read').waitFor();
    await checkRubyScreen('lottery-pin');
    for (const [index, digit] of [...PIN].entries()) {
      await kiosk.getByTestId(`lottery-key-${digit}`).click();
      await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
    }
    await kiosk.getByTestId('lottery-key-enter').click();
    await kiosk.getByTestId('lottery-menu-enter').waitFor({ timeout: 20_000 });
    await checkRubyScreen('lottery-menu');
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor({ timeout: 30_000 });
    await kiosk.locator('[data-testid="a11y-furigana"][aria-pressed="false"]').waitFor();
    expect(await readingsShown(kiosk)).toBe(0);
  });
});
