import { LanguageSchema } from '@kiosk/protocols';
import { fill, LANGUAGES, placeholders, tables, translate, type MessageKey } from './index';

describe('translation tables', () => {
  const reference = Object.keys(tables.ja).sort();

  it('cover every protocol language', () => {
    expect(Object.keys(tables).sort()).toEqual([...LanguageSchema.options].sort());
    expect(LANGUAGES[0]).toBe('ja');
  });

  it.each(LanguageSchema.options)('%s has exactly the Japanese keys', (language) => {
    expect(Object.keys(tables[language]).sort()).toEqual(reference);
  });

  it.each(LanguageSchema.options)('%s has no empty or blank string', (language) => {
    const blank = Object.entries(tables[language]).filter(([, text]) => text.trim() === '');
    expect(blank).toEqual([]);
  });

  it.each(LanguageSchema.options)('%s uses the same placeholders as Japanese', (language) => {
    const mismatched = reference.filter((key) => {
      const k = key as MessageKey;
      return placeholders(tables[language][k]).sort().join() !== placeholders(tables.ja[k]).sort().join();
    });
    expect(mismatched).toEqual([]);
  });

  it('names every language in its own script, all different', () => {
    const names = LanguageSchema.options.map((language) => tables[language]['language.self']);
    expect(names).toEqual(['日本語', 'English', '简体中文', '한국어']);
  });

  it('translates the offline banner into four different texts', () => {
    const texts = new Set(LanguageSchema.options.map((language) => translate(language, 'kiosk.offline.hub')));
    expect(texts.size).toBe(4);
    expect(translate('ja', 'kiosk.offline.hub')).toBe(
      'センターに接続できません。証明書の交付は一時的にご利用いただけません。',
    );
  });
});

describe('fill', () => {
  it('replaces placeholders and leaves unknown ones visible', () => {
    expect(fill('{n}分前', { n: 3 })).toBe('3分前');
    expect(fill('{a} and {b}', { a: 'x' })).toBe('x and {b}');
    expect(translate('en', 'time.minutesAgo', { n: 5 })).toBe('5 min ago');
  });
});
