import { PUBLIC_COMMITMENT_FORMAT, publicDrawPath, type PublicCommitment, type PublicRound } from '@kiosk/protocols';
import { roundPhase } from '../domain/lottery/schedule';
import type { RoundRecord } from '../repositories/lottery.rows';

/** A lottery round as anyone may see it (protocols/src/lottery-public.ts); only rounds with a commitment. */
export interface CommittedRound extends RoundRecord {
  commitmentHex: string;
}

export const isCommitted = (round: RoundRecord): round is CommittedRound => round.kind === 'lottery' && round.commitmentHex !== null;

/**
 * The draw document, the seed and the witness are public once the results are announced, not at the draw
 * itself (DRAW.md, "Publication"): the one rule every route and the terminals' socket go by.
 */
export const isAnnounced = (round: RoundRecord, now: Date): boolean =>
  round.drawnAt !== null && now.getTime() >= round.timetable.resultsAt.getTime();

export function toPublicCommitment(round: CommittedRound): PublicCommitment {
  const t = round.timetable;
  return {
    format: PUBLIC_COMMITMENT_FORMAT,
    roundId: round.roundId,
    municipality: round.municipality,
    facilityType: round.facilityType,
    useMonth: round.useMonth,
    commitment: round.commitmentHex,
    committedAt: new Date(round.createdAt).toISOString(),
    entryOpensAt: t.entryOpensAt.toISOString(),
    entryClosesAt: t.entryClosesAt.toISOString(),
    drawAt: t.drawAt.toISOString(),
    resultsAt: t.resultsAt.toISOString(),
  };
}

/** The seed and digest only once announced; before that the round shows its commitment alone. */
export function toPublicRound(round: CommittedRound, now: Date): PublicRound {
  const { format: _format, ...commitment } = toPublicCommitment(round);
  const { drawnAt, seedHex, resultDigest, witness } = round;
  const announced = isAnnounced(round, now) && drawnAt !== null && seedHex !== null && resultDigest !== null;
  return {
    ...commitment,
    phase: roundPhase(round.timetable, now),
    draw: announced
      ? { drawnAt: new Date(drawnAt).toISOString(), seed: seedHex, witness, resultDigest, documentPath: publicDrawPath(round.roundId) }
      : null,
  };
}
