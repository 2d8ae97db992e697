/**
 * The protocol's run-time values that need no zod: the enumerations' members, limits, the UI namespace and
 * pure helpers. The schemas are built from these (one definition each), and the kiosk screen's bundle
 * takes only this module at run time (kiosk-ui/vite.config.ts aliases `@kiosk/protocols` to it for the
 * kiosk build, issue 17): zod and the schemas stay out of what the screen loads. No import of zod here.
 */

export const LANGUAGES = ['ja', 'en', 'zh-Hans', 'ko'] as const;

/** The kiosk's services (attract screen tiles, `session.begin`). */
export const SERVICES = ['certificates', 'lottery'] as const;

export const CERTIFICATE_TYPES = ['juminhyo', 'inkan', 'koseki', 'koseki-fuhyo', 'kazei'] as const;

export const MAX_COPIES = 10;

/** A residence certificate for selected household members names at most this many. */
export const MAX_SELECTED_MEMBERS = 20;

/** socket.io namespace of the agent's local server (127.0.0.1 only) for the kiosk UI. */
export const UI_NAMESPACE = '/ui';

/** What a PIN-pad key does in keypad navigation (documented on KeypadActionSchema). */
export const KEYPAD_ACTIONS = ['start', 'previous', 'next', 'select', 'help', 'back'] as const;

/** Whether `value` is one of `members` (an enumeration above), typed as that member. */
export function isMember<const T extends string>(members: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (members as readonly string[]).includes(value);
}

/**
 * The short reference of an offline (provisional) entry, derived from its client entry id: 8 digits a
 * person can read out (`1234-5678`), printed on the provisional receipt and shown with the entry the hub
 * made of it (which keeps its `clientEntryId`), at any terminal.
 */
export function provisionalReference(clientEntryId: string): string {
  const tail = clientEntryId.replace(/-/g, '').slice(-10);
  const digits = (Number.parseInt(tail, 16) % 100_000_000).toString().padStart(8, '0');
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}
