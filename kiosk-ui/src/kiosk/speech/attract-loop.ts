import type { Timers } from '../../shared/timers';

/** How often the attract screen says again how to turn keypad guidance on. */
export const ATTRACT_REPEAT_MS = 30_000;
/** How many times it does, each time the attract screen appears: five minutes, then quiet until the next visit. */
export const ATTRACT_REPEATS = 10;

/**
 * The attract screen's audio loop (issue 17): a person who cannot see the screen walks up to a kiosk that
 * has been quiet since the last visit, so its script (which says how to turn keypad guidance on) is said
 * again every half minute; bounded, so an idle kiosk does not talk to an empty room all night.
 */
export class AttractLoop {
  #handle: unknown = null;
  #left = 0;

  constructor(
    private readonly timers: Timers,
    private readonly say: () => void,
    private readonly everyMs = ATTRACT_REPEAT_MS,
    private readonly times = ATTRACT_REPEATS,
  ) {}

  /** The attract screen appeared with navigation off: the loop starts over. */
  start(): void {
    this.stop();
    this.#left = this.times;
    this.#schedule();
  }

  /** A service, or keypad navigation, took over. */
  stop(): void {
    if (this.#handle !== null) this.timers.clear(this.#handle);
    this.#handle = null;
  }

  #schedule(): void {
    if (this.#left <= 0) return;
    this.#handle = this.timers.set(() => {
      this.#handle = null;
      this.#left -= 1;
      this.say();
      this.#schedule();
    }, this.everyMs);
  }
}
