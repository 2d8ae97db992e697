import { EntryResultSchema, LanguageSchema, SlotStateSchema, type Language } from '@kiosk/protocols';
import { placeholders } from '../../../shared/i18n/index';
import { LANGUAGE_PACKS } from '../../languages/all-languages';
import { isLotteryKey, lotteryTranslate, type LotteryMessageKey, type LotteryMessages } from './index';

/** Every language's table as the packs hold them (the kiosk loads all but Japanese on demand). */
const lotteryTables = Object.fromEntries(LanguageSchema.options.map((language) => [language, LANGUAGE_PACKS[language].lottery])) as Record<Language, LotteryMessages>;

describe('lottery translation tables', () => {
  const reference = Object.keys(lotteryTables.ja).sort();

  it('cover every kiosk language', () => {
    expect(Object.keys(lotteryTables).sort()).toEqual([...LanguageSchema.options].sort());
  });

  it.each(LanguageSchema.options)('%s has exactly the Japanese keys, none blank', (language) => {
    expect(Object.keys(lotteryTables[language]).sort()).toEqual(reference);
    expect(Object.entries(lotteryTables[language]).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it.each(LanguageSchema.options)('%s uses the same placeholders as Japanese', (language) => {
    const mismatched = reference.filter((key) => {
      const k = key as LotteryMessageKey;
      return placeholders(lotteryTables[language][k]).sort().join() !== placeholders(lotteryTables.ja[k]).sort().join();
    });
    expect(mismatched).toEqual([]);
  });

  it('names every slot state and every draw result the hub can send', () => {
    for (const state of SlotStateSchema.options) expect(isLotteryKey(`lot.slot.state.${state}`)).toBe(true);
    for (const result of EntryResultSchema.options) expect(isLotteryKey(`lot.entries.result.${result}`)).toBe(true);
  });

  it('says "provisional" differently in each language and fills numbers', () => {
    expect(new Set(LanguageSchema.options.map((language) => lotteryTranslate(language, 'lot.entry.provisional'))).size).toBe(4);
    expect(lotteryTranslate('en', 'lot.entry.number', { number: '0000000042' })).toBe('Entry number 0000000042');
  });
});
