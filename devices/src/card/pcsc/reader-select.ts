import { CardArgumentError } from '../errors';

/**
 * Which of the attached readers the kiosk uses: the first (in pcscd's order) whose name matches the
 * configured pattern. A string pattern is a case-insensitive substring ("Virtual PCD 00 00", "SCR3310");
 * a RegExp is used as given.
 */
export type ReaderPattern = string | RegExp;

export function readerMatcher(pattern: ReaderPattern): (name: string) => boolean {
  if (pattern instanceof RegExp) {
    const regexp = new RegExp(pattern.source, pattern.flags.replace('g', '').replace('y', ''));
    return (name) => regexp.test(name);
  }
  const needle = pattern.trim().toLowerCase();
  if (needle.length === 0) throw new CardArgumentError('an empty reader pattern would match any reader');
  return (name) => name.toLowerCase().includes(needle);
}

export function selectReader(names: readonly string[], pattern: ReaderPattern): string | null {
  const matches = readerMatcher(pattern);
  return names.find(matches) ?? null;
}

export function describePattern(pattern: ReaderPattern): string {
  return pattern instanceof RegExp ? pattern.toString() : JSON.stringify(pattern);
}
