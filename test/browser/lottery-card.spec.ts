/**
 * Sign-in at the street terminal with a linked My Number card, in headless Chromium against the real hub
 * and agent with the virtual devices: the hub trusts the TEST CA the agent's virtual cards come from and
 * links demo user 10000016 to toyonaka-002's card (HUB_SEED_DEMO_USERS + HUB_SEED_RESIDENTS). The person
 * places the card on the device panel's reader and types the card's PIN on the kiosk's 12-key pad.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { waitForAttribute, waitForText } from '../support/lottery-terminal';
import { repoRoot } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(240_000);

describe('lottery sign-in with a linked My Number card, in Chromium', () => {
  const system = new TestSystem();
  const testCaDir = path.join(system.agentDataDir, 'test-ca');
  let browser: Browser | undefined;
  let kiosk: Page;
  let panel: Page;

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
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  async function placeCardAndTypePin(cardId: string, pin: string): Promise<void> {
    await panel.getByTestId(`panel-card-insert-${cardId}`).click();
    await kiosk.getByTestId('lottery-card-pin-prompt').waitFor({ timeout: 30_000 });
    await waitForAttribute(kiosk.getByTestId('lottery-card-tries'), 'data-count', '3');
    for (const [index, digit] of [...pin].entries()) {
      await kiosk.getByTestId(`lottery-key-${digit}`).click();
      await waitForAttribute(kiosk.getByTestId('lottery-pin-dots'), 'data-count', String(index + 1));
    }
    expect(await kiosk.locator('#app').innerHTML()).not.toContain(pin);
    await kiosk.getByTestId('lottery-key-enter').click();
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
});
