import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { TOYONAKA_FACILITIES } from '../../src/domain/lottery/catalogue.toyonaka';
import { LotteryAgentHandlers } from '../../src/gateways/lottery.handlers';
import type { Clock } from '../../src/repositories/clock.repository';
import { HubLotteryClock } from '../../src/repositories/lottery-clock.repository';
import { SqliteHubStore } from '../../src/storage/sqlite-hub-store';
import { TEST_ENGINE, openTestStore } from '../support/test-store';
import { KyselyFacilityBookingRepository } from '../../src/repositories/facility-booking.repository';
import { KyselyFacilityCatalogueRepository } from '../../src/repositories/facility-catalogue.repository';
import { KyselyFacilityUsersRepository } from '../../src/repositories/facility-users.repository';
import { KyselyLotteryOfflineRepository } from '../../src/repositories/lottery-offline.repository';
import { fixedOfflineEntryKeys, offlineKeyPairOf, type OfflineEntryKeyPair } from '../../src/repositories/lottery-offline-key.repository';
import { KyselyLotteryRepository } from '../../src/repositories/lottery.repository';
import type { Random } from '../../src/repositories/random.repository';
import { FacilityBookingService } from '../../src/services/facility-booking.service';
import { FacilityUsersService } from '../../src/services/facility-users.service';
import { BOOTSTRAP_PRINCIPAL } from '../../src/services/access.rules';
import { LotteryDrawOfficerService } from '../../src/services/lottery-draw-officer.service';
import { KyselyAuditRepository } from '../../src/repositories/audit.repository';
import { actorOf, auditDraftOf, type AuditRecorder } from '../../src/services/audit.service';
import { LotteryOfflineService } from '../../src/services/lottery-offline.service';
import { LotteryRoundsService } from '../../src/services/lottery-rounds.service';
import { LotteryService } from '../../src/services/lottery.service';
import type { HubStore } from '../../src/storage/hub-store';
import { LogCapture } from '../support/log-capture';

/** A clock the test sets to any instant (Japan-time helpers make the instants readable). */
export class SettableClock implements Clock {
  private ms: number;

  constructor(start: string) {
    this.ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(iso: string | Date): void {
    this.ms = new Date(iso).getTime();
  }
}

/** Reproducible randomness (seeds, salts, numbers, ids) so a failing run can be replayed. */
export class SeededRandom implements Random {
  private counter = 0;

  constructor(private readonly seed: string) {}

  bytes(count: number): Buffer {
    const blocks: Buffer[] = [];
    let length = 0;
    while (length < count) {
      const block = createHash('sha256').update(`${this.seed}/${this.counter++}`).digest();
      blocks.push(block);
      length += block.length;
    }
    return Buffer.concat(blocks).subarray(0, count);
  }

  uuidv7(at: Date): string {
    return uuidv7({ msecs: at.getTime(), random: this.bytes(16) });
  }
}

let offlineKey: OfflineEntryKeyPair | undefined;
/** One RSA key per test process (2048 bits, quick to make); the hub makes 3072-bit keys. */
export function testOfflineKey(): OfflineEntryKeyPair {
  offlineKey ??= offlineKeyPairOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  return offlineKey;
}

export interface LotteryWorld {
  dir: string;
  /** The hub's store on this run's engine (SQLite: the file in `dir`; PostgreSQL: a database of its own). */
  store: HubStore;
  clock: SettableClock;
  random: SeededRandom;
  logs: LogCapture;
  users: FacilityUsersService;
  lottery: LotteryService;
  rounds: LotteryRoundsService;
  officer: LotteryDrawOfficerService;
  /** Stands in for the draw officer: enters a witness for the round (at its draw time), which draws it. */
  witness(roundId: string, value?: string): Promise<void>;
  booking: FacilityBookingService;
  offline: LotteryOfflineService;
  offlineKey: OfflineEntryKeyPair;
  handlers: LotteryAgentHandlers;
  close(): Promise<void>;
}

/** Opens the hub's store on this run's engine; on SQLite, the real file in `dir`, migrated as the hub migrates it. */
async function openWorldStore(dir: string): Promise<{ store: HubStore; close(): Promise<void> }> {
  if (TEST_ENGINE === 'postgres') return openTestStore();
  const store = new SqliteHubStore(dir);
  return { store, close: () => store.close() };
}

/** The lottery's services on real repositories over a real store (a SQLite file in a fresh temporary directory, or PostgreSQL). */
export async function lotteryWorld(start: string, options: { dir?: string; seed?: string } = {}): Promise<LotteryWorld> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'hub-lottery-'));
  const logs = new LogCapture();
  const logger = pino({ level: 'debug' }, logs);
  const opened = await openWorldStore(dir);
  const { store } = opened;
  const clock = new SettableClock(start);
  const random = new SeededRandom(options.seed ?? 'lottery-test');
  const lotteryRepo = new KyselyLotteryRepository(store);
  const catalogue = new KyselyFacilityCatalogueRepository(store);
  const bookings = new KyselyFacilityBookingRepository(store);
  const usersRepo = new KyselyFacilityUsersRepository(store);
  const users = new FacilityUsersService(usersRepo, catalogue, clock, random, logger);
  const lottery = new LotteryService(lotteryRepo, catalogue, clock, random, logger);
  const rounds = new LotteryRoundsService(lotteryRepo, catalogue, clock, random, logger);
  const booking = new FacilityBookingService(bookings, catalogue, lotteryRepo, clock, random, logger);
  const offlineKey = testOfflineKey();
  const offline = new LotteryOfflineService(new KyselyLotteryOfflineRepository(store), lotteryRepo, catalogue, usersRepo, fixedOfflineEntryKeys(offlineKey), new HubLotteryClock(clock), random, logger);
  const handlers = new LotteryAgentHandlers(users, lottery, rounds, booking, offline, logger);
  const auditRepo = new KyselyAuditRepository(store);
  const trail: AuditRecorder = {
    draft: (principal, facts) => auditDraftOf(actorOf(principal), facts, clock.now()),
    record: (draft) => auditRepo.append(draft),
  };
  const officer = new LotteryDrawOfficerService(lotteryRepo, rounds, clock, trail, logger);
  let closed = false;
  return {
    dir,
    store,
    clock,
    random,
    logs,
    users,
    lottery,
    rounds,
    officer,
    witness: async (roundId, value = `test witness for ${roundId}`) => {
      await officer.enterWitness(BOOTSTRAP_PRINCIPAL, roundId, { value, source: 'test: entered by the test as the draw officer' });
    },
    booking,
    offline,
    offlineKey,
    handlers,
    close: async () => {
      if (closed) return;
      closed = true;
      await opened.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function seededWorld(start: string, options: { dir?: string; seed?: string } = {}): Promise<LotteryWorld> {
  const world = await lotteryWorld(start, options);
  await world.rounds.seedCatalogue(TOYONAKA_FACILITIES);
  await world.rounds.ensureRounds();
  return world;
}

/** Instant of a Japan-time wall clock reading, e.g. jst('2026-11-01 00:00'). */
export function jst(local: string): string {
  return new Date(`${local.replace(' ', 'T')}:00+09:00`).toISOString();
}

/** A fresh client request id, as a terminal would make it. */
export const clientId = (): string => uuidv7();
