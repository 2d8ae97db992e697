import { CardArgumentError } from '../errors';
import { describePattern, readerMatcher, selectReader } from './reader-select';

describe('reader selection', () => {
  const names = ['Virtual PCD 00 00', 'Virtual PCD 00 01', 'SCM Microsystems Inc. SCR 3310 [CCID Interface] 00 00'];

  it('picks the first reader whose name contains the pattern, ignoring case', () => {
    expect(selectReader(names, 'virtual pcd')).toBe('Virtual PCD 00 00');
    expect(selectReader(names, 'Virtual PCD 00 01')).toBe('Virtual PCD 00 01');
    expect(selectReader(names, 'scr 3310')).toBe(names[2]);
    expect(selectReader(names, 'ACR122')).toBeNull();
    expect(selectReader([], 'Virtual')).toBeNull();
  });

  it('takes a RegExp as given (a global flag does not make it stateful)', () => {
    const pattern = /CCID/g;
    expect(selectReader(names, pattern)).toBe(names[2]);
    expect(readerMatcher(pattern)(names[2]!)).toBe(true);
    expect(readerMatcher(pattern)(names[2]!)).toBe(true);
    expect(describePattern(/01$/)).toBe('/01$/');
    expect(selectReader(names, /01$/)).toBe('Virtual PCD 00 01');
  });

  it('refuses an empty pattern, which would take any reader', () => {
    expect(() => readerMatcher('  ')).toThrow(CardArgumentError);
  });
});
