import { Inject, Injectable } from '@nestjs/common';
import type { DemoClockAdvanceResult, DemoClockTarget, DemoClockView } from '@kiosk/protocols';
import { forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { FACILITY_CATALOGUE_REPOSITORY, type FacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { DemoLotteryClock, LOTTERY_CLOCK, type Clock } from '../repositories/lottery-clock.repository';
import { LOTTERY_REPOSITORY, type LotteryRepository } from '../repositories/lottery.repository';
import type { RoundRecord } from '../repositories/lottery.rows';
import { RANDOM, type Random } from '../repositories/random.repository';
import { hasRole, type Principal } from './access.rules';
import { LotteryScheduler } from './lottery-scheduler.service';

type Next = DemoClockView['next'][DemoClockTarget];

/** The milestone each target moves to, and which rounds can still reach it. */
const MILESTONE: Record<DemoClockTarget, { at: (r: RoundRecord) => Date; applies: (r: RoundRecord) => boolean }> = {
  'entry-opens': { at: (r) => r.timetable.entryOpensAt, applies: (r) => r.kind === 'lottery' },
  results: { at: (r) => r.timetable.resultsAt, applies: (r) => r.kind === 'lottery' },
  'confirmation-closed': { at: (r) => r.timetable.confirmClosesAt, applies: (r) => r.kind === 'lottery' },
  'first-come': { at: (r) => r.timetable.firstComeOpensAt, applies: () => true },
};

/** The earliest milestone of `target` strictly after `now`, with every round that has it then. */
export function nextMilestone(rounds: readonly RoundRecord[], target: DemoClockTarget, now: Date): Next {
  const { at, applies } = MILESTONE[target];
  const ahead = rounds.filter((r) => applies(r) && at(r).getTime() > now.getTime());
  if (ahead.length === 0) return null;
  const earliest = Math.min(...ahead.map((r) => at(r).getTime()));
  return {
    at: new Date(earliest).toISOString(),
    roundIds: ahead.filter((r) => at(r).getTime() === earliest).map((r) => r.roundId).sort(),
  };
}

/**
 * Where the demo's witnesses come from, said in every document drawn with one: random bytes of the hub,
 * not a public value (a real draw's officer enters one, DRAW.md "The witness").
 */
export const DEMO_WITNESS_SOURCE = 'demo clock (HUB_SEED_DEMO_USERS=1): random bytes of the hub, not a public value';

/**
 * The demo's lottery clock (HUB_SEED_DEMO_USERS=1 only): shows where the lottery's time stands and
 * moves it forward to the next results, confirmation close or first-come opening, then runs the
 * lottery's tick at once so draws and releases happen before the answer. The administrator moving it
 * stands in for the draw officer: each round whose draw time it passes gets a demo witness.
 */
@Injectable()
export class LotteryDemoService {
  private readonly log: Logger;

  constructor(
    @Inject(LOTTERY_CLOCK) private readonly clock: Clock,
    @Inject(LOTTERY_REPOSITORY) private readonly lottery: LotteryRepository,
    @Inject(FACILITY_CATALOGUE_REPOSITORY) private readonly catalogue: FacilityCatalogueRepository,
    @Inject(LotteryScheduler) private readonly scheduler: LotteryScheduler,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'lottery-demo' });
  }

  async view(principal: Principal): Promise<DemoClockView> {
    return this.viewOf(this.demoClock(principal));
  }

  async advance(principal: Principal, target: DemoClockTarget): Promise<DemoClockAdvanceResult> {
    const clock = this.demoClock(principal);
    const next = nextMilestone(await this.rounds(), target, clock.now());
    if (!next) throw notFound(`no round has a "${target}" milestone ahead of ${clock.now().toISOString()}`);
    const moved = await clock.advanceTo(new Date(next.at));
    await this.witnessDueRounds(principal, moved.to);
    const { drawn } = await this.scheduler.tick();
    this.log.info({ by: principal.username, target, from: moved.from.toISOString(), to: moved.to.toISOString(), drawn }, 'demo lottery clock advanced');
    return { from: moved.from.toISOString(), to: moved.to.toISOString(), drawn, clock: await this.viewOf(clock) };
  }

  /** A demo witness for each round whose draw time has come and that has none yet, so the tick draws it. */
  private async witnessDueRounds(principal: Principal, now: Date): Promise<void> {
    for (const round of await this.rounds()) {
      if (round.kind !== 'lottery' || round.drawnAt !== null || round.witness !== null || round.timetable.drawAt.getTime() > now.getTime()) continue;
      const witness = { value: this.random.bytes(16).toString('hex'), source: DEMO_WITNESS_SOURCE, enteredAt: now.toISOString() };
      await this.lottery.enterWitness(round.roundId, witness, principal.username);
    }
  }

  private demoClock(principal: Principal): DemoLotteryClock {
    // Not there at all outside the demo, whoever asks.
    if (!(this.clock instanceof DemoLotteryClock)) throw notFound('the lottery clock can be moved only in the demo (HUB_SEED_DEMO_USERS=1)');
    if (!hasRole(principal, 'manage-users') || principal.municipality !== null) {
      throw forbidden('only an administrator of every municipality may move the lottery clock');
    }
    return this.clock;
  }

  private async viewOf(clock: DemoLotteryClock): Promise<DemoClockView> {
    const now = clock.now();
    const rounds = await this.rounds();
    return {
      now: now.toISOString(),
      offsetMs: clock.offset,
      next: {
        'entry-opens': nextMilestone(rounds, 'entry-opens', now),
        results: nextMilestone(rounds, 'results', now),
        'confirmation-closed': nextMilestone(rounds, 'confirmation-closed', now),
        'first-come': nextMilestone(rounds, 'first-come', now),
      },
    };
  }

  private async rounds(): Promise<RoundRecord[]> {
    const all: RoundRecord[] = [];
    for (const settings of await this.catalogue.listSettings()) all.push(...(await this.lottery.listRounds(settings.municipality)));
    return all;
  }
}
