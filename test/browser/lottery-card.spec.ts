/**
 * Sign-in at the street terminal with a linked My Number card, in headless Chromium against the real hub
 * and agent with the virtual devices: the hub trusts the TEST CA the agent's virtual cards come from and
 * links demo user 10000016 to toyonaka-002's card (HUB_SEED_DEMO_USERS + HUB_SEED_RESIDENTS). The person
 * places the card on the device panel's reader and types the card's PIN on the kiosk's 12-key pad.
 * Then (issue 17) the card's screens in the four languages at normal size, large text and high contrast
 * (axe serious/critical, 44 px targets, nothing outside 1080×1920): the card PIN with the tries left, a
 * wrong card PIN, a card linked to nobody, a card whose PIN is locked, and "reading your card" (held: the
 * virtual card's answers wait until it is checked, as a slow card's would; the device panel's
 * `panel.card.set` `answersHeld`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { DevicePanelClient } from '../support/certificate-system';
import { chooseLanguage } from '../support/kiosk-language';
import { waitForAttribute, waitForText } from '../support/lottery-terminal';
import { repoRoot } from '../support/processes';
import { checkScreenInModes, DISPLAY_MODES, setDisplay } from '../support/screen-checks';
import { TestSystem } from '../support/system';
import { containsSecret, pinSecret } from '../support/privacy-scan';

jest.setTimeout(240_000);

const LANGUAGES = ['ja', 'en', 'ko', 'zh-Hans'] as const;
/** Not the PIN of any test card (make-test-ca.sh). */
const WRONG_PIN = '0000';

describe('lottery sign-in with a linked My Number card, in Chromium', () => {
  const system = new TestSystem();
  const testCaDir = path.join(system.agentDataDir, 'test-ca');
  let browser: Browser | undefined;
  let kiosk: Page;
  let panel: Page;
  /** The device panel's socket, for what its page has no button for: the card's answers held (a slow card). */
  let cardFaults: DevicePanelClient | undefined;

  const pinOf = (id: string): string => {
    const file = JSON.parse(readFileSync(path.join(testCaDir, 'residents.json'), 'utf8')) as { residents: Array<{ id: string; pin: string }> };
    return file.residents.find((resident) => resident.id === id)?.pin ?? '';
  };

  beforeAll(async () => {
    mkdirSync(system.agentDataDir, { recursive: true, mode: 0o700 });
    execFileSync('bash', [path.join(repoRoot, 'scripts/test-ca/make-test-ca.sh'), testCaDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    await system.startHub({
      HUB_CARD_TRUST_ANCHORS: path.join(testCaDir, 'ca', 'root.cert.pem'),
      HUB_CARD_CRLS: path.join(testCaDir, 'crl', 'root.crl.pem'),
      HUB_SEED_RESIDENTS: '1',
      HUB_SEED_DEMO_USERS: '1',
    });
    await system.startAgent({ AGENT_DEVICES: 'virtual' });
    browser = await launchChromium();
    kiosk = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    panel = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await kiosk.goto(system.agentUiUrl);
    await panel.goto(new URL('panel/', system.agentUiUrl).toString());
    await kiosk.getByTestId('offline-banner').waitFor({ state: 'hidden', timeout: 30_000 });
    cardFaults = await DevicePanelClient.connect(system.agentUiUrl);
  });

  afterAll(async () => {
    cardFaults?.close();
    await browser?.close();
    await system.close();
  });

  // A failed check leaves the card on the reader and the screen where it was: the next language starts clean.
  afterEach(async () => {
    if (browser === undefined) return;
    await setDisplay(kiosk, DISPLAY_MODES[0] ?? { largeText: false, highContrast: false });
    if ((await panel.getByTestId('panel-card-remove').count()) > 0) await panel.getByTestId('panel-card-remove').click();
  });

  async function placeCardAndTypePin(cardId: string, pin: string): Promise<void> {
    await panel.getByTestId(`panel-card-insert-${cardId}`).click();
    await kiosk.getByTestId('lottery-card-pin-prompt').waitFor({ timeout: 30_000 });
    await waitForAttribute(kiosk.getByTestId('lottery-card-tries'), 'data-count', '3');
    await typeDigits(pin);
    expect(containsSecret(await kiosk.locator('#app').innerHTML(), pinSecret(pin))).toBe(false);
    await kiosk.getByTestId('lottery-key-enter').click();
  }

  /** Types `pin` on the kiosk's pad, waiting for one more dot after each digit. */
  async function typeDigits(pin: string): Promise<void> {
    for (const [index, digit] of [...pin].entries()) {
      await kiosk.getByTestId(`lottery-key-${digit}`).click();
      await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
    }
  }

  it('offers the My Number card next to the user card, and refuses a card linked to nobody with the reason', async () => {
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    await kiosk.getByTestId('lottery-mynumber-prompt').waitFor();
    await placeCardAndTypePin('toyonaka-001', pinOf('toyonaka-001'));
    await waitForText(kiosk.getByTestId('lottery-refusal'), /連携されていません/);
    await panel.getByTestId('panel-card-remove').click();
  });

  it('signs in the user linked to the card with the card PIN typed on the kiosk pad', async () => {
    await placeCardAndTypePin('toyonaka-002', pinOf('toyonaka-002'));
    await kiosk.getByTestId('lottery-menu-enter').waitFor({ timeout: 20_000 });
    await panel.getByTestId('panel-card-remove').click();
  });

  it('takes up a card already on the reader when the lottery is chosen, without taking it out', async () => {
    await kiosk.getByTestId('lottery-sign-out').click();
    await kiosk.getByTestId('attract').waitFor();
    await panel.getByTestId('panel-card-insert-toyonaka-002').click();
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-card-pin-prompt').waitFor({ timeout: 30_000 });
    await waitForAttribute(kiosk.getByTestId('lottery-card-tries'), 'data-count', '3');
    for (const digit of [...pinOf('toyonaka-002'), 'enter']) await kiosk.getByTestId(`lottery-key-${digit}`).click();
    await kiosk.getByTestId('lottery-menu-enter').waitFor({ timeout: 20_000 });
    await panel.getByTestId('panel-card-remove').click();
  });

  it.each(LANGUAGES)('the card PIN, a wrong card PIN, a card linked to nobody and a locked card PIN fit and pass axe in every display mode (%s)', async (language) => {
    // From the menu the test before left (signed in), the sign-in screen or the attract screen: the language is chosen there.
    const out = kiosk.getByTestId('lottery-sign-out').or(kiosk.getByTestId('back'));
    if ((await out.count()) > 0) await out.first().click();
    await kiosk.getByTestId('attract').waitFor();
    await chooseLanguage(kiosk, language);
    await kiosk.getByTestId('tile-lottery').click();
    await kiosk.getByTestId('lottery-scan-prompt').waitFor();
    // Reading the card, held: the card's answers wait (a real JPKI card takes a second or more) until
    // the screen is checked, and it is read again after the checks to prove they were of it.
    if (!cardFaults) throw new Error('no device panel client');
    await cardFaults.send('panel.card.set', { answersHeld: true });
    try {
      // toyonaka-001 is linked to nobody: its PIN is right, the hub refuses it. Its tries are back at 3 in
      // every language: the right PIN after the wrong one resets the card's counter.
      await panel.getByTestId('panel-card-insert-toyonaka-001').click();
      const reading = kiosk.locator('[data-testid="lottery-signin"][data-stage="reading-card"]');
      await reading.waitFor({ timeout: 30_000 });
      await kiosk.getByTestId('lottery-mynumber-reading').waitFor();
      expect(await checkScreenInModes(kiosk, `lottery-card-reading-${language}`, DISPLAY_MODES)).toEqual({});
      expect(await reading.count()).toBe(1);
    } finally {
      await cardFaults.send('panel.card.set', { answersHeld: false });
    }
    await kiosk.getByTestId('lottery-card-pin-prompt').waitFor({ timeout: 30_000 });
    await waitForAttribute(kiosk.getByTestId('lottery-card-tries'), 'data-count', '3');
    expect(await checkScreenInModes(kiosk, `lottery-card-pin-${language}`, DISPLAY_MODES)).toEqual({});
    await typeOnPad(WRONG_PIN);
    // The refusal says the tries left; the standing tries line is not said twice.
    await waitForText(kiosk.getByTestId('lottery-refusal'), /2/);
    expect(await kiosk.getByTestId('lottery-card-tries').count()).toBe(0);
    expect(await checkScreenInModes(kiosk, `lottery-card-pin-wrong-${language}`, DISPLAY_MODES)).toEqual({});
    await typeOnPad(pinOf('toyonaka-001'));
    await refusedAndAwaitingCard();
    expect(await checkScreenInModes(kiosk, `lottery-card-not-linked-${language}`, DISPLAY_MODES)).toEqual({});
    await panel.getByTestId('panel-card-remove').click();

    // toyonaka-003's PIN locked by three wrong PINs (the first language's walk), then refused as locked.
    await panel.getByTestId('panel-card-insert-toyonaka-003').click();
    if (language === LANGUAGES[0]) {
      await kiosk.getByTestId('lottery-card-pin-prompt').waitFor({ timeout: 30_000 });
      for (const triesLeft of [/2/, /1/]) {
        await typeOnPad(WRONG_PIN);
        await waitForText(kiosk.getByTestId('lottery-refusal'), triesLeft);
      }
      await typeOnPad(WRONG_PIN);
    }
    await refusedAndAwaitingCard();
    expect(await checkScreenInModes(kiosk, `lottery-card-pin-locked-${language}`, DISPLAY_MODES)).toEqual({});
    await panel.getByTestId('panel-card-remove').click();
    await kiosk.getByTestId('back').click();
    await kiosk.getByTestId('attract').waitFor();
  });

  /** Types `pin` on the kiosk's pad and presses Enter. */
  async function typeOnPad(pin: string): Promise<void> {
    await typeDigits(pin);
    await kiosk.getByTestId('lottery-key-enter').click();
  }

  /** The card refused for good (not a wrong PIN): back to waiting for a card, the reason shown. */
  async function refusedAndAwaitingCard(): Promise<void> {
    await kiosk.locator('[data-testid="lottery-signin"][data-stage="awaiting-card"]').waitFor({ timeout: 30_000 });
    await kiosk.getByTestId('lottery-refusal').waitFor();
  }
});
