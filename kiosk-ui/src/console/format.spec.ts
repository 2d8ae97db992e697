import { formatInstant, formatNumber } from './format';

describe('formatInstant', () => {
  it('shows instants in Japan time whatever the offset on the wire', () => {
    expect(formatInstant('ja', '2024-06-01T15:04:05Z')).toBe('2024/06/02 00:04:05');
    expect(formatInstant('ja', '2024-06-02T00:04:05+09:00')).toBe('2024/06/02 00:04:05');
    expect(formatInstant('en', '2024-06-01T15:04:05Z')).toBe('06/02/2024, 00:04:05');
    expect(formatInstant('ja', Date.parse('2024-06-01T15:04:05Z'), 'time')).toBe('00:04');
  });

  it('gives null for what it cannot read', () => {
    expect(formatInstant('en', 'yesterday')).toBeNull();
  });
});

describe('formatNumber', () => {
  it('groups thousands and keeps one decimal', () => {
    expect(formatNumber('en', 12345.678)).toBe('12,345.7');
    expect(formatNumber('ja', 3)).toBe('3');
  });
});
