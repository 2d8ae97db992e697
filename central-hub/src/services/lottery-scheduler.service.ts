import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '../config';
import { TOYONAKA_FACILITIES } from '../domain/lottery/catalogue.toyonaka';
import { DEMO_CARD_LINKS, DEMO_FACILITY_USERS } from '../domain/lottery/demo-users';
import { testCaResidentFingerprints } from '../repositories/demo-card-links';
import { SCHEDULER, type Scheduler } from '../repositories/scheduler.repository';
import { JOB_LEADERSHIP, type JobLeadership, type LeaderJob } from '../storage/job-leadership';
import { FacilityUsersService } from './facility-users.service';
import { LotteryOfflineService } from './lottery-offline.service';
import { LotteryRoundsService } from './lottery-rounds.service';

/** How often the lottery calendar is advanced: rounds created, draws run, unconfirmed wins released. */
export const LOTTERY_TICK_MS = 60_000;
/** The scheduled job's name (tests run it by name); one hub process at a time runs it (issue 14). */
export const LOTTERY_TICK = 'lottery' satisfies LeaderJob;

/**
 * Starts the lottery with the hub: seeds Toyonaka's facilities and settings and the demo users when
 * the configuration asks for them (both idempotent), catches up on whatever fell due while the hub was
 * down, then ticks on the injected scheduler. Every tick is idempotent, so a crash between two steps
 * only delays them. With no municipality configured a tick is a few queries, so a hub that does not
 * run the lottery starts as fast as without it. With several hub processes on one database (issue 14)
 * only the one that leads the lottery ticks (another takes over within a tick of its death); the draw
 * of a round is claimed in the database besides, so it runs once even if two ticks met.
 */
@Injectable()
export class LotteryScheduler implements OnApplicationBootstrap {
  constructor(
    @Inject(LotteryRoundsService) private readonly rounds: LotteryRoundsService,
    @Inject(FacilityUsersService) private readonly users: FacilityUsersService,
    @Inject(LotteryOfflineService) private readonly offline: LotteryOfflineService,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(JOB_LEADERSHIP) private readonly leadership: JobLeadership,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.lottery.seedFacilities) await this.rounds.seedCatalogue(TOYONAKA_FACILITIES);
    if (this.config.lottery.seedDemoUsers) await this.users.ensureDemoUsers(DEMO_FACILITY_USERS);
    if (this.config.lottery.seedDemoUsers && this.config.certificates.seedResidents) await this.linkDemoCards();
    await this.tickIfLeading();
    this.scheduler.every(LOTTERY_TICK, LOTTERY_TICK_MS, () => this.tickIfLeading());
  }

  /** Demo only: links the demo user cards of DEMO_CARD_LINKS to their TEST CA virtual cards (idempotent). */
  private async linkDemoCards(): Promise<void> {
    const fingerprints = testCaResidentFingerprints(this.config.certificates.trustAnchorFiles);
    for (const link of DEMO_CARD_LINKS) {
      const fingerprint = fingerprints.get(link.residentId);
      if (fingerprint) await this.users.linkCertificate(link.userNumber, fingerprint);
    }
  }

  private async tickIfLeading(): Promise<void> {
    if (await this.leadership.leads(LOTTERY_TICK)) await this.tick();
  }

  /** One step of the calendar, whoever leads (the demo clock's move runs it at once, in the process asked). */
  async tick(): Promise<{ drawn: string[]; released: number }> {
    // Offline entries that arrived before a crash are judged first: they may be due for this tick's draw.
    await this.offline.judgePending();
    const done = await this.rounds.tick();
    await this.users.purgeExpiredSessions();
    return done;
  }
}
