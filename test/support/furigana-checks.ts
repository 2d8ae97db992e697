import type { Page } from 'playwright-core';

/**
 * Text with kanji that is not inside a `<ruby>` with a reading (issue 17, furigana mode): every Japanese
 * text node of the page (`:lang(ja)`), with its element's description. Names of people, which the kiosk
 * cannot read and does not guess, are marked `data-no-ruby` and not counted; nor is a `<rt>` itself.
 */
export function kanjiWithoutRuby(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const kanji = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々]/;
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const parent = node.parentElement;
      if (!parent || !kanji.test(text) || parent.closest('[lang]')?.getAttribute('lang') !== 'ja' || parent.closest('[data-no-ruby]')) continue;
      if (parent.closest('rt')) continue;
      const ruby = parent.closest('ruby');
      if (ruby && ruby.querySelector('rt') && (ruby.querySelector('rt')?.textContent ?? '') !== '') continue;
      found.push(`${parent.tagName.toLowerCase()}[${parent.closest('[data-testid]')?.getAttribute('data-testid') ?? ''}] "${text.trim().slice(0, 30)}"`);
    }
    return found;
  });
}

/** How many readings the page shows (`<rt>` with text), the furigana toggle's own glyph not counted. */
export function readingsShown(page: Page): Promise<number> {
  return page.evaluate(() => Array.from(document.querySelectorAll('rt')).filter((rt) => !rt.closest('[data-testid="a11y-furigana"]') && rt.textContent !== '').length);
}
