import type { AuditEntry, AuditPage } from '@kiosk/protocols';

/**
 * Paging through the audit trail, newest first. The hub pages by "entries below seq N" (`before`), which
 * only goes backwards; going forwards again uses the cursors of the pages already visited, kept as a
 * stack. Entries appended while the newest page is shown are added on top, live.
 */

export const AUDIT_PAGE_SIZE = 50;

export interface AuditView {
  /** `before` of each page visited, the current one last; `undefined` is the newest page. */
  cursors: (number | undefined)[];
  entries: AuditEntry[];
  /** Cursor of the next (older) page; null when this is the oldest. */
  nextBefore: number | null;
}

export const EMPTY_AUDIT: AuditView = { cursors: [undefined], entries: [], nextBefore: null };

export function currentCursor(view: AuditView): number | undefined {
  return view.cursors.at(-1);
}

export function isNewestPage(view: AuditView): boolean {
  return currentCursor(view) === undefined;
}

/** The page a fetch with `cursor` returned, replacing the current one. */
export function showPage(view: AuditView, cursor: number | undefined, page: AuditPage, direction: 'older' | 'newer' | 'same'): AuditView {
  let cursors: (number | undefined)[];
  if (cursor === undefined) cursors = [undefined];
  else if (direction === 'older') cursors = [...view.cursors, cursor];
  else if (direction === 'newer') cursors = view.cursors.slice(0, -1);
  else cursors = view.cursors;
  return { cursors, entries: page.entries, nextBefore: page.nextBefore };
}

/** Where "older" goes: null when there is nothing older. */
export function olderCursor(view: AuditView): number | null {
  return view.nextBefore;
}

/** Where "newer" goes: the previous page's cursor; null when already on the newest page. */
export function newerCursor(view: AuditView): { cursor: number | undefined } | null {
  if (view.cursors.length <= 1) return null;
  return { cursor: view.cursors.at(-2) };
}

/**
 * A live `audit.appended` entry: shown on top of the newest page when it is newer than everything there;
 * ignored on older pages (the person is reading history) and when already shown.
 */
export function appendLive(view: AuditView, entry: AuditEntry): AuditView {
  if (!isNewestPage(view)) return view;
  if (view.entries.some((known) => known.seq === entry.seq)) return view;
  const entries = [...view.entries, entry].sort((a, b) => b.seq - a.seq);
  return { ...view, entries };
}

/** Enough of a SHA-256 to compare by eye (the full value is in the title). */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
