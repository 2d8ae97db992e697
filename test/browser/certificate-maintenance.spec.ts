/**
 * Issue 18's browser proof, against the real hub and the certificate kiosk with its virtual devices: an
 * administrator opens the console's certificate page (fee table), makes today a maintenance day; the
 * kiosk then refuses before any card with "本日はメンテナンスのため休止" and the next open day; the day
 * is cancelled from the same page and the kiosk asks for the card again. Then the same for this kiosk
 * only, picked in the console's kiosk list (the municipality stays open).
 */
import type { Browser, Page } from 'playwright-core';
import { ServiceAvailabilityAtSchema } from '@kiosk/protocols';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { testClock } from '../support/certificate-clock';
import { waitForCertificateScreen } from '../support/certificate-screens';
import { CertificateTestSystem } from '../support/certificate-system';
import { signInToConsole } from '../support/console';

jest.setTimeout(600_000);

/** The hub's today in Japan (its clock may be shifted into service hours, certificate-clock.ts). */
const hubToday = (): string => new Date(testClock.now().getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

describe('maintenance days from the console to the kiosk', () => {
  const system = new CertificateTestSystem();
  let browser: Browser;
  let kioskPage: Page;
  let consolePage: Page;

  beforeAll(async () => {
    await system.startCertificateKiosk();
    browser = await launchChromium();
    kioskPage = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await kioskPage.goto(system.agentUiUrl);
    await kioskPage.getByTestId('attract').waitFor();
    consolePage = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await signInToConsole(consolePage, system);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  it('shows the fee table and schedules today as a maintenance day', async () => {
    await consolePage.getByTestId('nav-certificates').click();
    const juminhyo = consolePage.getByTestId('fee-juminhyo');
    await juminhyo.waitFor();
    expect((await juminhyo.locator('td').allInnerTexts()).slice(0, 3)).toEqual(['200円', '400円', '600円']);
    expect(await consolePage.getByTestId('fee-koseki').locator('td').first().innerText()).toBe('350円');
    await consolePage.getByTestId('maintenance-empty').waitFor();
    expect(await seriousAccessibilityViolations(consolePage)).toEqual([]);
    expect(await smallTouchTargets(consolePage)).toEqual([]);

    await consolePage.getByTestId('maintenance-day').fill(hubToday());
    await consolePage.getByTestId('maintenance-schedule').click();
    await consolePage.getByTestId(`maintenance-${hubToday()}`).waitFor();
  });

  it('the kiosk refuses before any card: closed today for maintenance, and the next open day', async () => {
    const asked = await fetch(`${system.hubUrl}/api/certificates/availability?${new URLSearchParams({ municipality: '豊中市' }).toString()}`, {
      headers: { authorization: `Bearer ${system.adminToken()}` },
    });
    const { availability } = ServiceAvailabilityAtSchema.parse(await asked.json());
    if (availability.open || availability.reopensAt === null) throw new Error(`expected closed for maintenance, got ${JSON.stringify(availability)}`);
    expect(availability.reason).toBe('maintenance');
    const reopens = new Date(new Date(availability.reopensAt).getTime() + 9 * 3_600_000);

    await kioskPage.getByTestId('tile-certificates').click();
    await waitForCertificateScreen(kioskPage, 'unavailable', 60_000);
    const lines = await kioskPage.getByTestId('cert-unavailable-line').allInnerTexts();
    const maintenance = lines.find((line) => line.startsWith('本日はメンテナンスのため休止'));
    expect(maintenance).toContain(`次のご利用日は${reopens.getUTCMonth() + 1}月${reopens.getUTCDate()}日`);
    expect(maintenance).toContain('6:30から');
    expect(await seriousAccessibilityViolations(kioskPage)).toEqual([]);
    await kioskPage.getByTestId('cert-finish').click();
    await kioskPage.getByTestId('attract').waitFor({ timeout: 30_000 });
  });

  it('cancelled from the console, the kiosk is open again', async () => {
    await consolePage.getByTestId(`maintenance-cancel-${hubToday()}`).click();
    await consolePage.getByTestId('maintenance-empty').waitFor();
    await kioskPage.getByTestId('tile-certificates').click();
    await waitForCertificateScreen(kioskPage, 'insert-card', 60_000);
    await kioskPage.getByTestId('cert-cancel').click();
    await kioskPage.getByTestId('attract').waitFor({ timeout: 30_000 });
  });

  it('today for this kiosk only, picked in the console: the kiosk refuses, the municipality stays open; cancelled, it asks for the card', async () => {
    const { kioskId } = system.identity();
    const picker = consolePage.getByTestId('maintenance-kiosk');
    await picker.locator(`option[value="${kioskId}"]`).waitFor({ state: 'attached' });
    await picker.selectOption(kioskId);
    await consolePage.getByTestId('maintenance-day').fill(hubToday());
    await consolePage.getByTestId('maintenance-schedule').click();
    await consolePage.getByTestId(`maintenance-${hubToday()}-${kioskId}`).waitFor();
    expect(await seriousAccessibilityViolations(consolePage)).toEqual([]);
    expect(await smallTouchTargets(consolePage)).toEqual([]);

    const asked = await fetch(`${system.hubUrl}/api/certificates/availability?${new URLSearchParams({ municipality: '豊中市' }).toString()}`, {
      headers: { authorization: `Bearer ${system.adminToken()}` },
    });
    expect(ServiceAvailabilityAtSchema.parse(await asked.json()).availability.open).toBe(true);
    await kioskPage.getByTestId('tile-certificates').click();
    await waitForCertificateScreen(kioskPage, 'unavailable', 60_000);
    const lines = await kioskPage.getByTestId('cert-unavailable-line').allInnerTexts();
    expect(lines.some((line) => line.startsWith('本日はメンテナンスのため休止'))).toBe(true);
    await kioskPage.getByTestId('cert-finish').click();
    await kioskPage.getByTestId('attract').waitFor({ timeout: 30_000 });

    await consolePage.getByTestId(`maintenance-cancel-${hubToday()}-${kioskId}`).click();
    await consolePage.getByTestId('maintenance-empty').waitFor();
    await kioskPage.getByTestId('tile-certificates').click();
    await waitForCertificateScreen(kioskPage, 'insert-card', 60_000);
    await kioskPage.getByTestId('cert-cancel').click();
    await kioskPage.getByTestId('attract').waitFor({ timeout: 30_000 });
  });
});
