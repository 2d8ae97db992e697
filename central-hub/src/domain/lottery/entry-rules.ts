import type { RoundCaps } from '@kiosk/protocols';
import type { RoundTimetable } from './schedule';
import { countBlocks, slotHours, type SlotSpan } from './slots';

/** A slot as the entry rules see it. */
export interface ChoiceSlot extends SlotSpan {
  slotId: string;
}

/** An entry's choices: the 2nd is drawn only if the 1st loses. */
export interface EntryChoices {
  first: ChoiceSlot;
  second: ChoiceSlot | null;
}

export type EntryRefusal =
  | { reason: 'same-choice' }
  | { reason: 'duplicate-slot'; slotId: string }
  | { reason: 'entry-cap'; limit: number }
  | { reason: 'hours-cap'; limit: number };

/** The most hours an entry can cost: only one of its choices can ever be won. */
export function entryHours(entry: EntryChoices): number {
  return Math.max(slotHours(entry.first), entry.second ? slotHours(entry.second) : 0);
}

/**
 * Whether one more entry by a person (all their linked cards: `existing` are their active entries in
 * the round) keeps to the rules: no slot twice, whether as 1st or 2nd choice; at most `maxEntries`
 * entries, counting back-to-back 1st choices of one unit as one; at most `maxHours` hours.
 */
export function checkEntryRules(existing: readonly EntryChoices[], candidate: EntryChoices, caps: RoundCaps): EntryRefusal | null {
  if (candidate.second && candidate.second.slotId === candidate.first.slotId) return { reason: 'same-choice' };
  const taken = new Set(existing.flatMap((e) => (e.second ? [e.first.slotId, e.second.slotId] : [e.first.slotId])));
  for (const slot of candidate.second ? [candidate.first, candidate.second] : [candidate.first]) {
    if (taken.has(slot.slotId)) return { reason: 'duplicate-slot', slotId: slot.slotId };
  }
  const all = [...existing, candidate];
  if (countBlocks(all.map((e) => e.first)) > caps.maxEntries) return { reason: 'entry-cap', limit: caps.maxEntries };
  if (all.reduce((sum, e) => sum + entryHours(e), 0) > caps.maxHours) return { reason: 'hours-cap', limit: caps.maxHours };
  return null;
}

export type WindowRefusal = 'not-open' | 'closed' | 'grace-expired' | 'in-future';

/** How far ahead of the hub's clock a terminal's clock may run before its timestamp is not believed. */
export const TERMINAL_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Whether an entry is in its window. Online, the hub's clock decides. Offline, the terminal's
 * timestamp must be inside the window and the hub must hear of it within the grace period after the
 * close (and the grace always ends before the draw: the schedule's validation ensures it).
 */
export function checkEntryWindow(
  t: RoundTimetable,
  now: Date,
  offlineOccurredAt: Date | null,
  offlineGraceMs: number,
): WindowRefusal | null {
  const at = (offlineOccurredAt ?? now).getTime();
  if (offlineOccurredAt && at > now.getTime() + TERMINAL_CLOCK_SKEW_MS) return 'in-future';
  if (at < t.entryOpensAt.getTime()) return 'not-open';
  if (at >= t.entryClosesAt.getTime()) return 'closed';
  if (offlineOccurredAt) {
    const deadline = Math.min(t.entryClosesAt.getTime() + offlineGraceMs, t.drawAt.getTime());
    if (now.getTime() >= deadline) return 'grace-expired';
  }
  return null;
}

export interface DedupCandidate {
  entryId: string;
  identityId: string;
  first: string;
  second: string | null;
}

/**
 * Entries accepted separately for two cards that were linked to one person later could name the same
 * slot twice; before the draw, the later of them (input order: oldest first) is voided, so one person
 * still has one chance per slot.
 */
export function voidMergedDuplicates<T extends DedupCandidate>(entriesOldestFirst: readonly T[]): { kept: T[]; voided: T[] } {
  const seen = new Map<string, Set<string>>();
  const kept: T[] = [];
  const voided: T[] = [];
  for (const entry of entriesOldestFirst) {
    const slots = seen.get(entry.identityId) ?? new Set<string>();
    const mine = entry.second ? [entry.first, entry.second] : [entry.first];
    if (mine.some((slot) => slots.has(slot))) {
      voided.push(entry);
      continue;
    }
    for (const slot of mine) slots.add(slot);
    seen.set(entry.identityId, slots);
    kept.push(entry);
  }
  return { kept, voided };
}
