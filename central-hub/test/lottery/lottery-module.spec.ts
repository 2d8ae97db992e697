import 'reflect-metadata';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { lotteryHubAckSchemas } from '@kiosk/protocols';
import { HUB_CONFIG, parseConfig } from '../../src/config';
import { LotteryAgentHandlers } from '../../src/gateways/lottery.handlers';
import { LOGGER } from '../../src/logger';
import { LotteryModule } from '../../src/lottery.module';
import { CLOCK } from '../../src/repositories/clock.repository';
import { DATABASE } from '../../src/repositories/database.repository';
import { RANDOM } from '../../src/repositories/random.repository';
import { SCHEDULER } from '../../src/repositories/scheduler.repository';
import { FacilityUsersService } from '../../src/services/facility-users.service';
import type { HubStore } from '../../src/storage/hub-store';
import { JOB_LEADERSHIP, SoleLeadership } from '../../src/storage/job-leadership';
import { ManualScheduler } from '../support/manual-scheduler';
import { openTestStore } from '../support/test-store';
import { SeededRandom, SettableClock, jst } from './support';

/** The Nest module as the hub will import it: its providers resolve, and bootstrap seeds and ticks. */
describe('LotteryModule', () => {
  let dir: string;
  let store: HubStore;
  let closeStore: () => Promise<void>;
  let app: INestApplicationContext;
  const clock = new SettableClock(jst('2026-11-03 10:00'));
  const scheduler = new ManualScheduler();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-lottery-module-'));
    const logger = pino({ level: 'silent' });
    ({ store, close: closeStore } = await openTestStore());

    /** What the hub's RuntimeModule and StorageModule provide, with the test's clock and scheduler. */
    @Global()
    @Module({
      providers: [
        { provide: HUB_CONFIG, useValue: parseConfig({ HUB_SEED_FACILITIES: '1' }, { repoRoot: dir }) },
        { provide: DATABASE, useValue: store },
        { provide: CLOCK, useValue: clock },
        { provide: RANDOM, useValue: new SeededRandom('module') },
        { provide: LOGGER, useValue: logger },
        { provide: SCHEDULER, useValue: scheduler },
        { provide: JOB_LEADERSHIP, useValue: new SoleLeadership() },
      ],
      exports: [HUB_CONFIG, DATABASE, CLOCK, RANDOM, LOGGER, SCHEDULER, JOB_LEADERSHIP],
    })
    class Runtime {}

    @Module({ imports: [Runtime, LotteryModule] })
    class Root {}

    app = await NestFactory.createApplicationContext(Root, { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await closeStore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds Toyonaka (HUB_SEED_FACILITIES), creates the rounds at bootstrap, and registers its tick', async () => {
    const count = async (table: 'facilities' | 'lottery_settings' | 'lottery_rounds', column: 'municipality' | 'kind', value: string) => {
      const row = await store.db
        .selectFrom(table)
        .select(sql<number>`count(*)`.as('n'))
        .where(column, '=', value)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    expect(await count('facilities', 'municipality', '豊中市')).toBe(11);
    expect(await count('lottery_settings', 'municipality', '豊中市')).toBe(1);
    const lotteryRounds = await count('lottery_rounds', 'kind', 'lottery');
    expect(lotteryRounds).toBe(12); // January (window open now) and February, 6 facility types each
    await scheduler.run('lottery');
    expect(await count('lottery_rounds', 'kind', 'lottery')).toBe(lotteryRounds);
  });

  it('answers a terminal: sign in, then enter the lottery', async () => {
    const { userNumber } = await app.get(FacilityUsersService).register({ municipality: '豊中市', pin: '9182' });
    const handlers = app.get(LotteryAgentHandlers);
    const signIn = lotteryHubAckSchemas['lottery.signIn'].parse(await handlers.handle('toyonaka-st-002', 'lottery.signIn', { userNumber, pin: '9182' }));
    if (!signIn.ok) throw new Error(signIn.error.message);
    const ack = await handlers.handle('toyonaka-st-002', 'lottery.entry.submit', {
      sessionToken: signIn.sessionToken,
      clientEntryId: '01900000-0000-7000-8000-000000000001',
      firstSlotId: 'toyonaka-rose-stadium-field@2027-01-09T0800',
    });
    expect(lotteryHubAckSchemas['lottery.entry.submit'].parse(ack)).toMatchObject({ ok: true, entry: { roundId: 'toyonaka-baseball-2027-01' } });
  });
});
