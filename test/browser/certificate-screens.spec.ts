/**
 * The certificate flow's other paths in headless Chromium against the real hub and agent with virtual
 * devices: refused before any card or money (receipt paper out), a card that is not a My Number card, a
 * revoked card, a resident without a seal registration, three wrong PINs (locked: where to get it reset),
 * cancelling a payment (coins returned), the idle warning (extend, then expire → session ended; a card
 * left in the reader is asked for before home), a card left behind by an earlier visit, and the flow in
 * English. Each screen is checked with axe-core and for 44 px touch targets.
 */
import type { Browser, Page } from 'playwright-core';
import { seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { CertificateTestSystem, DevicePanelClient } from '../support/certificate-system';
import { type CertificateKioskScreen, closeCertificateKiosk, expectAccessible, openCertificateKiosk, orderOneToPayment, signInWithCard, startCertificateFlow, startCertificateFlowOnNewPage, typeOnPad, waitForAttribute, waitForCertificateScreen, waitUntilText, wrongPin } from '../support/certificate-screens';
import { chooseLanguage } from '../support/kiosk-language';

jest.setTimeout(600_000);

describe('certificate flow screens', () => {
  const system = new CertificateTestSystem();
  let browser: Browser;
  let page: Page;
  let panel: DevicePanelClient;
  let kiosk: CertificateKioskScreen | undefined;

  beforeAll(async () => {
    kiosk = await openCertificateKiosk(system);
    ({ browser, page, panel } = kiosk);
  });

  afterAll(() => closeCertificateKiosk(system, kiosk));

  const startFlow = (): Promise<void> => startCertificateFlow(page);

  /** Leaves through the screen's own "finish" and waits for the attract screen. */
  async function finishToHome(): Promise<void> {
    await page.getByTestId('cert-finish').click();
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
  }

  /** Before any money, cancel ends the flow at once: the agent wipes and the kiosk goes home. */
  async function cancelToHome(): Promise<void> {
    await page.getByTestId('cert-cancel').click();
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
  }

  async function removeCardAndCancel(): Promise<void> {
    await panel.send('panel.card.remove', {});
    await cancelToHome();
  }

  /** Cancel with the card still in the reader: the kiosk asks for the card and goes home only once it is out. */
  async function cancelWithCardIn(): Promise<void> {
    await page.getByTestId('cert-cancel').click();
    await waitForCertificateScreen(page, 'remove-card', 30_000);
    await expectAccessible(page);
    expect(await page.getByTestId('attract').count()).toBe(0);
    await panel.send('panel.card.remove', {});
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
  }

  const signIn = (residentId: string): Promise<void> => signInWithCard(page, panel, residentId, system.resident(residentId).pin);

  it('says which check failed and why before any card or money: receipt paper out', async () => {
    await panel.send('panel.printer.set', { paper: 'out' });
    try {
      await panel.waitForState('the receipt printer reports paper out', (state) =>
        state.devices.some((device) => device.kind === 'receipt-printer' && device.status === 'error'),
      );
      await page.getByTestId('tile-certificates').click();
      await waitForCertificateScreen(page, 'unavailable', 60_000);
      const lines = await page.getByTestId('cert-unavailable-line').allInnerTexts();
      expect(lines).toContain('レシートプリンターが使用できません（用紙切れ）。');
      await expectAccessible(page);
      await finishToHome();
    } finally {
      await panel.send('panel.printer.set', { paper: 'ok' });
    }
    await panel.waitForState('the receipt printer is ok again', (state) =>
      state.devices.some((device) => device.kind === 'receipt-printer' && device.status === 'ok'),
    );
  });

  it('tells a card that is not a My Number card apart, and goes back to "place your card" once it is out', async () => {
    await startFlow();
    await panel.send('panel.card.insert', { cardId: 'not-my-number-card' });
    await waitForCertificateScreen(page, 'not-a-my-number-card', 60_000);
    await expectAccessible(page);
    await panel.send('panel.card.remove', {});
    await waitForCertificateScreen(page, 'insert-card', 30_000);
    await cancelToHome();
  });

  it('refuses a revoked card after the PIN, saying so', async () => {
    await startFlow();
    const revoked = system.resident('toyonaka-004');
    await panel.send('panel.card.insert', { cardId: revoked.id });
    await waitForCertificateScreen(page, 'pin', 60_000);
    await typeOnPad(page, revoked.pin);
    await page.getByTestId('pin-key-enter').click();
    await waitForCertificateScreen(page, 'card-refused', 60_000);
    expect(await page.getByTestId('cert-card-refused-line').innerText()).toContain('失効');
    await expectAccessible(page);
    await panel.send('panel.card.remove', {});
    await finishToHome();
  });

  it('shows why a resident without a seal registration cannot have a seal certificate', async () => {
    await startFlow();
    await signIn('toyonaka-003');
    expect(await page.getByTestId('type-inkan').getAttribute('data-available')).toBe('false');
    expect(await page.getByTestId('type-inkan-refusal').innerText()).toContain('印鑑登録がないため');
    // The other certificates are there and priced from the hub's menu (family register 350 yen).
    await page.getByTestId('type-koseki').click();
    expect(await page.getByTestId('fee-total').innerText()).toContain('350円');
    await expectAccessible(page);
    await cancelWithCardIn();
  });

  it('cancelling a payment returns the coins inserted', async () => {
    await startFlow();
    await signIn('toyonaka-002');
    await orderOneToPayment(page, panel, 'type-inkan');
    // The screen asking for coins is enough: the acceptor was opened before it was shown.
    await panel.send('panel.coin.insert', { coinYen: 100 });
    await waitUntilText(page, 'pay-remaining', '100円');
    expect(await page.getByTestId('pay-inserted').innerText()).toBe('100円');
    expect(await page.getByTestId('cert-cancel').innerText()).toContain('返す');
    await page.getByTestId('cert-cancel').click();
    await waitForCertificateScreen(page, 'cancelled', 60_000);
    expect(await page.getByTestId('reminder-coins').innerText()).toContain('100円');
    await expectAccessible(page);
    await finishToHome();
  });

  it('locks after three wrong PINs and says where to have the PIN reset', async () => {
    await startFlow();
    const resident = system.resident('toyonaka-002');
    await panel.send('panel.card.insert', { cardId: resident.id });
    await waitForCertificateScreen(page, 'pin', 60_000);
    const wrong = wrongPin(resident.pin);
    for (const left of ['2', '1']) {
      await typeOnPad(page, wrong);
      await page.getByTestId('pin-key-enter').click();
      await waitForAttribute(page, 'pin-tries-left', 'data-tries-left', left, 60_000);
    }
    await typeOnPad(page, wrong);
    await page.getByTestId('pin-key-enter').click();
    await waitForCertificateScreen(page, 'card-locked', 60_000);
    const text = (await page.getByTestId('cert-card-locked-line').allInnerTexts()).join('\n');
    expect(text).toContain('市区町村の窓口');
    expect(text).toContain('再設定');
    await expectAccessible(page);
    // Finish with the card still in the reader: "take your card" first, home only once it is out.
    await page.getByTestId('cert-finish').click();
    await waitForCertificateScreen(page, 'remove-card', 30_000);
    expect(await page.getByTestId('cert-remove-card-body').innerText()).toContain('カードが読み取り機に残っています');
    await expectAccessible(page);
    expect(await page.getByTestId('attract').count()).toBe(0);
    await panel.send('panel.card.remove', {});
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
  });

  it('warns when idle, extends on a touch, ends the session when nobody answers, and asks for a card left in the reader', async () => {
    // Its own page with a short idle period (10 s quiet, then a 5 s warning) and a clock of its own: each
    // quiet period is skipped (the page's clock jumps), the warning then runs out in real time.
    const idlePage = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    const quietMs = 10_500;
    try {
      await idlePage.clock.install();
      await idlePage.goto(`${system.agentUiUrl}?idle=10`);
      await idlePage.getByTestId('attract').waitFor();
      // Tapped again if the page's link to the agent is not up yet; what is tested here is the idle warning.
      await startCertificateFlowOnNewPage(idlePage);
      await idlePage.clock.fastForward(quietMs);
      await idlePage.getByTestId('cert-idle-warning').waitFor({ timeout: 10_000 });
      expect(await seriousAccessibilityViolations(idlePage)).toEqual([]);
      expect(await smallTouchTargets(idlePage)).toEqual([]);
      await idlePage.getByTestId('cert-idle-continue').click();
      await idlePage.getByTestId('cert-idle-warning').waitFor({ state: 'detached' });
      await waitForCertificateScreen(idlePage, 'insert-card');
      // The person puts the card in and walks away on the PIN pad (toyonaka-002's PIN is locked by now).
      await panel.send('panel.card.insert', { cardId: 'toyonaka-001' });
      await waitForCertificateScreen(idlePage, 'pin', 60_000);
      await idlePage.clock.fastForward(quietMs);
      await idlePage.getByTestId('cert-idle-warning').waitFor({ timeout: 10_000 });
      // Expired: the session ends (wiped), but the screen stays on "take your card", not home.
      await system.agent?.waitForLog((entry) => entry.msg === 'certificate session wiped' && entry.reason === 'idle-timeout', 60_000);
      await waitForCertificateScreen(idlePage, 'remove-card', 30_000);
      expect(await idlePage.getByTestId('cert-remove-card-body').innerText()).toContain('カードが読み取り機に残っています');
      expect(await idlePage.getByTestId('cert-idle-warning').count()).toBe(0);
      expect(await idlePage.getByTestId('attract').count()).toBe(0);
      await panel.send('panel.card.remove', {});
      await idlePage.getByTestId('attract').waitFor({ timeout: 60_000 });
      expect(await idlePage.getAttribute('html', 'lang')).toBe('ja');
    } finally {
      await idlePage.close();
    }
  });

  it('a card left in the reader by an earlier visit: the next person is told to take it, then the flow begins', async () => {
    // The earlier visit is left with its card in the reader and its screen gone (e.g. the screen restarted);
    // the next session replaces it, which wipes it and leaves only the card.
    const earlier = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    try {
      await earlier.goto(system.agentUiUrl);
      await earlier.getByTestId('tile-certificates').click();
      await waitForCertificateScreen(earlier, 'insert-card', 60_000);
      await panel.send('panel.card.insert', { cardId: 'toyonaka-001' });
      await waitForCertificateScreen(earlier, 'pin', 60_000);
    } finally {
      await earlier.close();
    }

    await page.getByTestId('tile-certificates').click();
    await waitForCertificateScreen(page, 'card-left-behind', 60_000);
    const text = (await page.getByTestId('cert-card-left-behind-line').allInnerTexts()).join('\n');
    expect(text).toContain('職員');
    await expectAccessible(page);
    await panel.send('panel.card.remove', {});
    await waitForCertificateScreen(page, 'insert-card', 60_000);
    await cancelToHome();
  });

  it('speaks English when chosen, and fits a landscape kiosk screen too', async () => {
    await chooseLanguage(page, 'en');
    await startFlow();
    expect(await page.getByTestId('cert-insert-card').innerText()).toContain('Place your My Number Card');
    await expectAccessible(page);
    await page.setViewportSize({ width: 1920, height: 1080 });
    try {
      await signIn('toyonaka-001');
      expect(await page.getByTestId('type-juminhyo').innerText()).toContain('Certificate of residence');
      await expectAccessible(page);
      await page.getByTestId('type-kazei').click();
      expect(await page.getByTestId('opt-year').innerText()).toMatch(/FY \d{4}/);
      await expectAccessible(page);
      await removeCardAndCancel();
    } finally {
      await page.setViewportSize({ width: 1080, height: 1920 });
    }
  });
});
