/**
 * Issue 20 (money): change the machine cannot give, as a resident at the kiosk sees it, in headless
 * Chromium against the real hub and agent with the virtual devices of `npm start`, the hoppers set on the
 * device panel. Hoppers empty (釣銭切れ): the kiosk does not refuse, the pay screen says "no change, please
 * insert the exact amount" with the coins it still takes, and a 500-yen coin for a 200-yen certificate drops
 * back. Hoppers that run short during the payout: the last screen says how much change could not be paid
 * and what to do with the voucher (the receipt), and never "take your change" for it.
 */
import type { Page } from 'playwright-core';
import { CertificateTestSystem, DevicePanelClient } from '../support/certificate-system';
import { type CertificateKioskScreen, closeCertificateKiosk, expectAccessible, openCertificateKiosk, orderOneToPayment, signInWithCard, startCertificateFlow, waitForCertificateScreen, waitUntilText } from '../support/certificate-screens';

jest.setTimeout(600_000);

/** What the virtual hoppers hold when the demo starts. */
const FULL_HOPPERS = [
  { coinYen: 10, count: 100 },
  { coinYen: 50, count: 40 },
  { coinYen: 100, count: 40 },
] as const;

describe('certificate payment when the machine cannot give change', () => {
  const system = new CertificateTestSystem();
  let page: Page;
  let panel: DevicePanelClient;
  let kiosk: CertificateKioskScreen | undefined;

  beforeAll(async () => {
    kiosk = await openCertificateKiosk(system);
    ({ page, panel } = kiosk);
  });

  afterAll(() => closeCertificateKiosk(system, kiosk));

  async function hoppersReport(what: string, check: (reasons: readonly string[], status: string) => boolean): Promise<void> {
    await panel.waitForState(what, (state) => state.devices.some((device) => device.kind === 'coin-hopper' && check(device.reasons, device.status)));
  }

  /** 証明書の交付 → card → PIN → one seal registration certificate (200 yen) → card out → the pay screen. */
  async function toPayScreen(): Promise<void> {
    const resident = system.resident('toyonaka-001');
    // Not refused: hoppers that are only empty still let a person pay the exact amount.
    await startCertificateFlow(page);
    await signInWithCard(page, panel, resident.id, resident.pin);
    await orderOneToPayment(page, panel, 'type-inkan');
    expect(await page.getByTestId('pay-remaining').innerText()).toBe('200円');
  }

  async function finishToHome(): Promise<void> {
    await page.getByTestId('cert-finish').click();
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
  }

  it('hoppers empty: the pay screen asks for the exact amount with the coins it still takes; a 500-yen coin drops back; 200 yen exactly issues', async () => {
    await panel.send('panel.hopper.set', { empty: true });
    try {
      await hoppersReport('the hoppers report empty (釣銭切れ)', (reasons) => reasons.includes('hopper-empty'));
      await toPayScreen();
      expect(await page.getByTestId('pay-exact-only').innerText()).toBe('おつりが出ません。ちょうどの金額を入れてください。');
      expect(await page.getByTestId('pay-coins').innerText()).toBe('使える硬貨：10円・50円・100円（紙幣は使えません）');
      await expectAccessible(page);

      // The 500-yen coin falls back to the tray. Credits arrive in the order coins went in, so once the
      // 100-yen coin after it shows as 100 yen, the 500 was not taken.
      await panel.send('panel.coin.insert', { coinYen: 500 });
      await panel.send('panel.coin.insert', { coinYen: 100 });
      await waitUntilText(page, 'pay-inserted', '100円');
      expect(await page.getByTestId('pay-remaining').innerText()).toBe('100円');
      // 100 yen still to pay: the notice stays, and still no 500.
      expect(await page.getByTestId('pay-exact-only').count()).toBe(1);
      expect(await page.getByTestId('pay-coins').getAttribute('data-coins')).toBe('10,50,100');

      await panel.send('panel.coin.insert', { coinYen: 100 });
      await waitForCertificateScreen(page, 'take-certificate', 300_000);
      expect(await page.getByTestId('cert-take').locator('h2').innerText()).toBe('証明書をお取りください');
      expect(await page.getByTestId('reminder-change').count()).toBe(0);
      expect(await page.getByTestId('reminder-change-unpaid').count()).toBe(0);
      await expectAccessible(page);
      await finishToHome();
    } finally {
      await panel.send('panel.hopper.set', { empty: false });
    }
    await hoppersReport('the hoppers are full again', (reasons, status) => status === 'ok' && reasons.length === 0);
  });

  it('change the hoppers could not pay in full: the screen says how much is owed and what to do with the voucher, never "take your change" for it', async () => {
    // Six 10-yen coins (above the low-level sensor) and no 50s or 100s: 300 yen change looks payable.
    await panel.send('panel.hopper.set', {
      coins: [
        { coinYen: 10, count: 6 },
        { coinYen: 50, count: 0 },
        { coinYen: 100, count: 0 },
      ],
    });
    try {
      await hoppersReport('the 50- and 100-yen hoppers report empty', (reasons) => reasons.includes('hopper-empty'));
      await toPayScreen();
      expect(await page.getByTestId('pay-exact-only').count()).toBe(0);

      await panel.send('panel.coin.insert', { coinYen: 500 });
      await waitForCertificateScreen(page, 'take-certificate', 300_000);
      const take = page.getByTestId('cert-take');
      expect(await take.locator('h2').innerText()).toBe('証明書をお取りください。おつりは窓口でお返しします');
      expect(await page.getByTestId('reminder-change-unpaid').innerText()).toBe('硬貨が不足しているため、おつりのうち240円をお返しできませんでした。');
      expect(await page.getByTestId('reminder-voucher').innerText()).toBe(
        'レシートがおつりの引換券です。レシートをお持ちのうえ、市役所の窓口にお越しください。240円をお返しします。',
      );
      // Only what the hopper really paid is to be taken from the tray.
      expect(await page.getByTestId('reminder-change').innerText()).toBe('おつり60円をお取りください。');
      const text = await take.innerText();
      expect(text).not.toContain('おつり300円をお取りください');
      expect(text).not.toContain('おつり240円をお取りください');
      await expectAccessible(page);

      // The receipt printed before the screen said so is the voucher: it names the unpaid change.
      await panel.waitForState('the receipt names the unpaid change', (state) => state.receipts.some((receipt) => receipt.text.includes('未払いのおつり ¥240')));
      await finishToHome();
    } finally {
      await panel.send('panel.hopper.set', { coins: [...FULL_HOPPERS] });
    }
    await hoppersReport('the hoppers are full again', (reasons, status) => status === 'ok' && reasons.length === 0);
  });
});
