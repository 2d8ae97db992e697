/**
 * Issue 17 on the lottery screens, in headless Chromium at 1080×1920 against the real hub and agent with
 * virtual devices: each screen a facility user meets (sign-in, PIN, menu, the facility list on its first
 * and last page, the calendar, the calendar with a day's time slots, my entries, my bookings) checked in
 * the four languages at normal size, large text and high contrast (axe serious/critical, 44 px; nothing
 * outside the viewport or behind a scroll: the long lists are paged, never scrolled; no Japanese line of
 * one character; screenshots in `.tmp/screenshots/`), and the spoken guidance of each screen — the script
 * the SpeechGuide was given, rendered by the agent's espeak-ng — with a PIN key said as "one digit
 * entered", the page of a paged list said as "page n of m", and never the user number or the PIN; the
 * speech bar's Stop silences the script being played, mid-sentence.
 * About a minute: every screen in four languages and three display modes.
 */
import type { Browser, Page } from 'playwright-core';
import { audioPlayed, waitForPlaying, watchAudio } from '../support/audio-probe';
import { openDays, openLotteryTerminal, turnFacilityPage, waitForAttribute, walkOpenMonths, type LotteryTerminal } from '../support/lottery-terminal';
import { checkScreenInModes, DISPLAY_MODES, orphanedCharacters, setDisplay } from '../support/screen-checks';
import { TestSystem } from '../support/system';
import { chooseLanguage } from '../support/kiosk-language';

jest.setTimeout(600_000);

const USER = { card: '10000008', pin: '1234' };
const LANGUAGES = ['ja', 'en', 'ko', 'zh-Hans'] as const;

describe('lottery screens: spoken guidance and every display mode (issue 17), in Chromium', () => {
  const system = new TestSystem();
  let terminal: LotteryTerminal;
  let browser: Browser | undefined;
  let kiosk: Page;
  const said: string[] = [];

  beforeAll(async () => {
    terminal = await openLotteryTerminal(system);
    ({ browser, kiosk } = terminal);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  // A failed check leaves the screen where it was: the next test starts from the attract screen.
  afterEach(async () => {
    if (browser === undefined || (await kiosk.getByTestId('attract').count()) > 0) return;
    await setDisplay(kiosk, DISPLAY_MODES[0] ?? { largeText: false, highContrast: false });
    const out = kiosk.getByTestId('lottery-sign-out').or(kiosk.getByTestId('back'));
    if ((await out.count()) > 0) await out.first().click();
    await kiosk.getByTestId('attract').waitFor({ timeout: 30_000 });
  });

  /** Waits until the kiosk says something matching `pattern` with its audio rendered. */
  async function expectSaid(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const spoken = await kiosk.getByTestId('speech-text').evaluate((element) => ({
        text: (element.textContent ?? '').trim(),
        audioUrl: element.getAttribute('data-audio-url') ?? '',
      }));
      last = spoken.text;
      if (pattern.test(spoken.text) && spoken.audioUrl !== '') {
        said.push(spoken.text);
        return spoken.text;
      }
      if (Date.now() > deadline) throw new Error(`expected the kiosk to say ${String(pattern)}; last said "${last}"`);
      await kiosk.waitForTimeout(50);
    }
  }

  /**
   * Every check in every display mode; in Japanese also no line of one character, at normal size and at
   * large text (where headings wrap most).
   */
  async function checkAll(name: string, language: (typeof LANGUAGES)[number]): Promise<Record<string, unknown>> {
    const failures: Record<string, unknown> = { ...(await checkScreenInModes(kiosk, `${name}-${language}`, DISPLAY_MODES)) };
    if (language === 'ja') {
      for (const mode of DISPLAY_MODES.slice(0, 2)) {
        await setDisplay(kiosk, mode);
        const orphans = await orphanedCharacters(kiosk);
        if (orphans.length > 0) failures[`${mode.name}-orphans`] = orphans;
      }
      await setDisplay(kiosk, DISPLAY_MODES[0] ?? { largeText: false, highContrast: false });
    }
    return failures;
  }

  it('speaks each lottery screen, a PIN key as "one digit entered" and the page of a paged list', async () => {
    const { panel } = terminal;
    await chooseLanguage(kiosk, 'en');
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    await expectSaid(/^Facility booking and lottery\. Hold the barcode/);

    await panel.getByTestId(`panel-scan-preset-${USER.card}`).click();
    await kiosk.getByTestId('lottery-card-read').waitFor();
    await expectSaid(/^Enter your 4-digit PIN/);
    for (const [index, digit] of [...USER.pin].entries()) {
      await kiosk.getByTestId(`lottery-key-${digit}`).click();
      await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
      await expectSaid(new RegExp(`^One digit entered\\. ${index + 1} of 4\\.$`));
    }
    await kiosk.getByTestId('lottery-key-enter').click();
    await kiosk.getByTestId('lottery-menu-enter').waitFor({ timeout: 20_000 });
    await expectSaid(/lottery menu\. Choose:/);

    await kiosk.getByTestId('lottery-menu-enter').click();
    await kiosk.locator('[data-testid^="lottery-facility-"]').first().waitFor();
    // The list does not fit one screen: it is paged, and the guidance says where the person is.
    await expectSaid(/^Choose a facility\. .*Facility list, page 1 of \d\. Previous and Next turn the pages\.$/);
    expect(await turnFacilityPage(kiosk, 'next')).toBe(true);
    await expectSaid(/^Choose a facility\. .*Facility list, page 2 of \d\./);
    expect(await turnFacilityPage(kiosk, 'previous')).toBe(true);
    await kiosk.locator('[data-testid^="lottery-facility-"]').first().click();
    await kiosk.getByTestId('lottery-days').waitFor();
    await expectSaid(/^Choose a day, then a time slot\./);
    // At large text the month comes two weeks a page: the calendar's page is said too.
    await setDisplay(kiosk, { largeText: true, highContrast: false });
    await expectSaid(/^Choose a day, then a time slot\. .*Calendar, page 1 of \d\./);
    await setDisplay(kiosk, { largeText: false, highContrast: false });
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.locator('[data-testid^="lottery-facility-"]').first().waitFor();
    await kiosk.getByTestId('lottery-back').click();

    await kiosk.getByTestId('lottery-menu-entries').click();
    await expectSaid(/^Your entries and results\./);
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-menu-bookings').click();
    await expectSaid(/^Your bookings\./);
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();

    // Nothing personal was said: not the card's number, not the PIN.
    for (const text of said) {
      expect(text).not.toContain(USER.card);
      expect(text).not.toContain(USER.pin);
    }
  });

  it('stops the script being said when Stop is pressed', async () => {
    // The guidance plays detached Audio objects: the probe notes each one played from here on.
    await watchAudio(kiosk);
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    await expectSaid(/バーコード/);
    // もう一度聞く (a touch: the browser lets it play) says the screen again; wait until a script is audibly under way.
    await kiosk.getByTestId('speech-repeat').click();
    const playing = await waitForPlaying(kiosk);
    await kiosk.getByTestId('speech-stop').click();
    const after = await audioPlayed(kiosk);
    // Cut off mid-sentence (paused before its end, not finished), and nothing else plays.
    expect(after[playing]).toMatchObject({ paused: true, ended: false });
    expect(after.filter((seen) => !seen.paused)).toEqual([]);
    await kiosk.getByTestId('back').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  it.each(LANGUAGES)('every lottery screen fits, passes axe and has no one-character line in every display mode (%s)', async (language) => {
    const { panel } = terminal;
    await chooseLanguage(kiosk, language);
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    expect(await checkAll('lottery-sign-in', language)).toEqual({});
    await panel.getByTestId(`panel-scan-preset-${USER.card}`).click();
    await kiosk.getByTestId('lottery-card-read').waitFor();
    expect(await checkAll('lottery-pin', language)).toEqual({});
    for (const [index, digit] of [...USER.pin].entries()) {
      await kiosk.getByTestId(`lottery-key-${digit}`).click();
      await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
    }
    await kiosk.getByTestId('lottery-key-enter').click();
    await kiosk.getByTestId('lottery-menu-enter').waitFor({ timeout: 20_000 });
    expect(await checkAll('lottery-menu', language)).toEqual({});

    await kiosk.getByTestId('lottery-menu-enter').click();
    await kiosk.locator('[data-testid^="lottery-facility-"]').first().waitFor();
    expect(await checkAll('lottery-facilities', language)).toEqual({});
    while (await turnFacilityPage(kiosk, 'next'));
    expect(await checkAll('lottery-facilities-last-page', language)).toEqual({});
    while (await turnFacilityPage(kiosk, 'previous'));

    await kiosk.locator('[data-testid^="lottery-facility-"]').first().click();
    await kiosk.getByTestId('lottery-days').waitFor();
    expect(await checkAll('lottery-calendar', language)).toEqual({});
    await kiosk.getByTestId('lottery-back').click();
    // A day picked: its time slots under the calendar, the choices panel under them.
    let dayChecked: Record<string, unknown> | null = null;
    expect(
      await walkOpenMonths(kiosk, async () => {
        await openDays(kiosk).first().click();
        await kiosk.locator('[data-testid^="lottery-slot-"]').first().waitFor();
        dayChecked = await checkAll('lottery-calendar-day', language);
        return true;
      }),
    ).toBe(true);
    expect(dayChecked).toEqual({});
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.locator('[data-testid^="lottery-facility-"]').first().waitFor();
    await kiosk.getByTestId('lottery-back').click();

    await kiosk.getByTestId('lottery-menu-entries').click();
    await kiosk.getByTestId('lottery-screen').and(kiosk.locator('[data-screen="entries"]')).waitFor();
    expect(await checkAll('lottery-entries', language)).toEqual({});
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-menu-bookings').click();
    await kiosk.getByTestId('lottery-screen').and(kiosk.locator('[data-screen="bookings"]')).waitFor();
    expect(await checkAll('lottery-bookings', language)).toEqual({});
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
  });
});
