import { errors, type Browser, type Page } from 'playwright-core';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from './browser';
import { DevicePanelClient, type CertificateTestSystem } from './certificate-system';
import { chooseLanguage } from './kiosk-language';

/** A started certificate kiosk's device panel, and its screen in Chromium at 1080×1920. */
export interface CertificateKioskScreen {
  browser: Browser;
  page: Page;
  panel: DevicePanelClient;
}

/**
 * Starts the certificate kiosk of `system` (hub, agent with `agentEnv` added to its environment, virtual
 * devices), its device panel and its screen, on the attract screen.
 */
export async function openCertificateKiosk(system: CertificateTestSystem, agentEnv: Record<string, string> = {}): Promise<CertificateKioskScreen> {
  await system.startCertificateKiosk(agentEnv);
  const panel = await DevicePanelClient.connect(system.agentUiUrl);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(system.agentUiUrl);
    await page.getByTestId('attract').waitFor();
    return { browser, page, panel };
  } catch (error) {
    panel.close();
    await browser?.close();
    throw error;
  }
}

/** Stops what openCertificateKiosk started (whatever part of it did start) and the system. */
export async function closeCertificateKiosk(system: CertificateTestSystem, screen: CertificateKioskScreen | undefined): Promise<void> {
  screen?.panel.close();
  await screen?.browser.close();
  await system.close();
}

/** Taps 証明書の交付 (in `language` first, when given) and waits for the card prompt. */
export async function startCertificateFlow(page: Page, language?: 'ja' | 'en' | 'ko' | 'zh-Hans'): Promise<void> {
  if (language) await chooseLanguage(page, language);
  await page.getByTestId('tile-certificates').click();
  await waitForCertificateScreen(page, 'insert-card', 60_000);
}

/**
 * Taps 証明書の交付 on a page opened beside the spec's own one and waits for the card prompt: its first tap
 * can land before its link to the agent is up (seen once in CI), and a person would tap again.
 */
export async function startCertificateFlowOnNewPage(page: Page): Promise<void> {
  for (let tap = 1; ; tap++) {
    await page.getByTestId('tile-certificates').click();
    try {
      await waitForCertificateScreen(page, 'insert-card', 20_000);
      return;
    } catch (error) {
      if (tap === 3) throw error;
    }
  }
}

/** Card in on the device panel, PIN typed on the on-screen pad, on to the `choose` screen. */
export async function signInWithCard(page: Page, panel: DevicePanelClient, cardId: string, pin: string): Promise<void> {
  await panel.send('panel.card.insert', { cardId });
  await waitForCertificateScreen(page, 'pin', 60_000);
  await typeOnPad(page, pin);
  await page.getByTestId('pin-key-enter').click();
  await waitForCertificateScreen(page, 'choose', 60_000);
}

/** From `choose`: one copy of the certificate whose tile is `typeTestId`, confirmed, card out, on to `pay`. */
export async function orderOneToPayment(page: Page, panel: DevicePanelClient, typeTestId: string): Promise<void> {
  await page.getByTestId(typeTestId).click();
  await page.getByTestId('cert-next').click();
  await waitForCertificateScreen(page, 'confirm');
  await page.getByTestId('cert-confirm-button').click();
  await waitForCertificateScreen(page, 'remove-card');
  await panel.send('panel.card.remove', {});
  await waitForCertificateScreen(page, 'pay', 60_000);
}

/**
 * After a test, whatever state it failed in: no card in the reader and no flow on screen for the next test.
 * Cancel (coins come back) or finish on whatever screen is shown until the attract screen is back.
 */
export async function bringKioskHome(page: Page, panel: DevicePanelClient): Promise<void> {
  await panel.send('panel.card.remove', {});
  const deadline = Date.now() + 60_000;
  while ((await page.getByTestId('attract').count()) === 0) {
    if (Date.now() > deadline) throw new Error('the kiosk did not go home after the test');
    for (const button of ['cert-cancel', 'cert-finish']) {
      if ((await page.getByTestId(button).count()) > 0) await page.getByTestId(button).click().catch(() => undefined);
    }
    await page.waitForTimeout(500);
  }
}

/** No serious or critical axe violation, and every touch target at least 44 px. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(await smallTouchTargets(page)).toEqual([]);
}

/**
 * Waits until the kiosk's certificate flow shows `screen` (its `data-screen`), or fails naming the screen
 * it is on and what that screen says: a refusal (closed, printer out of paper, card refused) reads as
 * itself in the failure, not as a bare timeout.
 */
export async function waitForCertificateScreen(page: Page, screen: string, timeoutMs = 30_000): Promise<void> {
  // Playwright's own wait sees the screen change at once (no polling period); a zero wait reads the screen once.
  if (timeoutMs > 0) {
    try {
      await page.locator(`[data-testid="cert-flow"][data-screen=${JSON.stringify(screen)}]`).waitFor({ state: 'attached', timeout: timeoutMs });
      return;
    } catch (error) {
      if (!(error instanceof errors.TimeoutError)) throw error;
    }
  }
  // One read of the DOM: the flow may leave the page between two separate locator calls.
  const now = await page.evaluate(() => {
    const flow = document.querySelector<HTMLElement>('[data-testid="cert-flow"]');
    return flow ? { screen: flow.dataset.screen ?? '?', text: flow.innerText } : null;
  });
  if (now?.screen === screen) return;
  const seen = now ? `${now.screen}: ${now.text.replace(/\s+/g, ' ').slice(0, 400)}` : '(no certificate flow on screen)';
  throw new Error(`expected certificate screen "${screen}" within ${timeoutMs} ms; on ${seen}`);
}

/** Types digits on the on-screen 12-key pad, waiting for the agent to count each one (the page never holds them). */
export async function typeOnPad(page: Page, digits: string): Promise<void> {
  const dots = page.getByTestId('pin-dots');
  for (const digit of digits) {
    const before = Number(await dots.getAttribute('data-count'));
    await page.getByTestId(`pin-key-${digit}`).click();
    await waitForAttribute(page, 'pin-dots', 'data-count', String(before + 1));
  }
}

export async function waitForAttribute(page: Page, testid: string, attribute: string, value: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  for (;;) {
    const element = page.getByTestId(testid);
    if ((await element.count()) > 0) {
      last = await element.getAttribute(attribute);
      if (last === value) return;
    }
    if (Date.now() > deadline) throw new Error(`expected ${testid} ${attribute}="${value}", last saw ${String(last)}`);
    await page.waitForTimeout(50);
  }
}

/** A PIN that is surely wrong: every digit changed. */
export function wrongPin(pin: string): string {
  return [...pin].map((digit) => String((Number(digit) + 1) % 10)).join('');
}

/** Waits until the element `testid` reads exactly `text` (the live amounts on the pay screen). */
export async function waitUntilText(page: Page, testid: string, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = await page.getByTestId(testid).innerText();
    if (last === text) return;
    if (Date.now() > deadline) throw new Error(`expected ${testid} to read "${text}", last "${last}"`);
    await page.waitForTimeout(50);
  }
}
