/**
 * Issue 17, the certificate flow's refusal and error screens, in headless Chromium at 1080×1920 against the
 * real hub and agent with virtual devices: each checked with axe (serious/critical), 44 px targets and
 * "nothing outside the viewport or behind a scroll" at normal and large text and in high contrast, in the
 * four languages, with screenshots in `.tmp/screenshots/` (kiosk-accessibility does the main path).
 * Several screens are reached in one visit where the flow allows it, to keep the spec short. Each screen
 * is reached the way a person meets it: receipt paper out (unavailable), a card that is not a My Number
 * card, one wrong PIN, a revoked card (card refused), a resident without a seal registration (choose),
 * cancel after one coin (cancelled), a paid certificate the A4 printer fails (refunded: its CUPS queue's
 * device unplugged, test/support/a4-print-hold.ts), a locked card, and that card left in the reader when
 * the screen restarts (card left behind), the card pulled out while it is checked (card trouble: the hub
 * frozen with SIGSTOP holds the check until the card is out), the hub frozen after the PIN until the agent
 * gives up (error, before any money), the service check (checking: the hub frozen, one mode per freeze
 * inside the 3 s ack timeout), reading the card (held: the virtual card's answers wait, as a slow card's,
 * device panel `panel.card.set` `answersHeld`) and card trouble for a card that cannot be read (its
 * certificate file answered 65 81, `unreadable`), and the idle warning ("still there?") in the four
 * languages and the three modes (a display toggle is a touch that dismisses it, so one mode per visit).
 *
 * The spec starts its own system with its own TEST CA, so the card it locks (toyonaka-002) is locked only
 * here; every other card is left with its PIN counter full (a correct PIN resets it).
 */
import type { Page } from 'playwright-core';
import type { DevicePanelState } from '@kiosk/protocols';
import { CertificateTestSystem, DevicePanelClient } from '../support/certificate-system';
import { bringKioskHome, type CertificateKioskScreen, closeCertificateKiosk, openCertificateKiosk, startCertificateFlowOnNewPage, orderOneToPayment, signInWithCard, startCertificateFlow, typeOnPad, waitForAttribute, waitForCertificateScreen, wrongPin } from '../support/certificate-screens';
import { checkScreen, checkScreenInModes, DISPLAY_MODES, type DisplayMode, setDisplay } from '../support/screen-checks';
import { chooseLanguage } from '../support/kiosk-language';
import { failA4Printing } from '../support/a4-print-hold';

jest.setTimeout(600_000);

const LANGUAGES = ['ja', 'en', 'ko', 'zh-Hans'] as const;
type KioskLanguage = (typeof LANGUAGES)[number];
/** The agent's wait for a hub answer: short, so the error screen (hub unreachable) comes quickly. */
const ACK_TIMEOUT_MS = 3000;
/** The idle warning's page: 10 s of quiet (skipped with the page's clock), then a 5 s warning to check in. */
const IDLE_SECONDS = 10;

describe('the certificate refusal and error screens pass every check in every mode, in the four languages (issue 17)', () => {
  const system = new CertificateTestSystem();
  let page: Page;
  let panel: DevicePanelClient;
  let kiosk: CertificateKioskScreen | undefined;

  beforeAll(async () => {
    // The hub frozen after the PIN: the card check fails after one ack timeout (the error screen). Issuing
    // waits max(ack, 30 s) (hub-certificates.ts), so the refunded case below is not hurried by it.
    kiosk = await openCertificateKiosk(system, { AGENT_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS) });
    ({ page, panel } = kiosk);
  });

  afterAll(() => closeCertificateKiosk(system, kiosk));

  afterEach(() => bringKioskHome(page, panel));

  /**
   * The screen as shown passes every check in every mode, and it is in `language`: outside Japanese no
   * kana on the flow's screen (a string missing from a translation table falls back to Japanese).
   */
  async function expectScreenPasses(screen: string, language: KioskLanguage): Promise<void> {
    expect(await page.getAttribute('html', 'lang')).toBe(language);
    expect(await checkScreenInModes(page, `cert-${screen}-${language}`, DISPLAY_MODES)).toEqual({});
    if (language !== 'ja') expect(await page.getByTestId('cert-flow').innerText()).not.toMatch(/[\u3040-\u30ff]/);
  }

  /** The device panel's state shows the device of `kind` with `status`. */
  const deviceIs = (kind: string, status: string) => (state: DevicePanelState): boolean =>
    state.devices.some((device) => device.kind === kind && device.status === status);

  /** Starts the flow in `language` and signs in as the test resident `residentId` (card and PIN): on `choose`. */
  async function signIn(language: KioskLanguage, residentId: string): Promise<void> {
    await startCertificateFlow(page, language);
    await signInWithCard(page, panel, residentId, system.resident(residentId).pin);
  }

  /** A 100-yen coin on the pay screen, counted (the amounts read "100" in every language). */
  async function insertFirstCoin(): Promise<void> {
    await panel.send('panel.coin.insert', { coinYen: 100 });
    await page.getByTestId('pay-inserted').filter({ hasText: '100' }).waitFor({ timeout: 30_000 });
  }

  async function finishToHome(): Promise<void> {
    await page.getByTestId('cert-finish').click();
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
  }

  it('unavailable (receipt paper out), before any card or money', async () => {
    await panel.send('panel.printer.set', { paper: 'out' });
    try {
      await panel.waitForState('the receipt printer reports paper out', deviceIs('receipt-printer', 'error'));
      for (const language of LANGUAGES) {
        await chooseLanguage(page, language);
        await page.getByTestId('tile-certificates').click();
        await waitForCertificateScreen(page, 'unavailable', 60_000);
        await expectScreenPasses('unavailable', language);
        await finishToHome();
      }
    } finally {
      await panel.send('panel.printer.set', { paper: 'ok' });
    }
    await panel.waitForState('the receipt printer is ok again', deviceIs('receipt-printer', 'ok'));
  });

  it('not a My Number card, a wrong PIN (tries left), and a revoked card refused, in one visit', async () => {
    const revoked = system.resident('toyonaka-004');
    for (const language of LANGUAGES) {
      await startCertificateFlow(page, language);
      await panel.send('panel.card.insert', { cardId: 'not-my-number-card' });
      await waitForCertificateScreen(page, 'not-a-my-number-card', 60_000);
      await expectScreenPasses('not-a-my-number-card', language);
      await panel.send('panel.card.remove', {});
      await waitForCertificateScreen(page, 'insert-card', 30_000);
      await panel.send('panel.card.insert', { cardId: revoked.id });
      await waitForCertificateScreen(page, 'pin', 60_000);
      await typeOnPad(page, wrongPin(revoked.pin));
      await page.getByTestId('pin-key-enter').click();
      await waitForAttribute(page, 'pin-tries-left', 'data-tries-left', '2', 60_000);
      await expectScreenPasses('pin-wrong', language);
      // The right PIN: the card's counter is full again, and the hub refuses the revoked certificate.
      await typeOnPad(page, revoked.pin);
      await page.getByTestId('pin-key-enter').click();
      await waitForCertificateScreen(page, 'card-refused', 60_000);
      await expectScreenPasses('card-refused', language);
      await panel.send('panel.card.remove', {});
      await finishToHome();
    }
  });

  it('the seal certificate refused on the choose screen, then a payment cancelled after one coin', async () => {
    for (const language of LANGUAGES) {
      await signIn(language, 'toyonaka-003');
      expect(await page.getByTestId('type-inkan').getAttribute('data-available')).toBe('false');
      await expectScreenPasses('choose-seal-refused', language);
      await orderOneToPayment(page, panel, 'type-juminhyo');
      await insertFirstCoin();
      await page.getByTestId('cert-cancel').click();
      await waitForCertificateScreen(page, 'cancelled', 60_000);
      await expectScreenPasses('cancelled', language);
      await finishToHome();
    }
  });

  it('refunded: the A4 printer fails the paid certificate', async () => {
    for (const language of LANGUAGES) {
      await signIn(language, 'toyonaka-001');
      await orderOneToPayment(page, panel, 'type-juminhyo');
      // Broken after the checks before the card (the printer was fine then), so the job itself fails.
      const printing = await failA4Printing(system.peripheralsDir);
      try {
        await insertFirstCoin();
        await panel.send('panel.coin.insert', { coinYen: 100 });
        await waitForCertificateScreen(page, 'refunded', 60_000);
      } finally {
        await printing.repair();
      }
      await expectScreenPasses('refunded', language);
      await finishToHome();
      await panel.waitForState('the A4 printer is ok again', deviceIs('document-printer', 'ok'));
    }
  });

  it('a locked card, then that card left in the reader for the next person', async () => {
    const locked = system.resident('toyonaka-002');
    for (const language of LANGUAGES) {
      await startCertificateFlow(page, language);
      await panel.send('panel.card.insert', { cardId: locked.id });
      if (language === LANGUAGES[0]) {
        // Locked once (three wrong PINs); put in again later it is refused as soon as it is read.
        await waitForCertificateScreen(page, 'pin', 60_000);
        for (const left of ['2', '1', null]) {
          await typeOnPad(page, wrongPin(locked.pin));
          await page.getByTestId('pin-key-enter').click();
          if (left) await waitForAttribute(page, 'pin-tries-left', 'data-tries-left', left, 60_000);
        }
      }
      await waitForCertificateScreen(page, 'card-locked', 60_000);
      await expectScreenPasses('card-locked', language);
      // Finished with the card still in, and the screen restarted: the next person finds the card there.
      await page.getByTestId('cert-finish').click();
      await waitForCertificateScreen(page, 'remove-card', 30_000);
      await page.reload();
      await page.getByTestId('attract').waitFor({ timeout: 30_000 });
      await chooseLanguage(page, language);
      await page.getByTestId('tile-certificates').click();
      await waitForCertificateScreen(page, 'card-left-behind', 60_000);
      await expectScreenPasses('card-left-behind', language);
      await panel.send('panel.card.remove', {});
      await waitForCertificateScreen(page, 'insert-card', 60_000);
      await page.getByTestId('cert-cancel').click();
      await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    }
  });

  it('card trouble (the card pulled out while it is checked), then the error screen (the centre does not answer)', async () => {
    const hub = system.hub;
    if (!hub) throw new Error('the hub is not running');
    const resident = system.resident('toyonaka-001');
    /** From home: the flow in `language`, the card in and its PIN typed, not yet entered. */
    async function typePin(language: KioskLanguage): Promise<void> {
      await startCertificateFlow(page, language);
      await panel.send('panel.card.insert', { cardId: resident.id });
      await waitForCertificateScreen(page, 'pin', 60_000);
      await typeOnPad(page, resident.pin);
    }
    for (const language of LANGUAGES) {
      await typePin(language);
      // Card trouble: the hub frozen holds the challenge (verifying), the card comes out, then the hub
      // answers and the card's signature fails because the card is gone. The card is out before the hub
      // thaws (the panel acks once the slot is empty), so the order is fixed, not a race; only the ack
      // timeout bounds these few steps.
      hub.kill('SIGSTOP');
      try {
        await page.getByTestId('pin-key-enter').click();
        await waitForCertificateScreen(page, 'verifying', ACK_TIMEOUT_MS);
        await panel.send('panel.card.remove', {});
      } finally {
        hub.kill('SIGCONT');
      }
      await waitForCertificateScreen(page, 'card-trouble', 60_000);
      await expectScreenPasses('card-trouble', language);
      // The screen offers only to stop; then again from the start, the PIN, and the hub frozen until the
      // agent gives up on it (error, before any money).
      await page.getByTestId('cert-cancel').click();
      await page.getByTestId('attract').waitFor({ timeout: 30_000 });
      await typePin(language);
      hub.kill('SIGSTOP');
      try {
        await page.getByTestId('pin-key-enter').click();
        await waitForCertificateScreen(page, 'error', ACK_TIMEOUT_MS + 30_000);
      } finally {
        hub.kill('SIGCONT');
      }
      await expectScreenPasses('error', language);
      // The error is the one meant: the centre did not answer (not some other failure before money).
      if (language === 'ja') expect(await page.getByTestId('cert-flow').innerText()).toContain('センターに接続できません');
      await page.getByTestId('cert-finish').click();
      await waitForCertificateScreen(page, 'remove-card', 30_000);
      await panel.send('panel.card.remove', {});
      await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    }
  });

  it('checking (the hub frozen), reading the card (a slow card held) and card trouble for a card that cannot be read', async () => {
    const hub = system.hub;
    if (!hub) throw new Error('the hub is not running');
    for (const language of LANGUAGES) {
      // Checking: the hub frozen holds the service check (the hours asked at the hub) for one ack timeout,
      // 3 s here: one mode per visit (language and mode set before the freeze; going home resets them)
      // keeps the checks well inside it.
      for (const mode of DISPLAY_MODES) {
        await chooseLanguage(page, language);
        await setDisplay(page, mode);
        hub.kill('SIGSTOP');
        try {
          await page.getByTestId('tile-certificates').click();
          await waitForCertificateScreen(page, 'checking', ACK_TIMEOUT_MS);
          expect(await checkScreen(page, `cert-checking-${language}-${mode.name}`)).toEqual({ accessibility: [], smallTargets: [], offScreen: [] });
          expect(await page.getAttribute('html', 'lang')).toBe(language);
          if (language !== 'ja') expect(await page.getByTestId('cert-flow').innerText()).not.toMatch(/[\u3040-\u30ff]/);
          // Still checking: the checks were of this screen (a zero wait reads the screen once).
          await waitForCertificateScreen(page, 'checking', 0);
        } finally {
          hub.kill('SIGCONT');
        }
        await waitForCertificateScreen(page, 'insert-card', 30_000);
        if (mode !== DISPLAY_MODES[DISPLAY_MODES.length - 1]) {
          await page.getByTestId('cert-cancel').click();
          await page.getByTestId('attract').waitFor({ timeout: 30_000 });
        }
      }
      await setDisplay(page, DISPLAY_MODES[0] ?? { largeText: false, highContrast: false });
      // Reading the card: the card's answers held (a slow card), and its certificate file unreadable
      // (READ BINARY answered 65 81), so once released the read fails as a damaged card's does.
      await panel.send('panel.card.set', { answersHeld: true, unreadable: true });
      try {
        await panel.send('panel.card.insert', { cardId: 'toyonaka-001' });
        await waitForCertificateScreen(page, 'reading-card', 30_000);
        await expectScreenPasses('reading-card', language);
        await waitForCertificateScreen(page, 'reading-card', 0);
      } finally {
        await panel.send('panel.card.set', { answersHeld: false });
      }
      try {
        await waitForCertificateScreen(page, 'card-trouble', 30_000);
      } finally {
        await panel.send('panel.card.set', { unreadable: false });
      }
      await expectScreenPasses('card-unreadable', language);
      // The trouble meant: the card could not be read (not taken out).
      if (language === 'ja') expect(await page.getByTestId('cert-flow').innerText()).toContain('カードを読み取れませんでした');
      await page.getByTestId('cert-cancel').click();
      await waitForCertificateScreen(page, 'remove-card', 30_000);
      await panel.send('panel.card.remove', {});
      await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    }
  });

  it('the idle warning ("still there?") in the four languages and the three modes', async () => {
    for (const language of LANGUAGES) {
      for (const mode of DISPLAY_MODES) await expectIdleWarningPasses(language, mode);
    }
  });

  /**
   * One visit on a page of its own with a short idle period and a clock of its own: the quiet is skipped
   * (the page's clock jumps), and the warning then stays for its real 5 s while it is checked. A display
   * toggle is a touch that would dismiss the warning, so the mode is set before the quiet and only that
   * mode is checked. A fresh page each time: the page's socket to the agent keeps its heartbeat on the
   * same clock, and jumps added up over several visits would make it drop the link (screen lost).
   */
  async function expectIdleWarningPasses(language: KioskLanguage, mode: DisplayMode): Promise<void> {
    if (!kiosk) throw new Error('no kiosk');
    const idlePage = await kiosk.browser.newPage({ viewport: { width: 1080, height: 1920 } });
    try {
      await idlePage.clock.install();
      await idlePage.goto(`${system.agentUiUrl}?idle=${IDLE_SECONDS}`);
      await idlePage.getByTestId('attract').waitFor();
      await chooseLanguage(idlePage, language);
      await setDisplay(idlePage, mode);
      await startCertificateFlowOnNewPage(idlePage);
      await idlePage.clock.fastForward(IDLE_SECONDS * 1000 + 500);
      const warning = idlePage.getByTestId('cert-idle-warning');
      await warning.waitFor({ timeout: 10_000 });
      expect(await idlePage.getAttribute('html', 'lang')).toBe(language);
      expect(await checkScreen(idlePage, `cert-idle-warning-${language}-${mode.name}`)).toEqual({ accessibility: [], smallTargets: [], offScreen: [] });
      if (language !== 'ja') expect(await warning.innerText()).not.toMatch(/[\u3040-\u30ff]/);
      // Still the warning after the checks: what was checked was it, not the screen after it.
      expect(await warning.count()).toBe(1);
      await idlePage.getByTestId('cert-idle-continue').click();
      await warning.waitFor({ state: 'detached' });
      await idlePage.getByTestId('cert-cancel').click();
      await idlePage.getByTestId('attract').waitFor({ timeout: 30_000 });
    } finally {
      await idlePage.close();
    }
  }
});
