import { escapeRegExp, hasKanji, KANJI_RUN, withCounters, type RubySegment } from '../../shared/furigana/ruby';

/**
 * Build-time half of furigana (issue 17): turns each Japanese text of the kiosk's tables into ruby segments
 * from a morphological analyser's tokens (kuromoji, run by scripts/furigana.mjs) and the authored readings
 * the analyser gets wrong (ruby-overrides.ts). Pure, so its rules are unit-tested without the dictionary.
 */

/** What the analyser says of one piece of text: its surface and its reading in katakana (null: unknown). */
export interface ReadToken {
  readonly surface: string;
  readonly reading: string | null;
}

export type Tokenize = (text: string) => readonly ReadToken[];

const PLACEHOLDER = /(\{\w+\})/;

export function toHiragana(text: string): string {
  return text.replace(/[\u30A1-\u30F6]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0x60));
}

/**
 * Splits a word's reading over its kanji and kana: 選ん + えらん → [選, えら] ん; 住民票の写し +
 * じゅうみんひょうのうつし → [住民票, じゅうみんひょう] の [写, うつ] し. Null when the kana do not line up.
 */
export function alignReading(surface: string, reading: string): RubySegment[] | null {
  const hiragana = toHiragana(reading);
  const parts = surface.split(/([\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ]+)/).filter((part) => part !== '');
  const pattern = new RegExp(`^${parts.map((part) => (hasKanji(part) ? '(.+?)' : escapeRegExp(toHiragana(part)))).join('')}$`);
  const match = pattern.exec(hiragana);
  if (match === null) return null;
  let group = 1;
  return parts.map((part) => (hasKanji(part) ? [part, match[group++] ?? ''] : part));
}

/** One token as segments: kana stays plain, kanji gets its reading (whole when the kana do not line up). */
function tokenSegments(token: ReadToken): RubySegment[] {
  if (!hasKanji(token.surface) || token.reading === null) return [token.surface];
  return alignReading(token.surface, token.reading) ?? [[token.surface, toHiragana(token.reading)]];
}

/** Overrides first (longest first), then the analyser on what is between; placeholders stay plain. */
export function readText(text: string, tokenize: Tokenize, overrides: Readonly<Record<string, string>>): RubySegment[] {
  const words = Object.keys(overrides).sort((a, b) => b.length - a.length);
  const out: RubySegment[] = [];
  for (const piece of text.split(PLACEHOLDER)) {
    if (piece === '') continue;
    if (PLACEHOLDER.test(piece)) out.push(piece);
    else out.push(...readPiece(piece, tokenize, overrides, words));
  }
  return withCounters(out);
}

function readPiece(text: string, tokenize: Tokenize, overrides: Readonly<Record<string, string>>, words: readonly string[]): RubySegment[] {
  for (const word of words) {
    const at = text.indexOf(word);
    if (at < 0) continue;
    const reading = overrides[word] ?? '';
    return [
      ...readPiece(text.slice(0, at), tokenize, overrides, words),
      ...(alignReading(word, reading) ?? [[word, reading]]),
      ...readPiece(text.slice(at + word.length), tokenize, overrides, words),
    ];
  }
  return text === '' ? [] : tokenize(text).flatMap(tokenSegments);
}

/** The kanji of a text that its segments leave without a reading (the generator refuses a table with any). */
export function unreadKanji(segments: readonly RubySegment[]): string[] {
  return segments.flatMap((segment) => (typeof segment === 'string' ? [...segment.matchAll(KANJI_RUN)].map((match) => match[0]) : []));
}
