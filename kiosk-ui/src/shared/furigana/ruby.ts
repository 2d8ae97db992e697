/**
 * Furigana at run time (issue 17): the readings of the kiosk's Japanese texts, from the table generated
 * at build time (kiosk/furigana/: kuromoji plus authored overrides), as segments a component renders as
 * `<ruby>` (RubyText.svelte). Pure: no DOM, no loading.
 *
 * A text is found in the table as it is, or as a template with `{placeholders}` filled: the template's
 * own words keep their readings in context, and each filled value (a date, a time, a reason from another
 * table) is read the same way, then word by word from the readings the table holds, with numbers and
 * their counters (12月29日, 6時30分, 2通) read by rule. A kanji nothing knows stays without ruby (the
 * browser test finds it).
 */

/** Plain text, or a base with its reading in hiragana. */
export type RubySegment = string | readonly [base: string, reading: string];

/** The generated table: each Japanese template of the kiosk's tables (that has kanji) → its segments. */
export type RubyTable = Readonly<Record<string, readonly RubySegment[]>>;

const KANJI = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ]/;
export const KANJI_RUN = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ]+/g;
const PLACEHOLDER = /\{(\w+)\}/g;

export function hasKanji(text: string): boolean {
  return KANJI.test(text);
}

interface Template {
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly literal: number;
  readonly segments: readonly RubySegment[];
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileTemplate(template: string, segments: readonly RubySegment[]): Template | null {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    source += escapeRegExp(template.slice(last, match.index)) + '([^]+?)';
    names.push(match[1] ?? '');
    last = match.index + match[0].length;
  }
  source += escapeRegExp(template.slice(last));
  const literal = template.replace(PLACEHOLDER, '').length;
  // A template that is all placeholder would match any text: it says nothing about readings.
  if (names.length === 0 || literal === 0) return null;
  return { pattern: new RegExp(`^${source}$`), names, literal, segments };
}

/** Days of the month read irregularly (1日 ついたち … 10日 とおか, 14日, 20日, 24日). */
const DAY_READINGS: Readonly<Record<number, string>> = {
  1: 'ついたち', 2: 'ふつか', 3: 'みっか', 4: 'よっか', 5: 'いつか', 6: 'むいか', 7: 'なのか', 8: 'ようか', 9: 'ここのか',
  10: 'とおか', 14: 'じゅうよっか', 20: 'はつか', 24: 'にじゅうよっか',
};

/** 分 after a number: ぷん after 1, 3, 4, 6, 8, 10 (and their tens), ふん otherwise. */
function minuteReading(value: number): string {
  const last = value % 10;
  return [1, 3, 4, 6, 8, 0].includes(last) ? 'ぷん' : 'ふん';
}

/** A counter kanji after a number, read by rule; the number itself stays plain. */
function counterReading(counter: string, value: number): string | null {
  switch (counter) {
    case '年': return 'ねん';
    case '月': return 'がつ';
    case '日': return DAY_READINGS[value] === undefined ? 'にち' : null;
    case '時': return 'じ';
    case '分': return minuteReading(value);
    case '秒': return 'びょう';
    case '円': return 'えん';
    case '通': return 'つう';
    case '件': return 'けん';
    case '回': return 'かい';
    case '枚': return 'まい';
    case '番': return 'ばん';
    case '歳': return 'さい';
    case '人': return value === 1 ? null : value === 2 ? null : 'にん';
    default: return null;
  }
}

/** Number-and-counter pairs whose reading covers the whole (1日 ついたち, 1人 ひとり, 2人 ふたり). */
function wholeReading(counter: string, value: number): string | null {
  if (counter === '日') return DAY_READINGS[value] ?? null;
  if (counter === '人' && value === 1) return 'ひとり';
  if (counter === '人' && value === 2) return 'ふたり';
  return null;
}

/** Weekdays as dates write them: （土） after a date. */
const WEEKDAYS: Readonly<Record<string, string>> = { 月: 'げつ', 火: 'か', 水: 'すい', 木: 'もく', 金: 'きん', 土: 'ど', 日: 'にち' };

/** Reads the kiosk's Japanese texts with the generated table. */
export class RubyReader {
  readonly #templates: Template[];
  readonly #words = new Map<string, string>();
  readonly #longestWord: number;
  readonly #cache = new Map<string, readonly RubySegment[]>();

  constructor(private readonly table: RubyTable) {
    this.#templates = Object.entries(table)
      .map(([template, segments]) => compileTemplate(template, segments))
      .filter((template): template is Template => template !== null)
      .sort((a, b) => b.literal - a.literal);
    // Words for filled values: each base the table reads, with the reading it has most often.
    const counts = new Map<string, Map<string, number>>();
    for (const segments of Object.values(table)) {
      for (const segment of segments) {
        if (typeof segment === 'string') continue;
        const [base, reading] = segment;
        const readings = counts.get(base) ?? new Map<string, number>();
        readings.set(reading, (readings.get(reading) ?? 0) + 1);
        counts.set(base, readings);
      }
    }
    let longest = 1;
    for (const [base, readings] of counts) {
      const [best] = [...readings.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
      if (best !== undefined) this.#words.set(base, best);
      longest = Math.max(longest, base.length);
    }
    this.#longestWord = longest;
  }

  /** The text as segments: plain where there is no kanji, ruby on every kanji word it can read. */
  segments(text: string): readonly RubySegment[] {
    if (!hasKanji(text)) return [text];
    // A lone weekday is a calendar's column heading (日 月 火 …): read as a weekday, not as a word.
    const weekday = WEEKDAYS[text];
    if (weekday !== undefined) return [[text, weekday]];
    const known = this.table[text] ?? this.#cache.get(text);
    if (known !== undefined) return known;
    const read = withCounters(this.#fromTemplate(text) ?? this.#byWords(text));
    if (this.#cache.size < 2000) this.#cache.set(text, read);
    return read;
  }

  #fromTemplate(text: string): RubySegment[] | null {
    for (const template of this.#templates) {
      const match = template.pattern.exec(text);
      if (match === null) continue;
      const values = new Map(template.names.map((name, index) => [name, match[index + 1] ?? '']));
      const out: RubySegment[] = [];
      for (const segment of template.segments) {
        if (typeof segment !== 'string') {
          out.push(segment);
          continue;
        }
        let last = 0;
        for (const placeholder of segment.matchAll(PLACEHOLDER)) {
          out.push(segment.slice(last, placeholder.index));
          const value = values.get(placeholder[1] ?? '') ?? placeholder[0];
          // A filled value shorter than the text, so this always ends.
          out.push(...(value.length < text.length ? this.segments(value) : this.#byWords(value)));
          last = placeholder.index + placeholder[0].length;
        }
        out.push(segment.slice(last));
      }
      return out;
    }
    return null;
  }

  /** Word by word: numbers with counters and weekdays by rule, then the longest bases the table reads. */
  #byWords(text: string): RubySegment[] {
    const out: RubySegment[] = [];
    let last = 0;
    for (const run of text.matchAll(KANJI_RUN)) {
      const word = run[0];
      const before = text.slice(last, run.index);
      const lead = leadingRule(before, word, text[run.index + word.length]);
      out.push(lead?.before ?? before);
      if (lead !== null) out.push(lead.piece);
      for (let at = lead === null ? 0 : 1; at < word.length; ) {
        const length = this.#longestKnown(word, at);
        const base = word.slice(at, at + Math.max(length, 1));
        const reading = length === 0 ? undefined : this.#words.get(base);
        out.push(reading === undefined ? base : [base, reading]);
        at += base.length;
      }
      last = run.index + word.length;
    }
    out.push(text.slice(last));
    return out;
  }

  /** The length of the longest base the table reads at `at` in `word` (0: none). */
  #longestKnown(word: string, at: number): number {
    for (let length = Math.min(this.#longestWord, word.length - at); length >= 1; length -= 1) {
      if (this.#words.has(word.slice(at, at + length))) return length;
    }
    return 0;
  }
}

/**
 * The first kanji of a run read by rule: a counter after a number (12月, 29日, 1日 ついたち over the whole)
 * or a weekday in brackets after a date (（土）). `before` is the text between the previous run and this one.
 */
export function leadingRule(before: string, word: string, after: string | undefined): { before: string; piece: RubySegment } | null {
  const first = word[0] ?? '';
  const number = /(\d+)$/.exec(before);
  if (number !== null) {
    const value = Number(number[1]);
    const whole = wholeReading(first, value);
    if (whole !== null) return { before: before.slice(0, before.length - number[0].length), piece: [number[0] + first, whole] };
    const reading = counterReading(first, value);
    if (reading !== null) return { before, piece: [first, reading] };
  }
  const weekday = WEEKDAYS[first];
  if (word.length === 1 && before.endsWith('（') && after === '）' && weekday !== undefined) return { before, piece: [first, weekday] };
  return null;
}

/** Joins neighbouring plain pieces and drops empty ones. */
export function mergeSegments(segments: readonly RubySegment[]): RubySegment[] {
  const out: RubySegment[] = [];
  for (const segment of segments) {
    if (segment === '') continue;
    const previous = out[out.length - 1];
    if (typeof segment === 'string' && typeof previous === 'string') out[out.length - 1] = previous + segment;
    else out.push(segment);
  }
  return out;
}

/**
 * A counter after a number read by rule (30分 's ぷん, 1日 ついたち over the whole), whatever reading the
 * counter had on its own: for the generated table (the analyser reads 分 alone as ぶん) and for templates
 * filled at run time ({n}分前 with 3).
 */
export function withCounters(segments: readonly RubySegment[]): RubySegment[] {
  const merged = mergeSegments(segments);
  const out: RubySegment[] = [];
  merged.forEach((segment, index) => {
    const previous = out[out.length - 1];
    if (typeof segment !== 'string' && typeof previous === 'string' && /\d$/.test(previous) && segment[0].length === 1) {
      const next = merged[index + 1];
      const rule = leadingRule(previous, segment[0], typeof next === 'string' ? next[0] : next?.[0][0]);
      if (rule !== null) {
        out[out.length - 1] = rule.before;
        out.push(rule.piece);
        return;
      }
    }
    out.push(segment);
  });
  return mergeSegments(out);
}
