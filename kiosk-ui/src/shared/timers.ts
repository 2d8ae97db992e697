/** The clock and timers, injected so idle and retry logic can be tested without waiting. */
export interface Clock {
  now(): number;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const browserClock: Clock = { now: () => Date.now() };

export const browserTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
