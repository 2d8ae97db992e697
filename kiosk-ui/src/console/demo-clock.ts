import {
  DemoClockAdvanceResultSchema,
  DemoClockViewSchema,
  FailureSchema,
  type DemoClockAdvanceResult,
  type DemoClockTarget,
  type DemoClockView,
} from '@kiosk/protocols';
import type { Fetch } from './auth-client';

/**
 * The demo's lottery clock (`/api/lottery/demo-clock`, central-hub README "Demo draw"): where it
 * stands, and moving it to a round's next milestone so its draw runs. Only a demo hub has it: anywhere
 * else the hub answers 404 and the console shows nothing.
 */

export const DEMO_CLOCK_PATH = '/api/lottery/demo-clock';

export class DemoClockError extends Error {
  override readonly name = 'DemoClockError';
}

async function failureOf(response: Response): Promise<DemoClockError> {
  try {
    const failure = FailureSchema.safeParse(await response.json());
    return new DemoClockError(failure.success ? failure.data.error.message : `HTTP ${response.status}`);
  } catch {
    return new DemoClockError(`HTTP ${response.status}`);
  }
}

/** The lottery's clock, or null when the hub is not a demo (or the user may not move it). */
export async function fetchDemoClock(fetch: Fetch, token: string): Promise<DemoClockView | null> {
  const response = await fetch(DEMO_CLOCK_PATH, { headers: { authorization: `Bearer ${token}` } });
  if (response.status === 404 || response.status === 403) return null;
  if (!response.ok) throw await failureOf(response);
  return DemoClockViewSchema.parse(await response.json());
}

export async function advanceDemoClock(fetch: Fetch, token: string, to: DemoClockTarget): Promise<DemoClockAdvanceResult> {
  const response = await fetch(DEMO_CLOCK_PATH, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to }),
  });
  if (!response.ok) throw await failureOf(response);
  return DemoClockAdvanceResultSchema.parse(await response.json());
}
