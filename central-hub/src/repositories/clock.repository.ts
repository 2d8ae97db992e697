import { Injectable } from '@nestjs/common';

/** "Now", injected everywhere a rule depends on time, so a test can stand at any instant. */
export interface Clock {
  now(): Date;
}
export const CLOCK = 'Clock';

@Injectable()
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
