import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seriousAccessibilityViolations, smallTouchTargets } from './browser';
import { repoRoot } from './processes';

/** Where the browser suite writes its screenshots for people to review (README, "Screenshots"); git-ignored. */
export const SCREENSHOT_DIR = path.join(repoRoot, '.tmp', 'screenshots');

export interface DisplayMode {
  name: 'normal' | 'large' | 'contrast' | 'large-contrast';
  largeText: boolean;
  highContrast: boolean;
}

export const DISPLAY_MODES: readonly DisplayMode[] = [
  { name: 'normal', largeText: false, highContrast: false },
  { name: 'large', largeText: true, highContrast: false },
  { name: 'contrast', largeText: false, highContrast: true },
];

/** Sets the kiosk's large-text and high-contrast toggles (the accessibility bar) to `mode`. */
export async function setDisplay(page: Page, mode: Pick<DisplayMode, 'largeText' | 'highContrast'>): Promise<void> {
  for (const [testid, want] of [
    ['a11y-large-text', mode.largeText],
    ['a11y-high-contrast', mode.highContrast],
  ] as const) {
    const button = page.getByTestId(testid);
    if ((await button.getAttribute('aria-pressed')) !== String(want)) await button.click();
    await page.locator(`[data-testid="${testid}"][aria-pressed="${String(want)}"]`).waitFor();
  }
}

/**
 * Visible elements that reach outside the 1080×1920 viewport, and scroll areas whose content does not fit
 * (something hidden behind a scroll with no cue): on a kiosk everything must be on the one screen.
 */
export function offScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const height = window.innerHeight;
    const name = (element: Element): string =>
      `${element.tagName.toLowerCase()}[${(element as HTMLElement).dataset.testid ?? (element.textContent ?? '').trim().slice(0, 24)}]`;
    const found: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const style = getComputedStyle(element);
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      // The visually hidden labels (1 px, clipped) are for assistive technology only.
      if (rect.width <= 1 && rect.height <= 1) continue;
      if (rect.left < -1 || rect.top < -1 || rect.right > width + 1 || rect.bottom > height + 1) {
        found.push(`${name(element)} at ${Math.round(rect.left)},${Math.round(rect.top)}–${Math.round(rect.right)},${Math.round(rect.bottom)}`);
      }
      // Content larger than its box (a glyph's ascender over a tight line box not counted): behind a scroll (no cue) or spilling over the box's edge onto the next.
      if (element.clientHeight > 0 && (element.scrollHeight > element.clientHeight + 8 || element.scrollWidth > element.clientWidth + 8)) {
        found.push(`${name(element)} overflows: ${element.scrollWidth}x${element.scrollHeight} in ${element.clientWidth}x${element.clientHeight}`);
      }
    }
    return found;
  });
}

/**
 * Japanese lines that hold a single character (「…くださ/い」): text broken inside a word. Checks every
 * heading, button, paragraph and table cell whose language is Japanese, line by line from the glyphs' boxes.
 */
export function orphanedCharacters(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const elements = Array.from(document.querySelectorAll<HTMLElement>('h1, h2, h3, h4, button, p, dd, dt, li > span, td, th, figcaption'));
    for (const element of elements) {
      if (!element.closest(':lang(ja)') || element.getClientRects().length === 0) continue;
      // Lines are counted per block box: parts laid out as separate boxes on purpose (a calendar day's
      // number above its "空き 3", flex items) are not one text broken across lines.
      const lines = new Map<string, string>();
      const boxes = new Map<Element, number>();
      const boxOf = (node: Node): number => {
        let box: Element | null = node.parentElement;
        while (box && box !== element && /^(inline|ruby|contents)/.test(getComputedStyle(box).display)) box = box.parentElement;
        const key = box ?? element;
        if (!boxes.has(key)) boxes.set(key, boxes.size);
        return boxes.get(key) ?? 0;
      };
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        // Icons beside the words (aria-hidden) are not text that wraps.
        if (node.parentElement?.closest('[aria-hidden="true"]')) continue;
        const box = boxOf(node);
        const text = node.textContent ?? '';
        for (let index = 0; index < text.length; index += 1) {
          const range = document.createRange();
          range.setStart(node, index);
          range.setEnd(node, index + 1);
          const rect = range.getClientRects()[0];
          if (!rect || rect.width === 0 || /\s/.test(text[index] ?? '')) continue;
          const line = `${box}:${Math.round(rect.top / 4)}`;
          lines.set(line, (lines.get(line) ?? '') + text[index]);
        }
      }
      for (const [line, characters] of lines) {
        // A box with one line is not broken.
        const box = line.split(':')[0];
        if ([...lines.keys()].filter((other) => other.split(':')[0] === box).length < 2) continue;
        // A line of one character, punctuation not counted: 「い。」 is one character.
        if (characters.replace(/[、。，．！？）」』・：:.,!?)]/g, '').length <= 1) found.push(`${element.tagName.toLowerCase()} "${element.innerText.replace(/\s+/g, ' ')}" line "${characters}"`);
      }
    }
    return found;
  });
}

export interface ScreenReport {
  accessibility: unknown[];
  smallTargets: string[];
  offScreen: string[];
}

/** axe (serious/critical), 44 px targets and the viewport check for the screen as shown, plus a screenshot `<name>.png`. */
export async function checkScreen(page: Page, name: string): Promise<ScreenReport> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
  return {
    accessibility: (await seriousAccessibilityViolations(page)).map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    smallTargets: await smallTouchTargets(page),
    offScreen: await offScreen(page),
  };
}

/** `checkScreen` in every display mode, back to normal afterwards; the failures keyed by mode. */
export async function checkScreenInModes(page: Page, name: string, modes: readonly DisplayMode[] = DISPLAY_MODES): Promise<Record<string, ScreenReport>> {
  const reports: Record<string, ScreenReport> = {};
  for (const mode of modes) {
    await setDisplay(page, mode);
    const report = await checkScreen(page, `${name}-${mode.name}`);
    if (report.accessibility.length + report.smallTargets.length + report.offScreen.length > 0) reports[mode.name] = report;
  }
  await setDisplay(page, DISPLAY_MODES[0] ?? { largeText: false, highContrast: false });
  return reports;
}
