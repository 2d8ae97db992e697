import { Inject, Injectable } from '@nestjs/common';
import { MUNICIPALITIES, PublishedDrawSchema, type PublicCommitment, type PublicRoundList, type PublicRoundsQuery, type PublishedDraw } from '@kiosk/protocols';
import { isAnnounced, isCommitted, toPublicCommitment, toPublicRound, type CommittedRound } from '../dtos/lottery-public.dto';
import { conflict, notFound } from '../errors';
import { LOTTERY_CLOCK, type Clock } from '../repositories/lottery-clock.repository';
import { LOTTERY_REPOSITORY, type LotteryRepository } from '../repositories/lottery.repository';

const byNewest = (a: CommittedRound, b: CommittedRound) =>
  a.useMonth !== b.useMonth ? (a.useMonth < b.useMonth ? 1 : -1) : a.roundId < b.roundId ? -1 : a.roundId > b.roundId ? 1 : 0;

/**
 * What anyone may read of the lottery without signing in: every lottery round's commitment from its
 * creation, and its draw document once its results are announced (DRAW.md, "Publication"). Read on the
 * lottery clock, so the demo's clock publishes as the real one would.
 */
@Injectable()
export class LotteryPublicService {
  constructor(
    @Inject(LOTTERY_REPOSITORY) private readonly lottery: LotteryRepository,
    @Inject(LOTTERY_CLOCK) private readonly clock: Clock,
  ) {}

  async listRounds(query: PublicRoundsQuery): Promise<PublicRoundList> {
    const now = this.clock.now();
    const municipalities = query.municipality ? [query.municipality] : MUNICIPALITIES;
    const rounds: CommittedRound[] = [];
    for (const municipality of municipalities) rounds.push(...(await this.lottery.listRounds(municipality)).filter(isCommitted));
    return { now: now.toISOString(), rounds: rounds.sort(byNewest).map((round) => toPublicRound(round, now)) };
  }

  async commitment(roundId: string): Promise<PublicCommitment> {
    return toPublicCommitment(await this.committedRound(roundId));
  }

  /** The full document: 404 for no such lottery round, 409 until its results are announced. */
  async draw(roundId: string): Promise<PublishedDraw> {
    const round = await this.committedRound(roundId);
    if (!isAnnounced(round, this.clock.now())) {
      throw conflict(`the draw of ${roundId} is published with its results, at ${round.timetable.resultsAt.toISOString()}`);
    }
    const json = await this.lottery.publishedDraw(roundId);
    if (json === undefined) throw notFound(`round ${roundId} has no draw document`);
    return PublishedDrawSchema.parse(JSON.parse(json));
  }

  private async committedRound(roundId: string): Promise<CommittedRound> {
    const round = await this.lottery.findRound(roundId);
    if (!round || !isCommitted(round)) throw notFound(`no lottery round ${roundId}`);
    return round;
  }
}
