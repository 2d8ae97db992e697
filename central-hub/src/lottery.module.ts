import { Module } from '@nestjs/common';
import { LotteryAgentHandlers } from './gateways/lottery.handlers';
import { DATABASE } from './repositories/database.repository';
import { FACILITY_BOOKING_REPOSITORY, KyselyFacilityBookingRepository } from './repositories/facility-booking.repository';
import { FACILITY_CATALOGUE_REPOSITORY, KyselyFacilityCatalogueRepository } from './repositories/facility-catalogue.repository';
import { FACILITY_USERS_REPOSITORY, KyselyFacilityUsersRepository } from './repositories/facility-users.repository';
import { HUB_CONFIG, type HubConfig } from './config';
import { CLOCK, type Clock } from './repositories/clock.repository';
import { DemoLotteryClock, HubLotteryClock, LOTTERY_CLOCK, type LotteryClock } from './repositories/lottery-clock.repository';
import { LOTTERY_OFFLINE_REPOSITORY, KyselyLotteryOfflineRepository } from './repositories/lottery-offline.repository';
import { FileOfflineEntryKeys, OFFLINE_ENTRY_KEY } from './repositories/lottery-offline-key.repository';
import { LOTTERY_REPOSITORY, KyselyLotteryRepository } from './repositories/lottery.repository';
import { FacilityBookingService } from './services/facility-booking.service';
import { FacilityUsersService } from './services/facility-users.service';
import { LotteryCardSignInService } from './services/lottery-card-sign-in.service';
import { LotteryOfflineService } from './services/lottery-offline.service';
import { LotteryRoundsService } from './services/lottery-rounds.service';
import { LotteryScheduler } from './services/lottery-scheduler.service';
import { LotteryService } from './services/lottery.service';
import type { HubStore } from './storage/hub-store';

/** The module's services and handlers: each one provided here and exported to the modules that import this one. */
const lotteryServices = [
  FacilityUsersService,
  LotteryService,
  LotteryOfflineService,
  LotteryRoundsService,
  FacilityBookingService,
  LotteryScheduler,
  LotteryCardSignInService,
  LotteryAgentHandlers,
];

/**
 * Facility lottery and booking: users and sessions, rounds and draws, entries, confirmations,
 * first-come booking, and the `lottery.*` socket handlers for street terminals. Needs the runtime
 * (CLOCK, RANDOM, LOGGER, SCHEDULER), the StorageModule's DATABASE, and LOTTERY_MIGRATION applied.
 */
@Module({
  providers: [
    { provide: LOTTERY_REPOSITORY, useClass: KyselyLotteryRepository },
    { provide: FACILITY_CATALOGUE_REPOSITORY, useClass: KyselyFacilityCatalogueRepository },
    { provide: FACILITY_BOOKING_REPOSITORY, useClass: KyselyFacilityBookingRepository },
    { provide: FACILITY_USERS_REPOSITORY, useClass: KyselyFacilityUsersRepository },
    { provide: LOTTERY_OFFLINE_REPOSITORY, useClass: KyselyLotteryOfflineRepository },
    { provide: OFFLINE_ENTRY_KEY, useFactory: (config: HubConfig) => new FileOfflineEntryKeys(config.dataDir), inject: [HUB_CONFIG] },
    {
      provide: LOTTERY_CLOCK,
      useFactory: (clock: Clock, config: HubConfig, store: HubStore): LotteryClock | Promise<LotteryClock> =>
        config.lottery.seedDemoUsers ? DemoLotteryClock.open(clock, store) : new HubLotteryClock(clock),
      inject: [CLOCK, HUB_CONFIG, DATABASE],
    },
    ...lotteryServices,
  ],
  exports: [LOTTERY_CLOCK, LOTTERY_REPOSITORY, FACILITY_CATALOGUE_REPOSITORY, ...lotteryServices],
})
export class LotteryModule {}
