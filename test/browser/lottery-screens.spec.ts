/**
 * What facility users met on the lottery screens (issue 20), played in headless Chromium against the real
 * hub and agent: the next person after an English session is greeted in Japanese; the calendar follows
 * the hub's lottery clock (after `demo-clock entry-opens` the open round can be reached); "my bookings"
 * opened first shows names, offers an unconfirmed win as confirm/decline (declining asks once, saying it
 * cannot be undone and who gets the slot) with its deadline written as a day; the promoted alternate sees
 * the changed result marked; the booking review shows the fee, the end time and the cancellation rule,
 * and the loser of a first-come race is back on the calendar with the slot taken; offline, a month this
 * terminal never saw says there is no information instead of "0 open". Issue 17 on the screens these
 * walks reach: the "no receipt can be printed" notice on sign-in and menu, the win offered as
 * confirm/decline (and the decline asked), the promoted alternate's notice, each in the four languages at
 * normal size, large text and high contrast (axe serious/critical, 44 px targets, nothing off 1080×1920).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { lotteryAgentUiAckSchemas, UI_NAMESPACE } from '@kiosk/protocols';
import { seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { findSlotOnPages, openDays, openFacilityMonth, openLotteryTerminal, signInToLottery, turnFacilityPage, waitForAttribute, waitForText, walkOpenMonths, type LotteryTerminal } from '../support/lottery-terminal';
import { repoRoot, waitUntil } from '../support/processes';
import { checkScreenInModes, DISPLAY_MODES } from '../support/screen-checks';
import { TestSystem } from '../support/system';
import { chooseLanguage } from '../support/kiosk-language';

jest.setTimeout(300_000);

const A = { card: '10000008', pin: '1234' };
const B = { card: '10000024', pin: '3456' };
const LANGUAGES = ['ja', 'en', 'ko', 'zh-Hans'] as const;
type KioskLanguage = (typeof LANGUAGES)[number];

describe('lottery screens as facility users meet them (issue 20), in Chromium', () => {
  const system = new TestSystem();
  let terminal: LotteryTerminal;
  let browser: Browser | undefined;
  let kiosk: Page;

  /** The slot both users enter, as the screen names it. */
  const chosen = { facility: '', month: '', day: '', slot: '' };
  const entryNumbers = { a: '', b: '' };
  let winner: typeof A = A;
  /** Whether the draw's winner has been looked up (A unless A has no booking). */
  let winnerKnown = false;
  let loserEntryNumber = '';

  beforeAll(async () => {
    terminal = await openLotteryTerminal(system);
    ({ browser, kiosk } = terminal);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  function demoClock(to: string): void {
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'central-hub/dist/tools/demo-clock.js'), to, '--hub', system.hubUrl, '--data-dir', system.hubDataDir], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    process.stdout.write(`demo clock ${to}: ${out.trim().slice(0, 300)}\n`);
  }

  async function signOut(): Promise<void> {
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
  }

  async function enterChosenSlot(): Promise<string> {
    await kiosk.getByTestId('lottery-review-entry').click();
    await kiosk.getByTestId('lottery-submit-entry').click();
    const number = kiosk.getByTestId('lottery-entry-number');
    await number.waitFor({ timeout: 30_000 });
    return /([0-9]{10})/.exec(await number.innerText())?.[1] ?? '';
  }

  /** Signs in the draw's winner in `language` (A, unless A has no booking: then B) and opens my bookings, ending on the won booking's row. */
  async function openWinnersBookings(language: KioskLanguage): Promise<Locator> {
    const rows = kiosk.locator('li[data-testid^="lottery-booking-"]');
    const open = async (): Promise<void> => {
      await chooseLanguage(kiosk, language);
      await signInToLottery(terminal, winner.card, winner.pin);
      await kiosk.getByTestId('lottery-menu-bookings').click();
      await rows.first().or(kiosk.getByTestId('lottery-bookings-none')).waitFor({ timeout: 20_000 });
    };
    await open();
    if (!winnerKnown) {
      winnerKnown = true;
      loserEntryNumber = entryNumbers.b;
      if ((await rows.count()) === 0) {
        // A lost the draw: B holds the win.
        winner = B;
        loserEntryNumber = entryNumbers.a;
        await signOut();
        await open();
      }
    }
    await rows.first().waitFor({ timeout: 20_000 });
    return rows.first();
  }

  /** The sign-in screen as the agent has it for this visit: waiting for a card. */
  const awaitingCard = () => kiosk.locator('[data-testid="lottery-signin"][data-stage="awaiting-card"]').waitFor();

  it('says before the person starts that no receipt can be printed, and lets them go on (item 11)', async () => {
    const { panel } = terminal;
    const health = panel.locator('[data-testid="panel-section-receipt"] [data-testid^="panel-health-"]').first();
    const printerIs = async (ready: boolean): Promise<boolean> => ['ok', 'warning'].includes((await health.getAttribute('data-status')) ?? '') === ready;
    await panel.getByTestId('panel-paper-out').click();
    await waitUntil('receipt printer seen out of paper', () => printerIs(false));
    await kiosk.getByTestId('tile-lottery').click();
    await awaitingCard();
    expect(await kiosk.getByTestId('lottery-no-receipt').innerText()).toContain('番号は画面に表示されます');
    await kiosk.getByTestId('back').click();
    await kiosk.getByTestId('attract').waitFor();
    // The notice on sign-in and on the menu, in each language and display mode (issue 17).
    for (const language of LANGUAGES) {
      await chooseLanguage(kiosk, language);
      await kiosk.getByTestId('tile-lottery').click();
      await awaitingCard();
      await kiosk.getByTestId('lottery-no-receipt').waitFor();
      expect(await checkScreenInModes(kiosk, `lottery-no-receipt-sign-in-${language}`, DISPLAY_MODES)).toEqual({});
      await kiosk.getByTestId('back').click();
      await kiosk.getByTestId('attract').waitFor();
      await chooseLanguage(kiosk, language);
      await signInToLottery(terminal, A.card, A.pin);
      await kiosk.getByTestId('lottery-no-receipt').waitFor();
      expect(await checkScreenInModes(kiosk, `lottery-no-receipt-menu-${language}`, DISPLAY_MODES)).toEqual({});
      await signOut();
    }
    await panel.getByTestId('panel-paper-ok').click();
    await waitUntil('receipt printer seen ready', () => printerIs(true));
    await kiosk.getByTestId('tile-lottery').click();
    // This visit's state, not the last one's (which said the printer was out).
    await awaitingCard();
    expect(await kiosk.getByTestId('lottery-no-receipt').count()).toBe(0);
    await kiosk.getByTestId('back').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  it('shows the hub’s full public address on 抽選結果の検証, for a citizen to type elsewhere (issue 18)', async () => {
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-verify-open').click();
    // The agent's HUB_PUBLIC_URL, here its first HUB_URL: the hub this test started.
    expect(await kiosk.getByTestId('lottery-verify-url').innerText()).toBe(`${system.hubUrl}/console/#/public/lottery`);
    expect(await seriousAccessibilityViolations(kiosk)).toEqual([]);
    // Two ways back that go to different places say so: this one to sign-in, the lottery's own 戻る out of it.
    expect(await kiosk.getByTestId('lottery-verify-back').innerText()).toBe('ログイン画面に戻る');
    expect(await kiosk.getByTestId('back').innerText()).toBe('戻る');
    await kiosk.getByTestId('lottery-verify-back').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    await kiosk.getByTestId('back').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  it('greets the next person in Japanese after an English session signs out (item 9)', async () => {
    await chooseLanguage(kiosk, 'en');
    await signInToLottery(terminal, A.card, A.pin);
    expect(await kiosk.locator('#lottery-heading').innerText()).toBe('Facility booking and lottery');
    await signOut();
    expect(await kiosk.evaluate(() => document.documentElement.lang)).toBe('ja');
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    expect(await kiosk.locator('#lottery-heading').innerText()).toBe('施設予約・抽選');
    await kiosk.getByTestId('back').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  it('after demo-clock entry-opens, reaches the round whose entries are open: the hub’s clock, not the browser’s (item 13)', async () => {
    demoClock('entry-opens');
    await signInToLottery(terminal, A.card, A.pin);
    await kiosk.getByTestId('lottery-menu-enter').click();
    const found = await walkOpenMonths(kiosk, async ({ facilityTestId, monthTestId }) => {
      const days = openDays(kiosk);
      const day = (await days.first().getAttribute('data-testid')) ?? '';
      await days.first().click();
      const slot = await findSlotOnPages(kiosk, 'lottery-open');
      if (slot === null) return false;
      Object.assign(chosen, { facility: facilityTestId, month: monthTestId, day, slot: (await slot.getAttribute('data-testid')) ?? '' });
      await slot.click();
      return true;
    });
    expect(found).toBe(true);
    entryNumbers.a = await enterChosenSlot();
    await signOut();

    // A second user enters for the same slot, so the draw leaves an alternate.
    await signInToLottery(terminal, B.card, B.pin);
    await kiosk.getByTestId('lottery-menu-enter').click();
    // The lists are paged: to the page holding A's facility, and A's slot.
    await openFacilityMonth(kiosk, { facilityTestId: chosen.facility, monthTestId: chosen.month });
    await kiosk.getByTestId(chosen.day).click();
    await kiosk.locator('[data-testid^="lottery-slot-"]').first().waitFor();
    for (let turned = 0; (await kiosk.getByTestId(chosen.slot).count()) === 0 && turned < 20; turned += 1) await kiosk.getByTestId('lottery-slots-page-next').click();
    await kiosk.getByTestId(chosen.slot).click();
    entryNumbers.b = await enterChosenSlot();
    await signOut();
    expect(entryNumbers.a).toMatch(/^[0-9]{10}$/);
    expect(entryNumbers.b).toMatch(/^[0-9]{10}$/);
  });

  it('after the draw, offers the win as confirm/decline and asks before declining, in every language and display mode, left undecided (issue 17; items 2, 8)', async () => {
    demoClock('results');
    for (const language of LANGUAGES) {
      const row = await openWinnersBookings(language);
      await row.locator('[data-testid^="lottery-confirm-"]').first().waitFor();
      expect(await checkScreenInModes(kiosk, `lottery-win-offer-${language}`, DISPLAY_MODES)).toEqual({});
      await row.locator('[data-testid^="lottery-decline-"]').first().click();
      await row.locator('[data-testid^="lottery-decline-warning-"]').waitFor();
      expect(await checkScreenInModes(kiosk, `lottery-win-decline-asked-${language}`, DISPLAY_MODES)).toEqual({});
      // Kept, not declined: the tests below decide it.
      await row.locator('[data-testid^="lottery-decline-keep-"]').click();
      await row.locator('[data-testid^="lottery-confirm-"]').first().waitFor();
      expect(await row.getAttribute('data-status')).toBe('held');
      await signOut();
    }
  });

  it('opened first after sign-in, my bookings names the place and offers the win as confirm/decline; declining asks once (items 2, 3, 4, 8)', async () => {
    const row = await openWinnersBookings('ja');
    expect(await row.getAttribute('data-status')).toBe('held');
    const unitId = chosen.slot.replace('lottery-slot-', '').split('@')[0] ?? '';
    const place = await row.locator('[data-testid^="lottery-booking-place-"]').innerText();
    expect(place).not.toContain(unitId);
    expect(place).not.toContain('@');
    // An unconfirmed win is confirmed or declined, never "cancelled".
    expect(await row.locator('[data-testid^="lottery-quote-cancel-"]').count()).toBe(0);
    await row.locator('[data-testid^="lottery-confirm-"]').first().waitFor();
    expect(await row.innerText()).toMatch(/[0-9]{1,2}月[0-9]{1,2}日（[日月火水木金土]）までに利用を確定してください/);
    expect(await row.innerText()).not.toMatch(/[0-9]{2}:[0-9]{2} まで/);

    await row.locator('[data-testid^="lottery-decline-"]').first().click();
    const warning = row.locator('[data-testid^="lottery-decline-warning-"]');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('元に戻せません');
    expect(await warning.innerText()).toContain('補欠');
    expect(await row.getAttribute('data-status')).toBe('held');
    expect(await seriousAccessibilityViolations(kiosk)).toEqual([]);
    expect(await smallTouchTargets(kiosk)).toEqual([]);
    await row.locator('[data-testid^="lottery-decline-confirm-"]').click();
    await waitForAttribute(row, 'data-status', 'declined');
    expect(await kiosk.getByTestId('lottery-error').count()).toBe(0);
    await signOut();
  });

  it('tells the promoted alternate at every sign-in until they decide, in every language and display mode (issue 17; item 7)', async () => {
    const loser = winner === A ? B : A;
    for (const language of LANGUAGES) {
      await chooseLanguage(kiosk, language);
      await signInToLottery(terminal, loser.card, loser.pin);
      await kiosk.getByTestId(`lottery-result-change-${loserEntryNumber}`).waitFor({ timeout: 20_000 });
      expect(await checkScreenInModes(kiosk, `lottery-result-changed-${language}`, DISPLAY_MODES)).toEqual({});
      await signOut();
    }
  });

  it('tells the promoted alternate at sign-in that their result changed and what to do by when; marks it on the results list and on the receipt when they confirm (items 7, 8)', async () => {
    const loser = winner === A ? B : A;
    await signInToLottery(terminal, loser.card, loser.pin);
    // The first screen after sign-in says what changed and what they must do by when (item 7).
    const notice = kiosk.getByTestId('lottery-result-changes');
    await notice.waitFor({ timeout: 20_000 });
    const change = await kiosk.getByTestId(`lottery-result-change-${loserEntryNumber}`).innerText();
    expect(change).toContain(`受付番号 ${loserEntryNumber}`);
    expect(change).toContain('「落選」から「当選」（繰り上げ当選）に変わりました');
    expect(change).toMatch(/[0-9]{1,2}月[0-9]{1,2}日（[日月火水木金土]）(?: [0-9]{2}:[0-9]{2})?までに利用を確定してください/);
    expect(await seriousAccessibilityViolations(kiosk)).toEqual([]);
    expect(await smallTouchTargets(kiosk)).toEqual([]);
    await kiosk.getByTestId('lottery-result-changes-open').click();
    const row = kiosk.getByTestId(`lottery-entry-${loserEntryNumber}`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-result')).toBe('won-first');
    expect(await row.getAttribute('data-promoted')).toBe('true');
    expect(await kiosk.getByTestId(`lottery-promoted-${loserEntryNumber}`).innerText()).toContain('繰り上げ当選');
    expect(await kiosk.getByTestId(`lottery-confirm-by-${loserEntryNumber}`).innerText()).toMatch(/^[0-9]{1,2}月[0-9]{1,2}日（[日月火水木金土]）(?: [0-9]{2}:[0-9]{2})?までに利用を確定してください$/);
    // Confirming prints the receipt, which says the result changed (issue 20, item 7).
    await kiosk.getByTestId(`lottery-confirm-${loserEntryNumber}`).click();
    await waitForAttribute(row, 'data-confirmation', 'confirmed');
    const receipts = terminal.panel.getByTestId('panel-receipts');
    await waitForText(receipts, new RegExp(`当選確定 受付票\\n繰り上げ当選[^]*受付番号 ${loserEntryNumber}`));
    await kiosk.getByTestId('lottery-back').click();
    // Confirmed: nothing is left to tell.
    await kiosk.getByTestId('lottery-menu-entries').waitFor();
    expect(await notice.count()).toBe(0);
  });

  it('reviews a booking with fee, end time and cancellation rule; the race loser is back on the calendar with the slot taken (item 6)', async () => {
    await kiosk.getByTestId('lottery-menu-book').click();
    let slotId = '';
    let end = '';
    const found = await walkOpenMonths(kiosk, async () => {
      await openDays(kiosk).first().click();
      const slot = await findSlotOnPages(kiosk, 'available');
      if (slot === null) return false;
      slotId = ((await slot.getAttribute('data-testid')) ?? '').replace('lottery-slot-', '');
      end = /–([0-9]{2}:[0-9]{2})/.exec(await slot.innerText())?.[1] ?? '';
      await slot.click();
      return true;
    });
    expect(found).toBe(true);
    await kiosk.getByTestId('lottery-booking-review').waitFor();
    expect(await kiosk.getByTestId('lottery-review-when').innerText()).toContain(`〜${end}`);
    expect(await kiosk.getByTestId('lottery-review-fee').innerText()).toMatch(/^使用料 [0-9]+円$/);
    expect(await kiosk.getByTestId('lottery-review-cancel-rule').innerText()).toMatch(/^[0-9]{1,2}月[0-9]{1,2}日（[日月火水木金土]）までは無料で取り消せます/);

    // Someone is quicker: the slot is booked (through the agent, as another request would) before 予約する.
    const side = io(`${system.agentUiUrl.replace(/\/$/, '')}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      const timed = side.timeout(30_000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> };
      const first = lotteryAgentUiAckSchemas['lottery.booking.create'].parse(await timed.emitWithAck('lottery.booking.create', { slotId }));
      expect(first.ok).toBe(true);
    } finally {
      side.close();
    }
    await kiosk.getByTestId('lottery-submit-booking').click();
    await waitForAttribute(kiosk.getByTestId('lottery-screen'), 'data-screen', 'calendar');
    await waitForText(kiosk.getByTestId('lottery-error'), /先に予約されました/);
    await waitForAttribute(kiosk.getByTestId(`lottery-slot-${slotId}`), 'data-state', 'booked');
  });

  it('offline, a month this terminal never saw says "no information", never "0 open" (item 5)', async () => {
    // The agent has seen the hub go (no shell banner over the lottery: the lottery says offline itself).
    const seen = system.agent?.logs.length ?? 0;
    await system.hub?.stop();
    await waitUntil('the agent saw the hub go', () => system.agent?.logs.slice(seen).some((entry) => entry.msg === 'hub disconnected') ?? false);
    await kiosk.getByTestId('lottery-back').click();
    const facilities = kiosk.locator('[data-testid^="lottery-facility-"]');
    await facilities.first().waitFor();
    let noInfo = false;
    // From the end of the list (its last page): the walks above began at its start.
    while (await turnFacilityPage(kiosk, 'next'));
    for (let f = (await facilities.count()) - 1; f >= 0 && !noInfo; f -= 1) {
      await facilities.nth(f).click();
      const months = kiosk.locator('[data-testid^="lottery-month-"]');
      await months.first().waitFor();
      const last = months.last();
      const month = ((await last.getAttribute('data-testid')) ?? '').replace('lottery-month-', '');
      await last.click();
      const shown = kiosk.getByTestId('lottery-calendar-no-info').or(kiosk.locator(`[data-testid="lottery-days"][data-loaded-month="${month}"]`)).or(kiosk.getByTestId('lottery-error'));
      await shown.first().waitFor({ timeout: 20_000 });
      noInfo = (await kiosk.getByTestId('lottery-calendar-no-info').count()) === 1;
      if (noInfo) {
        expect(await kiosk.getByTestId('lottery-screen').innerText()).not.toContain('空き 0');
        expect(await kiosk.getByTestId('lottery-calendar-no-info').innerText()).toContain('確認できません');
      } else {
        await kiosk.getByTestId('lottery-back').click();
        await facilities.first().waitFor();
      }
    }
    expect(noInfo).toBe(true);
  });
});
