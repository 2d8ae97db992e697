import { z } from 'zod';
import { KEYPAD_ACTIONS } from './ui-values';

/**
 * Keypad navigation with the hardware PIN pad (issue 17, the Section 508 way), agent → kiosk screen on
 * `/ui` (loopback only).
 *
 * The PIN pad is read by the agent. Once a person turns navigation on (Enter or 5 on the attract screen),
 * the agent turns the pad's keys, outside a PIN step, into navigation actions and pushes them to the
 * screen, which moves its focus, speaks it and presses the focused choice. In a PIN step the keys stay PIN
 * keys inside the agent: the screen hears only the digit count of the flow's state ("one digit entered").
 * A key is never sent as itself: only what it does.
 */
/**
 * What a PIN-pad key does (the members in ui-values.ts KEYPAD_ACTIONS): `start` navigation was turned on
 * (a key on the attract screen): say the keys, then the choices; `previous` the choice before the focused
 * one (2 or 4); `next` the choice after it (6 or 8); `select` press the focused choice (5 or Enter); `help`
 * say the screen's guidance again, and the keys (0); `back` the screen's back or cancel choice (cancel or
 * clear; cancel on an empty PIN).
 */
export const KeypadActionSchema = z.enum(KEYPAD_ACTIONS);
export type KeypadAction = z.infer<typeof KeypadActionSchema>;

export const KeypadNavigationSchema = z.strictObject({ action: KeypadActionSchema });
export type KeypadNavigation = z.infer<typeof KeypadNavigationSchema>;

/** The agent's keypad pushes, to be merged into `AgentToUiEvents`. */
export interface AgentToUiKeypadEvents {
  'keypad.navigate': (navigation: KeypadNavigation) => void;
}

export const agentToUiKeypadSchemas = {
  'keypad.navigate': KeypadNavigationSchema,
} as const satisfies Record<keyof AgentToUiKeypadEvents, z.ZodType>;
