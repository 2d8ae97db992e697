import { z } from 'zod';
import { InstantSchema } from './common';
import {
  DrawWitnessSchema,
  FacilityTypeSchema,
  MunicipalitySchema,
  RoundIdSchema,
  RoundPhaseSchema,
  Sha256HexSchema,
  UseMonthSchema,
} from './lottery';

/**
 * The lottery's public face: what anyone may read without signing in (`GET /api/public/lottery/...`,
 * central-hub/README.md "Public draw"). A round's commitment is public from the round's creation,
 * before its entry window opens; the draw's full document (`PublishedDrawSchema` in lottery.ts) once its
 * results are announced. Nothing here names a person: entries appear only in the draw document, by
 * their entry number and a per-round pseudonym.
 */

/** The route prefix, shared by the hub's controller, the console and the kiosk's explanation. */
export const PUBLIC_LOTTERY_PATH = '/api/public/lottery';
/** The standalone re-run script as the hub serves it (a copy of central-hub/tools/verify-draw.mjs). */
export const PUBLIC_VERIFY_SCRIPT_PATH = `${PUBLIC_LOTTERY_PATH}/verify-draw.mjs`;
export const publicRoundsPath = (): string => `${PUBLIC_LOTTERY_PATH}/rounds`;
export const publicCommitmentPath = (roundId: string): string => `${PUBLIC_LOTTERY_PATH}/rounds/${encodeURIComponent(roundId)}/commitment`;
export const publicDrawPath = (roundId: string): string => `${PUBLIC_LOTTERY_PATH}/rounds/${encodeURIComponent(roundId)}/draw`;

export const PUBLIC_COMMITMENT_FORMAT = 'kiosk-lottery-commitment/v1' as const;

/** A round's commitment, `hex(SHA-256(seed))`, fixed when the round was created (`committedAt`). */
export const PublicCommitmentSchema = z.strictObject({
  format: z.literal(PUBLIC_COMMITMENT_FORMAT),
  roundId: RoundIdSchema,
  municipality: MunicipalitySchema,
  facilityType: FacilityTypeSchema,
  useMonth: UseMonthSchema,
  commitment: Sha256HexSchema,
  /** When the hub drew the seed and fixed the commitment: when it created the round, so before any entry. */
  committedAt: InstantSchema,
  entryOpensAt: InstantSchema,
  entryClosesAt: InstantSchema,
  drawAt: InstantSchema,
  /** The draw document, its seed and its witness are public from here on, and nowhere before (DRAW.md). */
  resultsAt: InstantSchema,
});
export type PublicCommitment = z.infer<typeof PublicCommitmentSchema>;

/** What is known of a round's draw once its results are announced; the full document is at `documentPath`. */
export const PublicDrawSummarySchema = z.strictObject({
  drawnAt: InstantSchema,
  /** The committed seed (SHA-256(seed) = commitment). */
  seed: Sha256HexSchema,
  /** The value the draw officer entered at the draw (null: a round drawn before witnesses, format v1). */
  witness: DrawWitnessSchema.nullable(),
  resultDigest: Sha256HexSchema,
  documentPath: z.string().startsWith(`${PUBLIC_LOTTERY_PATH}/rounds/`),
});
export type PublicDrawSummary = z.infer<typeof PublicDrawSummarySchema>;

export const PublicRoundSchema = PublicCommitmentSchema.omit({ format: true }).extend({
  phase: RoundPhaseSchema,
  /** Null until the results are announced (`resultsAt`), even if the draw already ran. */
  draw: PublicDrawSummarySchema.nullable(),
});
export type PublicRound = z.infer<typeof PublicRoundSchema>;

/** Lottery rounds only (a first-come-only month has no draw), newest use month first. */
export const PublicRoundListSchema = z.strictObject({
  now: InstantSchema,
  rounds: z.array(PublicRoundSchema),
});
export type PublicRoundList = z.infer<typeof PublicRoundListSchema>;

export const PublicRoundsQuerySchema = z.strictObject({
  municipality: MunicipalitySchema.optional(),
});
export type PublicRoundsQuery = z.infer<typeof PublicRoundsQuerySchema>;
