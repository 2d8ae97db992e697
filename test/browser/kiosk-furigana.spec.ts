/**
 * Issue 17, furigana mode, in headless Chromium at 1080×1920 against the real hub and agent with virtual
 * devices: turned on from the accessibility bar, every Japanese screen of the certificate flow shows its
 * kanji in `<ruby>` with a reading (people's names excepted: data-no-ruby), fits the screen and passes axe
 * at normal and large text and in high contrast (screenshots `*-furigana-*` in `.tmp/screenshots/`); the
 * toggle is offered with the Japanese UI only; and the next session starts with furigana off.
 */
import type { Page } from 'playwright-core';
import { CertificateTestSystem, DevicePanelClient } from '../support/certificate-system';
import { type CertificateKioskScreen, closeCertificateKiosk, openCertificateKiosk, signInWithCard, startCertificateFlow, waitForCertificateScreen } from '../support/certificate-screens';
import { kanjiWithoutRuby, readingsShown } from '../support/furigana-checks';
import { checkScreenInModes, DISPLAY_MODES } from '../support/screen-checks';
import { chooseLanguage } from '../support/kiosk-language';

jest.setTimeout(600_000);

describe('furigana on the kiosk’s Japanese certificate screens (issue 17)', () => {
  const system = new CertificateTestSystem();
  let page: Page;
  let panel: DevicePanelClient;
  let kiosk: CertificateKioskScreen | undefined;

  beforeAll(async () => {
    kiosk = await openCertificateKiosk(system);
    ({ page, panel } = kiosk);
  });

  afterAll(() => closeCertificateKiosk(system, kiosk));

  afterEach(async () => {
    if ((await page.getByTestId('attract').count()) > 0) return;
    await panel.send('panel.card.remove', {});
    if ((await page.getByTestId('cert-cancel').count()) > 0) await page.getByTestId('cert-cancel').click();
    await page.getByTestId('cert-finish').or(page.getByTestId('attract')).first().waitFor({ timeout: 60_000 });
    if ((await page.getByTestId('cert-finish').count()) > 0) await page.getByTestId('cert-finish').click();
    await page.getByTestId('attract').waitFor({ timeout: 60_000 });
  });

  async function turnFuriganaOn(): Promise<void> {
    if ((await page.getByTestId('a11y-furigana').getAttribute('aria-pressed')) !== 'true') await page.getByTestId('a11y-furigana').click();
    await page.locator('[data-testid="a11y-furigana"][aria-pressed="true"]').waitFor();
    // The readings table arrives on demand (its own chunk): then the screen's texts carry ruby.
    await page.locator('main rt').first().waitFor({ timeout: 10_000 });
  }

  /** Ruby on every kanji, then axe, targets and fitting in every display mode (furigana stays on). */
  async function checkRubyScreen(name: string): Promise<void> {
    expect({ name, unread: await kanjiWithoutRuby(page) }).toEqual({ name, unread: [] });
    expect(await readingsShown(page)).toBeGreaterThan(0);
    expect(await checkScreenInModes(page, `${name}-furigana`, DISPLAY_MODES)).toEqual({});
  }

  it('every certificate screen shows ruby on its kanji, fits and passes axe; the next session starts without', async () => {
    expect(await page.getByTestId('a11y-furigana').getAttribute('aria-pressed')).toBe('false');
    expect(await readingsShown(page)).toBe(0);
    await turnFuriganaOn();
    await checkRubyScreen('attract');

    await startCertificateFlow(page, 'ja');
    await checkRubyScreen('cert-insert-card');
    await signInWithCard(page, panel, 'toyonaka-001', system.resident('toyonaka-001').pin);
    await checkRubyScreen('cert-choose');
    await page.getByTestId('type-juminhyo').click();
    await page.getByTestId('opt-scope-selected').click();
    // The household's names are shown as registered, without a guessed reading.
    expect(await page.locator('[data-testid="opt-member"] [data-no-ruby]').count()).toBeGreaterThan(0);
    await checkRubyScreen('cert-choose-selected');
    await page.getByTestId('opt-scope-household').click();
    await page.getByTestId('cert-next').click();
    await waitForCertificateScreen(page, 'confirm');
    await checkRubyScreen('cert-confirm');
    await page.getByTestId('cert-confirm-button').click();
    await waitForCertificateScreen(page, 'remove-card');
    await checkRubyScreen('cert-remove-card');
    await panel.send('panel.card.remove', {});
    await waitForCertificateScreen(page, 'pay', 60_000);
    await panel.send('panel.coin.insert', { coinYen: 100 });
    // The amount reads "100円えん" with its reading: wait for the coin, whatever the ruby.
    await page.getByTestId('pay-remaining').filter({ hasText: '100' }).waitFor({ timeout: 30_000 });
    await checkRubyScreen('cert-pay');
    await page.getByTestId('cert-cancel').click();
    await waitForCertificateScreen(page, 'cancelled', 60_000);
    await checkRubyScreen('cert-cancelled');
    await page.getByTestId('cert-finish').click();

    // The session ended: the next person finds furigana off and no reading on the screen.
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="a11y-furigana"][aria-pressed="false"]').waitFor();
    expect(await readingsShown(page)).toBe(0);
  });

  it('the PIN screen shows ruby too; furigana is offered with Japanese only', async () => {
    await turnFuriganaOn();
    await startCertificateFlow(page, 'ja');
    await panel.send('panel.card.insert', { cardId: 'toyonaka-001' });
    await waitForCertificateScreen(page, 'pin', 60_000);
    await checkRubyScreen('cert-pin');
    await page.getByTestId('cert-cancel').click();
    await waitForCertificateScreen(page, 'remove-card', 30_000);
    await panel.send('panel.card.remove', {});
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    await chooseLanguage(page, 'en');
    expect(await page.getByTestId('a11y-furigana').count()).toBe(0);
    expect(await readingsShown(page)).toBe(0);
    await page.getByTestId('lang-ja').click();
  });
});
