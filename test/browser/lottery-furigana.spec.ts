/**
 * Issue 17, furigana on the lottery's main screens (the scan prompt, the PIN step after a card is read,
 * the menu), in headless Chromium against the real hub and agent with virtual devices: every kanji in
 * `<ruby>` with a reading, axe (serious/critical), 44 px targets and nothing off the 1080×1920 screen at
 * normal and large text and in high contrast; leaving ends the session and furigana with it. The second
 * case does the same on the facility list, the calendar (a day with its time slots), the entry review and
 * the done screen. Facility and unit names are the hub's proper nouns (豊島 is てしま in Toyonaka): the kiosk
 * does not guess their readings, they are marked `data-no-ruby` as people's names are.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { kanjiWithoutRuby, readingsShown } from '../support/furigana-checks';
import { openDays, openLotteryTerminal, signInToLottery, waitForAttribute, walkOpenMonths, type LotteryTerminal } from '../support/lottery-terminal';
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

  async function waitForSequenceAbove(speech: Locator, sequence: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Number(await speech.getAttribute('data-sequence')) <= sequence) {
      if (Date.now() > deadline) throw new Error(`nothing said after utterance ${sequence}`);
      await kiosk.waitForTimeout(50);
    }
  }

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
    // Issue 17 (the walk): no PIN pad before a card is scanned; it appears with the card.
    expect(await kiosk.locator('[data-testid="lottery-pin-dots"]').count()).toBe(0);
    await checkRubyScreen('lottery-sign-in');
    // もう一度聞く says the screen again: the same script, a new utterance, and never the <rt> readings twice.
    const speech = kiosk.getByTestId('speech-text');
    await waitForSequenceAbove(speech, 0);
    const before = { text: await speech.innerText(), sequence: Number(await speech.getAttribute('data-sequence')) };
    await kiosk.getByTestId('speech-repeat').click();
    await waitForSequenceAbove(speech, before.sequence);
    expect(await speech.innerText()).toBe(before.text);
    expect(before.text).toContain('バーコード');
    await terminal.panel.getByTestId(`panel-scan-preset-${CARD}`).click();
    await kiosk.getByTestId('lottery-card-read').waitFor();
    await kiosk.getByTestId('lottery-pin-dots').waitFor();
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

  it('the facility list, the calendar with a day’s slots, the entry review and the done screen show ruby on every kanji', async () => {
    await kiosk.getByTestId('a11y-furigana').click();
    await kiosk.locator('main rt').first().waitFor({ timeout: 10_000 });
    await signInToLottery(terminal, CARD, PIN);
    await kiosk.getByTestId('lottery-menu-enter').click();
    await kiosk.locator('[data-testid^="lottery-facility-"]').first().waitFor();
    await checkRubyScreen('lottery-facilities');
    let picked = false;
    let monthChecked = false;
    await walkOpenMonths(kiosk, async () => {
      if (!monthChecked) {
        await checkRubyScreen('lottery-calendar');
        monthChecked = true;
      }
      await openDays(kiosk).first().click();
      const slot = kiosk.locator('[data-testid^="lottery-slot-"][data-state="lottery-open"]');
      if ((await slot.count()) === 0) return false;
      await slot.first().click();
      picked = true;
      return true;
    });
    expect(picked).toBe(true);
    // With readings the lines are taller: the day's slots are paged for it (two a page, one at large text)
    // and everything, the slots' 前へ / 次へ under them and the choices panel, fits at normal and large text.
    await checkRubyScreen('lottery-calendar-day');
    await kiosk.getByTestId('lottery-review-entry').click();
    await kiosk.getByTestId('lottery-submit-entry').waitFor();
    await checkRubyScreen('lottery-entry-review');
    await kiosk.getByTestId('lottery-submit-entry').click();
    await kiosk.getByTestId('lottery-entry-number').waitFor({ timeout: 30_000 });
    await checkRubyScreen('lottery-entry-done');
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor({ timeout: 30_000 });
  });
});
