import type { Page } from 'playwright-core';

/**
 * Taps a language button on the kiosk and waits (bounded) until the screen has switched: the languages
 * other than Japanese are loaded on demand (issue 17), so the switch follows the click by a fetch.
 */
export async function chooseLanguage(page: Page, language: 'ja' | 'en' | 'ko' | 'zh-Hans'): Promise<void> {
  await page.getByTestId(`lang-${language}`).click();
  await page.waitForSelector(`html[lang="${language}"]`, { state: 'attached', timeout: 10_000 });
}
