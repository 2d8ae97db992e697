import { alignReading, readText, toHiragana, unreadKanji, type ReadToken } from './ruby-build';
import { RUBY_OVERRIDES } from './ruby-overrides';
import { JAPANESE_TEXTS } from './japanese-texts';
import table from './ruby-table.json';

describe('ruby table generation', () => {
  it('splits a reading over kanji and kana', () => {
    expect(toHiragana('エラン')).toBe('えらん');
    expect(alignReading('選ん', 'エラン')).toEqual([['選', 'えら'], 'ん']);
    expect(alignReading('住民票の写し', 'じゅうみんひょうのうつし')).toEqual([['住民票', 'じゅうみんひょう'], 'の', ['写', 'うつ'], 'し']);
    expect(alignReading('取り', 'トッテ')).toBeNull();
  });

  it('applies authored overrides before the analyser and keeps placeholders plain', () => {
    // A stand-in analyser that reads 豊中 wrongly, as kuromoji's dictionary may: the override wins.
    const tokenize = (text: string): ReadToken[] =>
      [...text].map((char) => ({ surface: char, reading: char === '豊' ? 'ホウ' : char === '中' ? 'チュウ' : char === '市' ? 'シ' : null }));
    expect(readText('豊中市の{n}', tokenize, { 豊中: 'とよなか' })).toEqual([['豊中', 'とよなか'], ['市', 'し'], 'の{n}']);
    expect(readText('続柄', () => [{ surface: '続柄', reading: 'ゾクガラ' }], RUBY_OVERRIDES)).toEqual([['続柄', 'つづきがら']]);
  });

  it('reads a number and its counter by rule', () => {
    const tokenize = (text: string): ReadToken[] => (text === '30分' ? [{ surface: '30', reading: null }, { surface: '分', reading: 'フン' }] : []);
    expect(readText('30分', tokenize, {})).toEqual(['30', ['分', 'ぷん']]);
  });

  it('finds kanji left without a reading', () => {
    expect(unreadKanji(['印刷', ['中', 'ちゅう']])).toEqual(['印刷']);
  });

  it('holds the authored readings the issue names', () => {
    const read = (text: string): string => (table as Record<string, (string | string[])[]>)[text]?.map((s) => (typeof s === 'string' ? s : `${s[0]}(${s[1]})`)).join('') ?? '';
    expect(read('住民票の写し')).toBe('住民票(じゅうみんひょう)の写(うつ)し');
    expect(read('続柄')).toBe('続柄(つづきがら)');
    expect(read('豊中市')).toBe('豊中市(とよなかし)');
    expect(read('本籍・筆頭者')).toBe('本籍(ほんせき)・筆頭者(ひっとうしゃ)');
  });

  it('covers every Japanese text of the kiosk with kanji', () => {
    const missing = JAPANESE_TEXTS.filter((text) => /[\u4E00-\u9FFF]/.test(text) && !(text in table));
    expect(missing).toEqual([]);
  });
});
