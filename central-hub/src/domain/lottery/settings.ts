import { z } from 'zod';
import { MunicipalitySchema, RoundCapsSchema, type Municipality } from '@kiosk/protocols';
import { DEFAULT_SCHEDULE, ScheduleSettingsSchema } from './schedule';

/**
 * Everything a municipality sets for its lottery: the round schedule, the per-person caps, the PIN
 * lock-out and how long a registration and a terminal session last. Stored per municipality on the
 * hub; a round copies its caps and milestones when it is created, so changing the settings never moves
 * a round that is already announced.
 */
export const LotterySettingsSchema = z.strictObject({
  municipality: MunicipalitySchema,
  schedule: ScheduleSettingsSchema,
  /** Per identity (all linked cards together) per round. Back-to-back slots of one unit count once. */
  caps: RoundCapsSchema.refine((caps) => caps.maxEntries <= 100 && caps.maxHours <= 500 && caps.maxWins <= 100, 'caps too large'),
  pin: z.strictObject({
    maxAttempts: z.int().min(1).max(10),
    lockMinutes: z.int().min(1).max(7 * 24 * 60),
  }),
  registrationYears: z.int().min(1).max(10),
  sessionMinutes: z.int().min(1).max(120),
});
export type LotterySettings = z.infer<typeof LotterySettingsSchema>;

export function defaultLotterySettings(municipality: Municipality): LotterySettings {
  return {
    municipality,
    schedule: DEFAULT_SCHEDULE,
    caps: { maxEntries: 4, maxHours: 16, maxWins: 2 },
    pin: { maxAttempts: 5, lockMinutes: 30 },
    registrationYears: 3,
    sessionMinutes: 15,
  };
}
