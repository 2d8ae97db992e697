import { appendLive, EMPTY_AUDIT, isNewestPage, newerCursor, olderCursor, shortHash, showPage } from './audit';
import { auditEntry } from './spec-fixtures';

const page = (from: number, to: number, nextBefore: number | null) => ({
  entries: Array.from({ length: from - to + 1 }, (_, i) => auditEntry(from - i)),
  nextBefore,
});

describe('audit paging', () => {
  it('walks back with the hub’s cursor and forward with the cursors visited', () => {
    const first = showPage(EMPTY_AUDIT, undefined, page(120, 71, 71), 'same');
    expect(isNewestPage(first)).toBe(true);
    expect(newerCursor(first)).toBeNull();
    expect(olderCursor(first)).toBe(71);

    const second = showPage(first, 71, page(70, 21, 21), 'older');
    const third = showPage(second, 21, page(20, 1, null), 'older');
    expect(olderCursor(third)).toBeNull();
    expect(newerCursor(third)).toEqual({ cursor: 71 });

    const back = showPage(third, 71, page(70, 21, 21), 'newer');
    expect(back.cursors).toEqual([undefined, 71]);
    expect(newerCursor(back)).toEqual({ cursor: undefined });
    const newest = showPage(back, undefined, page(121, 72, 72), 'newer');
    expect(newest.cursors).toEqual([undefined]);
    expect(isNewestPage(newest)).toBe(true);
  });

  it('reloads the same page without changing the cursors', () => {
    const second = showPage(showPage(EMPTY_AUDIT, undefined, page(120, 71, 71), 'same'), 71, page(70, 21, 21), 'older');
    expect(showPage(second, 71, page(70, 21, 21), 'same').cursors).toEqual([undefined, 71]);
  });
});

describe('appendLive', () => {
  const newest = showPage(EMPTY_AUDIT, undefined, page(10, 6, 6), 'same');

  it('puts a new entry on top of the newest page, once', () => {
    const next = appendLive(newest, auditEntry(11));
    expect(next.entries.map((e) => e.seq)).toEqual([11, 10, 9, 8, 7, 6]);
    expect(appendLive(next, auditEntry(11))).toBe(next);
  });

  it('keeps seq order when pushes arrive out of order', () => {
    const next = appendLive(appendLive(newest, auditEntry(12)), auditEntry(11));
    expect(next.entries.map((e) => e.seq).slice(0, 3)).toEqual([12, 11, 10]);
  });

  it('leaves an older page alone', () => {
    const older = showPage(newest, 6, page(5, 1, null), 'older');
    expect(appendLive(older, auditEntry(11))).toBe(older);
  });
});

describe('display helpers', () => {
  it('shortens a hash to 12 characters', () => {
    expect(shortHash('0123456789abcdef'.repeat(4))).toBe('0123456789ab');
  });
});
