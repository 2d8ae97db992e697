import type { CreditBuffer } from './headers';

export type CreditEvent =
  | { kind: 'credit'; position: number; sorter: number; eventCounter: number }
  | { kind: 'error'; code: number; eventCounter: number };

export interface CreditPoll {
  /** New events, oldest first. */
  events: CreditEvent[];
  /** Events that happened but fell out of the five-deep buffer before we read it. */
  lost: number;
  /** The counter went back to 0: the acceptor was reset or power-cycled. */
  reset: boolean;
}

/** The event counter runs 1..255 and wraps to 1; 0 only after power-up or reset. */
export function nextCounter(counter: number): number {
  return (counter % 255) + 1;
}

function previousCounter(counter: number): number {
  return counter <= 1 ? 255 : counter - 1;
}

/** How many events happened between two counter readings. */
export function eventsBetween(previous: number, current: number): number {
  if (current === previous) return 0;
  if (previous === 0) return current;
  if (current === 0) return 0;
  return (current - previous + 255) % 255;
}

/**
 * Interprets one read of the credit buffer against the last counter seen. `previous` undefined is the first
 * read after start: it only sets the baseline (the events in the buffer then are from before this process
 * and cannot be told apart from ones already credited). More than five new events means some were
 * overwritten before we read them: they are counted in `lost`, never dropped silently.
 */
export function interpretCreditBuffer(previous: number | undefined, buffer: CreditBuffer): CreditPoll {
  const current = buffer.eventCounter;
  if (previous === undefined) return { events: [], lost: 0, reset: false };
  if (current === 0 && previous !== 0) return { events: [], lost: 0, reset: true };
  const count = eventsBetween(previous, current);
  const readable = Math.min(count, buffer.results.length);
  const events: CreditEvent[] = [];
  let counter = current;
  for (let i = 0; i < readable; i += 1) {
    const { a, b } = buffer.results[i] as { a: number; b: number };
    events.unshift(a === 0 ? { kind: 'error', code: b, eventCounter: counter } : { kind: 'credit', position: a, sorter: b, eventCounter: counter });
    counter = previousCounter(counter);
  }
  return { events, lost: count - readable, reset: false };
}
