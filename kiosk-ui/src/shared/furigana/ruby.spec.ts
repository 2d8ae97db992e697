import { RubyReader, withCounters, type RubyTable } from './ruby';

/** A small table as the generator writes it (ruby-table.json's shape). */
const table: RubyTable = {
  証明書の交付: [['証明書', 'しょうめいしょ'], 'の', ['交付', 'こうふ']],
  '次のご利用日は{day}です（{time}から）。': [['次', 'つぎ'], 'のご', ['利用', 'りよう'], ['日', 'び'], 'は', '{day}', 'です（', '{time}', 'から）。'],
  '{n}分前': ['{n}', ['分', 'ぶん'], ['前', 'まえ']],
  '{yen}円': ['{yen}', ['円', 'えん']],
  住民票の写し: [['住民票', 'じゅうみんひょう'], 'の', ['写', 'うつ'], 'し'],
  窓口: [['窓口', 'まどぐち']],
};

const shown = (segments: readonly (string | readonly [string, string])[]): string =>
  segments.map((segment) => (typeof segment === 'string' ? segment : `${segment[0]}(${segment[1]})`)).join('');

describe('RubyReader', () => {
  const reader = new RubyReader(table);

  it('leaves a text without kanji as it is', () => {
    expect(reader.segments('カードをお取りください')).toEqual(['カードをお取りください']);
  });

  it('reads a text of the table as generated', () => {
    expect(shown(reader.segments('証明書の交付'))).toBe('証明書(しょうめいしょ)の交付(こうふ)');
  });

  it('reads a filled template in context, and its filled values by rule (dates, weekdays)', () => {
    expect(shown(reader.segments('次のご利用日は12月1日（月）です（6時30分から）。'))).toBe(
      '次(つぎ)のご利用(りよう)日(び)は12月(がつ)1日(ついたち)（月(げつ)）です（6時(じ)30分(ぷん)から）。',
    );
  });

  it('reads a counter after a filled number by rule, not as the template had it', () => {
    expect(shown(reader.segments('3分前'))).toBe('3分(ぷん)前(まえ)');
    expect(shown(reader.segments('2分前'))).toBe('2分(ふん)前(まえ)');
    expect(shown(reader.segments('1,200円'))).toBe('1,200円(えん)');
  });

  it('reads a lone weekday, a calendar column heading, as a weekday (issue 17)', () => {
    expect(reader.segments('日')).toEqual([['日', 'にち']]);
    expect(reader.segments('土')).toEqual([['土', 'ど']]);
  });

  it('reads an unknown text word by word from the table, leaving an unknown kanji without ruby', () => {
    expect(shown(reader.segments('住民票は窓口で'))).toBe('住民票(じゅうみんひょう)は窓口(まどぐち)で');
    expect(reader.segments('鬱')).toEqual(['鬱']);
  });
});

describe('withCounters', () => {
  it('reads irregular days over the number and the counter', () => {
    expect(withCounters(['20', ['日', 'にち']])).toEqual([['20日', 'はつか']]);
    expect(withCounters(['13', ['日', 'か']])).toEqual(['13', ['日', 'にち']]);
    expect(withCounters(['1', ['人', 'にん']])).toEqual([['1人', 'ひとり']]);
  });
});
