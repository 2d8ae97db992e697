/**
 * The street-terminal lottery as a person plays it, in headless Chromium against the real hub and agent
 * with the virtual devices: scan the demo user card on the device panel, type the PIN on the kiosk's
 * pad, pick a facility and 1st/2nd choices in a month whose lottery is open, enter, take the receipt the
 * virtual ESC/POS printer printed (read back on the device panel), see the entry in "my entries"; then
 * the demo clock runs the draw and the winner confirms (or, having lost, sees the result).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { findSlotOnPages, openDays, openLotteryTerminal, signInToLottery, waitForAttribute, waitForText, walkOpenMonths, type LotteryTerminal } from '../support/lottery-terminal';
import { repoRoot } from '../support/processes';
import { TestSystem } from '../support/system';
import { chooseLanguage } from '../support/kiosk-language';

jest.setTimeout(240_000);

const DEMO_CARD = '10000008';
const DEMO_PIN = '1234';

describe('facility lottery at the street terminal, in Chromium', () => {
  const system = new TestSystem();
  let terminal: LotteryTerminal;
  let browser: Browser | undefined;
  let kiosk: Page;
  let panel: Page;
  let entryNumber = '';

  beforeAll(async () => {
    terminal = await openLotteryTerminal(system);
    ({ browser, kiosk, panel } = terminal);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  const signIn = (): Promise<void> => signInToLottery(terminal, DEMO_CARD, DEMO_PIN);

  /** From the menu: books the first slot open first-come, the way a person finds it; its booking number. */
  async function bookFirstOpenSlot(): Promise<string> {
    await kiosk.getByTestId('lottery-menu-book').click();
    const booked = await walkOpenMonths(kiosk, async () => {
      await openDays(kiosk).first().click();
      const open = await findSlotOnPages(kiosk, 'available');
      if (open === null) return false;
      await open.click();
      return true;
    });
    expect(booked).toBe(true);
    await kiosk.getByTestId('lottery-submit-booking').click();
    const number = kiosk.getByTestId('lottery-booking-number');
    await number.waitFor({ timeout: 30_000 });
    return /([0-9]{10})/.exec(await number.innerText())?.[1] ?? '';
  }

  it('signs in with the scanned user card and the PIN typed on the kiosk pad', async () => {
    await signIn();
    expect(await seriousAccessibilityViolations(kiosk)).toEqual([]);
    expect(await smallTouchTargets(kiosk)).toEqual([]);
  });

  it('enters the lottery with a 1st and a 2nd choice and prints the receipt with the entry number', async () => {
    await kiosk.getByTestId('lottery-menu-enter').click();

    // Find a facility and month whose lottery is open, the way a person would: month by month.
    let chosen = 0;
    await walkOpenMonths(kiosk, async () => {
      await openDays(kiosk).first().click();
      const slots = kiosk.locator('[data-testid^="lottery-slot-"][data-state="lottery-open"]');
      await slots.first().waitFor();
      const pick = Math.min(2, await slots.count());
      for (let s = 0; s < pick; s += 1) await slots.nth(s).click();
      chosen = pick;
      return chosen >= 2;
    });
    expect(chosen).toBeGreaterThan(0);
    await kiosk.getByTestId('lottery-review-entry').click();
    await kiosk.getByTestId('lottery-submit-entry').click();
    const number = kiosk.getByTestId('lottery-entry-number');
    await number.waitFor({ timeout: 30_000 });
    entryNumber = /([0-9]{10})/.exec(await number.innerText())?.[1] ?? '';
    expect(entryNumber).toMatch(/^[0-9]{10}$/);
    // When the results are announced, as people read a date (issue 17, the walk).
    expect(await kiosk.getByTestId('lottery-results-at').innerText()).toMatch(/^抽選結果は \d{1,2}月\d{1,2}日（[日月火水木金土]） \d{2}:\d{2} に発表します。$/);
    expect(await kiosk.getByTestId('lottery-receipt').getAttribute('data-printed')).toBe('true');

    // The virtual ESC/POS printer's capture, as the device panel shows it.
    const receipts = panel.getByTestId('panel-receipts');
    await waitForText(receipts, new RegExp(`受付番号 ${entryNumber}`));
    const text = await receipts.innerText();
    expect(text).toContain('抽選申込 受付票');
    expect(text).toContain('第1希望');
    if (chosen === 2) expect(text).toContain('第2希望');
    expect(text).not.toContain(DEMO_CARD);
  });

  it('shows the entry in my entries, awaiting the draw', async () => {
    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-menu-entries').click();
    const row = kiosk.getByTestId(`lottery-entry-${entryNumber}`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-result')).toBe('pending');
    await kiosk.getByTestId(`lottery-cancel-${entryNumber}`).waitFor();
    expect(await seriousAccessibilityViolations(kiosk)).toEqual([]);
  });

  it('books an open slot first-come, prints its booking number, and cancels it after seeing the fee', async () => {
    await kiosk.getByTestId('lottery-back').click();
    const bookingNumber = await bookFirstOpenSlot();
    expect(bookingNumber).toMatch(/^[0-9]{10}$/);
    expect(await kiosk.getByTestId('lottery-receipt').getAttribute('data-printed')).toBe('true');
    await waitForText(panel.getByTestId('panel-receipts'), new RegExp(`予約番号 ${bookingNumber}`));

    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-menu-bookings').click();
    await kiosk.getByTestId(`lottery-quote-cancel-${bookingNumber}`).click();
    await kiosk.getByTestId(`lottery-quote-${bookingNumber}`).waitFor();
    await kiosk.getByTestId(`lottery-cancel-booking-${bookingNumber}`).click();
    await waitForText(kiosk.getByTestId(`lottery-booking-${bookingNumber}`), /取消済み/);
  });

  it('signs out and leaves nothing of the person on the screen', async () => {
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    // No card read, so no PIN pad either (issue 17): nothing of the person, not even a digit count.
    expect(await kiosk.locator('[data-testid="lottery-pin-dots"]').count()).toBe(0);
    expect(await kiosk.locator('[data-testid="lottery-card-read"]').count()).toBe(0);
    await kiosk.getByTestId('back').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  it('a Korean session books and its receipt is printed in English, with the Japanese name, and the screen says so (issue 20, item 10)', async () => {
    await chooseLanguage(kiosk, 'ko');
    await signIn();
    const bookingNumber = await bookFirstOpenSlot();
    expect(await kiosk.getByTestId('lottery-receipt').getAttribute('data-printed')).toBe('true');
    // The printer has no Hangul: the screen says, in Korean, that the receipt is in English.
    const note = kiosk.getByTestId('lottery-receipt-language');
    expect(await note.getAttribute('data-language')).toBe('en');
    expect(await note.innerText()).toContain('영어');

    const receipts = panel.getByTestId('panel-receipts');
    await waitForText(receipts, new RegExp(`Booking No\\. ${bookingNumber}`));
    const text = await receipts.innerText();
    // The panel lists every receipt printed: this one runs from its title to its time of acceptance.
    const start = text.lastIndexOf('FACILITY BOOKING', text.indexOf(`Booking No. ${bookingNumber}`));
    const receipt = text.slice(start, text.indexOf('Accepted', start));
    expect(receipt).toContain(`Booking No. ${bookingNumber}`);
    expect(receipt).toMatch(/Fee [0-9]+ yen/);
    // The official Japanese name, then the English one in brackets.
    expect(receipt).toMatch(/[\u3040-\u30ff\u4e00-\u9fff][^\n]*\n\(/);
    expect(receipt).not.toContain('予約番号');
    expect(text).not.toContain(DEMO_CARD);

    await kiosk.getByTestId('lottery-back').click();
    await kiosk.getByTestId('lottery-menu-bookings').click();
    await kiosk.getByTestId(`lottery-quote-cancel-${bookingNumber}`).click();
    await kiosk.getByTestId(`lottery-cancel-booking-${bookingNumber}`).click();
    await kiosk.getByTestId(`lottery-cancel-booking-${bookingNumber}`).waitFor({ state: 'detached' });
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  it('after the demo draw shows the result and lets a winner confirm', async () => {
    const advanced = execFileSync(process.execPath, [path.join(repoRoot, 'central-hub/dist/tools/demo-clock.js'), 'results', '--hub', system.hubUrl, '--data-dir', system.hubDataDir], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    process.stdout.write(`demo clock: ${advanced.trim().slice(0, 500)}\n`);

    await signIn();
    await kiosk.getByTestId('lottery-menu-entries').click();
    const row = kiosk.getByTestId(`lottery-entry-${entryNumber}`);
    await row.waitFor({ timeout: 20_000 });
    const result = await row.getAttribute('data-result');
    // The only entrant for its slots: the draw must make it a winner of its 1st choice.
    expect(result).toBe('won-first');
    expect(await row.getAttribute('data-confirmation')).toBe('pending');
    await kiosk.getByTestId(`lottery-confirm-${entryNumber}`).click();
    await waitForAttribute(kiosk.getByTestId(`lottery-entry-${entryNumber}`), 'data-confirmation', 'confirmed');
  });
});
