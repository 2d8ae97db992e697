import { z } from 'zod';
import { LANGUAGES } from './ui-values';

// The zod-free values (ui-values.ts) the barrel does not name elsewhere: the kiosk's bundle takes them from there.
export { CERTIFICATE_TYPES, KEYPAD_ACTIONS, LANGUAGES, SERVICES, isMember } from './ui-values';

/** Kiosk ids are chosen by the hub at enrolment: lowercase, readable in logs, safe in file names. */
export const KioskIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'kiosk id: 3-64 of a-z, 0-9, -');
export type KioskId = z.infer<typeof KioskIdSchema>;

/** Globally unique, time-ordered event and command ids (RFC 9562 UUIDv7). */
export const EventIdSchema = z.uuidv7();
export const CommandIdSchema = z.uuidv7();

/** Instants on the wire are ISO-8601 strings with an explicit offset (normally UTC, `Z`). */
export const InstantSchema = z.iso.datetime({ offset: true });

/** Per-kiosk outbox sequence: starts at 1, strictly increasing, never reused. */
export const SeqSchema = z.int().positive();

export const YenSchema = z.int().nonnegative();
export const CoinYenSchema = z.union([z.literal(10), z.literal(50), z.literal(100), z.literal(500)]);
export type CoinYen = z.infer<typeof CoinYenSchema>;

export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;
