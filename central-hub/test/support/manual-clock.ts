import type { Clock } from '../../src/repositories/clock.repository';

/** A clock a test moves by hand (the hub's Clock seam). */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date | string = '2026-11-26T01:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
