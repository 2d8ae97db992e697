import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { TOYONAKA_FACILITIES } from '../domain/lottery/catalogue.toyonaka';
import { SCHEDULER, type Scheduler } from '../repositories/scheduler.repository';
import { FacilityUsersService } from './facility-users.service';
import { LotteryRoundsService } from './lottery-rounds.service';

/** How often the lottery calendar is advanced: rounds created, draws run, unconfirmed wins released. */
export const LOTTERY_TICK_MS = 60_000;

/**
 * Starts the lottery with the hub: seeds Toyonaka's facilities and settings (idempotent), catches up
 * on whatever fell due while the hub was down, then ticks on the injected scheduler. Every tick is
 * idempotent, so a crash between two steps only delays them.
 */
@Injectable()
export class LotteryScheduler implements OnApplicationBootstrap {
  constructor(
    @Inject(LotteryRoundsService) private readonly rounds: LotteryRoundsService,
    @Inject(FacilityUsersService) private readonly users: FacilityUsersService,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.rounds.seedCatalogue(TOYONAKA_FACILITIES);
    await this.tick();
    this.scheduler.every('lottery', LOTTERY_TICK_MS, () => this.tick());
  }

  async tick(): Promise<void> {
    await this.rounds.tick();
    await this.users.purgeExpiredSessions();
  }
}
