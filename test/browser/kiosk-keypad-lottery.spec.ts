/**
 * Issue 17, keypad navigation with the hardware PIN pad through a facility lottery entry: a person who
 * cannot see the screen turns navigation on at the attract screen, picks English and the lottery, scans
 * the user card, types the PIN, and enters a lottery slot, with the PIN pad alone. Every key is pressed on
 * the agent's virtual HID PIN pad (the device panel sends the reports the pad driver reads); each focus is
 * spoken (fixed buttons by name, a facility, month, day or slot by its public text), each screen's script
 * asserted and its espeak-ng WAV checked. The PIN's keys never reach the screen. Signing out ends the
 * session, and with it keypad navigation, on the screen and in the agent.
 */
import type { PanelPinKey } from '@kiosk/protocols';
import type { Page } from 'playwright-core';
import { DevicePanelClient } from '../support/certificate-system';
import { expectNavigationOffForNextPerson, HardwarePad, KeypadUser, NavigationPushes, SpokenGuidance } from '../support/keypad-guidance';
import { openLotteryTerminal, waitForAttribute, waitForMonth, type LotteryTerminal } from '../support/lottery-terminal';
import { TestSystem } from '../support/system';
import { containsSecret, pinSecret } from '../support/privacy-scan';

jest.setTimeout(600_000);

const USER = { card: '10000008', pin: '1234' };

describe('keypad navigation with the hardware PIN pad through a lottery entry', () => {
  const system = new TestSystem();
  let terminal: LotteryTerminal | undefined;
  let kiosk: Page;
  let panel: DevicePanelClient | undefined;
  let pad: HardwarePad;
  let speech: SpokenGuidance;
  let user: KeypadUser;
  let pushes: NavigationPushes | undefined;
  let entered = false;

  beforeAll(async () => {
    terminal = await openLotteryTerminal(system);
    kiosk = terminal.kiosk;
    panel = await DevicePanelClient.connect(system.agentUiUrl);
    pad = new HardwarePad(panel);
    speech = new SpokenGuidance(kiosk, system.agentUiUrl);
    user = new KeypadUser(pad, speech);
    pushes = await NavigationPushes.connect(system.agentUiUrl);
  });

  afterAll(async () => {
    pushes?.close();
    panel?.close();
    await terminal?.browser.close();
    await system.close();
  });

  async function testids(selector: string): Promise<string[]> {
    return kiosk.locator(selector).evaluateAll((elements) => elements.map((element) => (element as HTMLElement).dataset['testid'] ?? ''));
  }

  /** On the calendar: picks the first day with a slot open for the lottery and that slot; false when the month has none. */
  async function chooseSlotInMonth(month: string): Promise<boolean> {
    await user.focusOn(month);
    await pad.press('5');
    await waitForMonth(kiosk, month);
    const [day] = await testids('[data-testid^="lottery-day-"]:not([disabled])');
    if (day === undefined) return false;
    expect(await user.focusOn(day)).toMatch(/^\d+, .+\. \d+ of \d+\.$/);
    await pad.press('5');
    const open = kiosk.locator('[data-testid^="lottery-slot-"][data-state="lottery-open"]:not([disabled])');
    await open.first().waitFor({ timeout: 20_000 });
    const [slot] = await testids('[data-testid^="lottery-slot-"][data-state="lottery-open"]:not([disabled])');
    if (slot === undefined) return false;
    // A slot is read as the timetable shows it: its time, place, fee and state.
    expect(await user.focusOn(slot)).toMatch(/^\d{1,2}:\d{2}.*\. \d+ of \d+\.$/);
    await pad.press('5');
    await kiosk.getByTestId('lottery-review-entry').and(kiosk.locator(':not([disabled])')).waitFor();
    return true;
  }

  it('enters a facility lottery with the PIN pad and the spoken guidance alone', async () => {
    await speech.expectSaid(/けっていキーを おして ください/);
    await user.pressAndHear('enter', /^キーの つかいかた。/);
    await waitForAttribute(kiosk.getByTestId('speech-text'), 'data-navigation', 'true');

    // English, chosen on the attract screen with the pad.
    expect(await user.focusOn('lang-en')).toMatch(/^ことば: Language。/);
    await pad.press('5');
    await waitForAttribute(kiosk.locator('html'), 'lang', 'en');

    expect(await user.focusOn('tile-lottery')).toMatch(/^Facility lottery\. \d of \d\.$/);
    await pad.press('5');
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    await speech.expectSaid(/^Facility booking and lottery\. Hold the barcode/);

    await panel?.send('panel.scanner.scan', { barcode: USER.card });
    await kiosk.getByTestId('lottery-card-read').waitFor();
    await speech.expectSaid(/^Enter your 4-digit PIN/);
    const pushedBeforePin = pushes?.actions.length ?? 0;
    for (const [index, digit] of [...USER.pin].entries()) {
      await user.pressAndHear(digit as PanelPinKey, new RegExp(`^One digit entered\\. ${index + 1} of 4\\.$`));
      await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
    }
    expect(containsSecret(await kiosk.locator('#app').innerHTML(), pinSecret(USER.pin))).toBe(false);
    await pad.press('enter');
    await kiosk.getByTestId('lottery-menu-enter').waitFor({ timeout: 20_000 });
    expect(pushes?.actions.length).toBe(pushedBeforePin);
    await speech.expectSaid(/lottery menu\. Choose:/);

    expect(await user.focusOn('lottery-menu-enter')).toMatch(/^Enter a lottery\. \d of \d\.$/);
    await pad.press('5');
    await kiosk.locator('[data-testid^="lottery-facility-"]').first().waitFor();
    await speech.expectSaid(/^Choose a facility\./);

    // Facility by facility, month by month, as a person listening to the timetable would.
    let chosen = false;
    for (const facility of await testids('[data-testid^="lottery-facility-"]')) {
      expect(await user.focusOn(facility)).toMatch(/\S\. \d+ of \d+\.$/);
      await pad.press('5');
      await kiosk.getByTestId('lottery-days').waitFor();
      await speech.expectSaid(/^Choose a day, then a time slot\./);
      for (const month of await testids('[data-testid^="lottery-month-"]')) {
        if (await chooseSlotInMonth(month)) {
          chosen = true;
          break;
        }
      }
      if (chosen) break;
      // Cancel goes back to the facility list.
      await user.pressAndHear('cancel', /^Choose a facility\./);
    }
    expect(chosen).toBe(true);

    expect(await user.focusOn('lottery-review-entry')).toMatch(/^Next\. \d+ of \d+\.$/);
    await pad.press('5');
    await speech.expectSaid(/^Check your lottery entry\./);
    expect(await user.focusOn('lottery-submit-entry')).toMatch(/^Enter\. \d of \d\.$/);
    await pad.press('5');
    await kiosk.getByTestId('lottery-entry-number').waitFor({ timeout: 30_000 });
    await speech.expectSaid(/^Done\. Check the number on the screen and on the receipt\./);
    expect(await kiosk.getByTestId('lottery-receipt').getAttribute('data-printed')).toBe('true');
    entered = true;
  });

  it('ends keypad navigation with the session: signing out, the next person starts without it', async () => {
    if (!entered) throw new Error('no entry made: nothing to check');
    expect(await user.focusOn('lottery-sign-out')).toMatch(/^Log out\./);
    await pad.press('5');
    if (pushes === undefined) throw new Error('not listening to the agent');
    await expectNavigationOffForNextPerson(kiosk, speech, pad, pushes);
  });

  it('never said the card number or the PIN', () => {
    if (!entered) throw new Error('no entry made: nothing to check');
    expect(speech.said.length).toBeGreaterThan(15);
    for (const said of speech.said) {
      expect(said.text).not.toContain(USER.card);
      expect(containsSecret(said.text, pinSecret(USER.pin))).toBe(false);
    }
  });
});
