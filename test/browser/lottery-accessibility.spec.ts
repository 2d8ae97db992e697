/**
 * Issue 17 on the lottery screens, in headless Chromium at 1080×1920 against the real hub and agent with
 * virtual devices: each screen a facility user meets (sign-in, 抽選結果の検証, PIN, a wrong PIN's refusal,
 * an unknown card's refusal, a user card locked after too many wrong PINs, menu, the facility list on its first and last page, the calendar, the
 * calendar with a day's time slots, the entry's review and done screen, my entries with an entry (its
 * cancellation asked) and empty, the booking's review and done screen, my bookings with a fee quoted and
 * empty; with the hub down: the offline menu, the entry's review saying it will be provisional, the
 * provisional entry's done screen, my entries not sent yet) checked in
 * the four languages at normal size, large text and high contrast (axe serious/critical, 44 px; nothing
 * outside the viewport or behind a scroll: the long lists are paged, never scrolled; no Japanese line of
 * one character; screenshots in `.tmp/screenshots/`), and the spoken guidance of each screen — the script
 * the SpeechGuide was given, rendered by the agent's espeak-ng — with a PIN key said as "one digit
 * entered", the page of a paged list said as "page n of m", and never the user number or the PIN; the
 * speech bar's Stop silences the script being played, mid-sentence.
 * About two minutes: every screen in four languages and three display modes.
 */
import type { Browser, Page } from 'playwright-core';
import { audioPlayed, waitForPlaying, watchAudio } from '../support/audio-probe';
import { findSlotOnPages, openDays, openFacilityMonth, openLotteryTerminal, turnFacilityPage, waitForAttribute, walkOpenMonths, type LotteryTerminal } from '../support/lottery-terminal';
import { checkScreenInModes, DISPLAY_MODES, orphanedCharacters, setDisplay } from '../support/screen-checks';
import { waitUntil } from '../support/processes';
import { TestSystem } from '../support/system';
import { chooseLanguage } from '../support/kiosk-language';
import { containsSecret, pinSecret } from '../support/privacy-scan';

jest.setTimeout(600_000);

const USER = { card: '10000008', pin: '1234' };
/** A demo user who never enters or books here: "my entries" and "my bookings" stay empty. */
const NEWCOMER = { card: '10000024', pin: '3456' };
/** A demo user no other test here signs in as: locked by wrong PINs in the first language's visit. */
const LOCKED_OUT = { card: '10000016', pin: '2345' };
/** The hub's wrong PINs before an account locks (the municipality's setting). */
const PIN_TRIES = 5;
/** Eight digits (read as a user card) that no user has. */
const UNKNOWN_CARD = '12345678';
const WRONG_PIN = '0000';
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
      expect(containsSecret(text, pinSecret(USER.pin))).toBe(false);
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

  /** Types `pin` on the kiosk's pad, a dot at a time, and presses Enter. */
  async function typePin(pin: string): Promise<void> {
    for (const [index, digit] of [...pin].entries()) {
      await kiosk.getByTestId(`lottery-key-${digit}`).click();
      await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
    }
    await kiosk.getByTestId('lottery-key-enter').click();
  }

  /** The number (ten digits) a done screen or a list row gives. */
  async function numberIn(testId: string): Promise<string> {
    const number = kiosk.getByTestId(testId);
    await number.waitFor({ timeout: 30_000 });
    return /([0-9]{10})/.exec(await number.innerText())?.[1] ?? '';
  }

  /** A month with a lottery open, seen online by the first walk: the terminal's cache has it for the offline case. */
  const seenOnline = { facilityTestId: '', monthTestId: '' };

  it.each(LANGUAGES)('every lottery screen fits, passes axe and has no one-character line in every display mode (%s)', async (language) => {
    const { panel } = terminal;
    await chooseLanguage(kiosk, language);
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    expect(await checkAll('lottery-sign-in', language)).toEqual({});
    // 抽選結果の検証, open to anyone from the sign-in screen.
    await kiosk.getByTestId('lottery-verify-open').click();
    await kiosk.getByTestId('lottery-verify').waitFor();
    expect(await checkAll('lottery-verify', language)).toEqual({});
    await kiosk.getByTestId('lottery-verify-back').click();
    await panel.getByTestId(`panel-scan-preset-${USER.card}`).click();
    await kiosk.getByTestId('lottery-card-read').waitFor();
    expect(await checkAll('lottery-pin', language)).toEqual({});
    // A wrong PIN first: refused, with the tries left (the right PIN after it clears the count).
    await typePin(WRONG_PIN);
    await kiosk.getByTestId('lottery-refusal').first().waitFor({ timeout: 20_000 });
    expect(await checkAll('lottery-wrong-pin', language)).toEqual({});
    await typePin(USER.pin);
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
    // A day picked: its time slots under the calendar, the choices panel under them; then a slot chosen.
    let dayChecked: Record<string, unknown> | null = null;
    expect(
      await walkOpenMonths(kiosk, async (open) => {
        await openDays(kiosk).first().click();
        await kiosk.locator('[data-testid^="lottery-slot-"]').first().waitFor();
        dayChecked = await checkAll('lottery-calendar-day', language);
        const slot = await findSlotOnPages(kiosk, 'lottery-open');
        if (slot === null) return false;
        await slot.click();
        Object.assign(seenOnline, open);
        return true;
      }),
    ).toBe(true);
    expect(dayChecked).toEqual({});

    // The entry: its review, then the done screen (entry number, results date, the receipt; in Korean
    // and Chinese the note that the receipt is in English).
    await kiosk.getByTestId('lottery-review-entry').click();
    await kiosk.getByTestId('lottery-submit-entry').waitFor();
    expect(await checkAll('lottery-entry-review', language)).toEqual({});
    await kiosk.getByTestId('lottery-submit-entry').click();
    const entryNumber = await numberIn('lottery-entry-number');
    expect(await checkAll('lottery-entry-done', language)).toEqual({});
    await kiosk.getByTestId('lottery-back').click();

    // My entries with that entry, its cancellation asked for once (the second tap cancels it, so the
    // next language's entry for the same slot is no duplicate and the round's cap is not reached).
    await kiosk.getByTestId('lottery-menu-entries').click();
    await kiosk.getByTestId(`lottery-cancel-${entryNumber}`).click();
    await kiosk.getByTestId(`lottery-cancel-confirm-${entryNumber}`).waitFor();
    expect(await checkAll('lottery-entries', language)).toEqual({});
    await kiosk.getByTestId(`lottery-cancel-confirm-${entryNumber}`).click();
    await kiosk.getByTestId(`lottery-cancel-confirm-${entryNumber}`).waitFor({ state: 'detached', timeout: 20_000 });
    await kiosk.getByTestId('lottery-back').click();

    // A first-come booking: its review (fee, end time, cancellation rule), then its done screen.
    await kiosk.getByTestId('lottery-menu-book').click();
    expect(
      await walkOpenMonths(kiosk, async () => {
        await openDays(kiosk).first().click();
        const slot = await findSlotOnPages(kiosk, 'available');
        if (slot === null) return false;
        await slot.click();
        return true;
      }),
    ).toBe(true);
    await kiosk.getByTestId('lottery-booking-review').waitFor();
    expect(await checkAll('lottery-booking-review', language)).toEqual({});
    await kiosk.getByTestId('lottery-submit-booking').click();
    const bookingNumber = await numberIn('lottery-booking-number');
    expect(await checkAll('lottery-booking-done', language)).toEqual({});
    await kiosk.getByTestId('lottery-back').click();

    // My bookings with that booking and its cancellation fee quoted; then cancelled, as a person may.
    await kiosk.getByTestId('lottery-menu-bookings').click();
    await kiosk.getByTestId(`lottery-quote-cancel-${bookingNumber}`).click();
    await kiosk.getByTestId(`lottery-quote-${bookingNumber}`).waitFor();
    expect(await checkAll('lottery-bookings', language)).toEqual({});
    await kiosk.getByTestId(`lottery-cancel-booking-${bookingNumber}`).click();
    await kiosk.getByTestId(`lottery-cancel-booking-${bookingNumber}`).waitFor({ state: 'detached', timeout: 20_000 });
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  it.each(LANGUAGES)('an unknown card is refused, and a person with no entries or bookings sees so, in every display mode (%s)', async (language) => {
    const { panel } = terminal;
    await chooseLanguage(kiosk, language);
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    // A card the hub does not know: typed on the device panel's scanner, as any 8-digit code is read.
    await panel.getByTestId('panel-scan-input').fill(UNKNOWN_CARD);
    await panel.getByTestId('panel-scan').click();
    await kiosk.getByTestId('lottery-card-read').waitFor();
    await typePin(USER.pin);
    await kiosk.getByTestId('lottery-refusal').first().waitFor({ timeout: 20_000 });
    expect(await checkAll('lottery-unknown-card', language)).toEqual({});
    // A user card locked after too many wrong PINs. The first language's visit types them (each refused
    // with the tries left); in every language the right PIN is then refused too, the account being locked.
    await panel.getByTestId(`panel-scan-preset-${LOCKED_OUT.card}`).click();
    await kiosk.getByTestId('lottery-refusal').first().waitFor({ state: 'detached' });
    if (language === LANGUAGES[0]) {
      for (let left = PIN_TRIES - 1; left >= 1; left -= 1) {
        await typePin(WRONG_PIN);
        await kiosk.getByTestId('lottery-refusal').filter({ hasText: new RegExp(`\\b${left}\\b`) }).waitFor({ timeout: 20_000 });
      }
      await typePin(WRONG_PIN);
      await kiosk.getByTestId('lottery-refusal').filter({ hasText: 'ロック' }).waitFor({ timeout: 20_000 });
      await panel.getByTestId(`panel-scan-preset-${LOCKED_OUT.card}`).click();
      await kiosk.getByTestId('lottery-refusal').first().waitFor({ state: 'detached' });
    }
    await typePin(LOCKED_OUT.pin);
    const refusal = kiosk.getByTestId('lottery-refusal');
    await refusal.first().waitFor({ timeout: 20_000 });
    // Locked, not a wrong PIN: one line, no tries left said, and the menu never came.
    expect(await refusal.count()).toBe(1);
    if (language === 'ja') expect(await refusal.innerText()).toContain('ロック');
    expect(await checkAll('lottery-account-locked', language)).toEqual({});
    expect({ refusals: await refusal.count(), menu: await kiosk.getByTestId('lottery-menu-enter').count() }).toEqual({ refusals: 1, menu: 0 });
    // The person's own card over the refused one: a new sign-in, nothing of the refusal left.
    await panel.getByTestId(`panel-scan-preset-${NEWCOMER.card}`).click();
    await kiosk.getByTestId('lottery-refusal').first().waitFor({ state: 'detached' });
    await typePin(NEWCOMER.pin);
    await kiosk.getByTestId('lottery-menu-entries').click();
    await kiosk.getByTestId('lottery-entries-none').waitFor({ timeout: 20_000 });
    expect(await checkAll('lottery-entries-none', language)).toEqual({});
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-menu-bookings').click();
    await kiosk.getByTestId('lottery-bookings-none').waitFor({ timeout: 20_000 });
    expect(await checkAll('lottery-bookings-none', language)).toEqual({});
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
  });
  // Last in the file: the hub stays down for the rest of it.
  let hubStopped = false;

  it.each(LANGUAGES)('with the hub unreachable: the offline menu, a provisional entry reviewed and done, "not sent yet", in every display mode (%s)', async (language) => {
    const { panel } = terminal;
    if (!hubStopped) {
      // The key an offline entry's PIN is sealed with came at an online sign-in (the walks above).
      await waitUntil('offline key cached', () => system.agent?.logs.some((entry) => entry.msg === 'offline-entry key cached') ?? false);
      await system.hub?.stop();
      hubStopped = true;
      await kiosk.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 30_000 });
    }
    expect(seenOnline.monthTestId).not.toBe('');
    await chooseLanguage(kiosk, language);
    await kiosk.getByTestId('tile-lottery').click();
    await panel.getByTestId(`panel-scan-preset-${USER.card}`).click();
    await kiosk.getByTestId('lottery-card-read').waitFor();
    await typePin(USER.pin);
    await kiosk.getByTestId('lottery-offline').waitFor({ timeout: 20_000 });
    expect(await kiosk.getByTestId('lottery-menu-book').isDisabled()).toBe(true);
    expect(await checkAll('lottery-offline-menu', language)).toEqual({});

    // The month seen online, from the terminal's copy, "as of" when; a day and a slot chosen.
    await kiosk.getByTestId('lottery-menu-enter').click();
    await openFacilityMonth(kiosk, seenOnline);
    await kiosk.getByTestId('lottery-as-of').waitFor();
    await openDays(kiosk).first().click();
    const slot = await findSlotOnPages(kiosk, 'lottery-open');
    expect(slot).not.toBeNull();
    await slot?.click();
    await kiosk.getByTestId('lottery-review-entry').and(kiosk.locator(':enabled')).waitFor();
    // No shell banner over the lottery: the calendar says "as of" itself, and fits.
    expect(await kiosk.getByTestId('offline-banner').isVisible()).toBe(false);
    expect(await checkAll('lottery-offline-calendar-day', language)).toEqual({});

    // The review says the entry will be provisional; the done screen says it was, with a short reference.
    await kiosk.getByTestId('lottery-review-entry').click();
    await kiosk.getByTestId('lottery-offline').waitFor();
    expect(await checkAll('lottery-offline-entry-review', language)).toEqual({});
    await kiosk.getByTestId('lottery-submit-entry').click();
    await kiosk.getByTestId('lottery-provisional-ref').waitFor({ timeout: 30_000 });
    expect(await checkAll('lottery-offline-entry-done', language)).toEqual({});
    await kiosk.getByTestId('lottery-back').click();

    // My entries offline: the entries not sent yet (this language's and the ones before, paged).
    await kiosk.getByTestId('lottery-menu-entries').click();
    await kiosk.locator('[data-testid^="lottery-unsent-"]').first().waitFor({ timeout: 20_000 });
    expect(await checkAll('lottery-offline-entries', language)).toEqual({});
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
  });
});
