import { Inject, Injectable } from '@nestjs/common';
import { PUBLISHED_DRAW_FORMAT_V2, PublishedDrawSchema, type Municipality, type PublishedDraw, type RoundView } from '@kiosk/protocols';
import { roundIdOf } from '../domain/lottery/catalogue.toyonaka';
import { commitmentOf, drawSeedOf, entrantPseudonym, runDraw, type DrawEntry, type DrawSlot } from '../domain/lottery/draw';
import { voidMergedDuplicates } from '../domain/lottery/entry-rules';
import { jstMonth } from '../domain/jst';
import { firstComeOnlyTimetable, lotteryTimetable, useMonthsToPrepare } from '../domain/lottery/schedule';
import { defaultLotterySettings } from '../domain/lottery/settings';
import { generateSlots, type FacilitySpec } from '../domain/lottery/slots';
import { isAnnounced } from '../dtos/lottery-public.dto';
import { toRoundView } from '../dtos/lottery.dto';
import { conflict, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { LOTTERY_CLOCK, type Clock } from '../repositories/lottery-clock.repository';
import { FACILITY_CATALOGUE_REPOSITORY, type FacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { LOTTERY_REPOSITORY, type DrawRecord, type LotteryRepository } from '../repositories/lottery.repository';
import type { RoundRecord } from '../repositories/lottery.rows';
import { RANDOM, type Random } from '../repositories/random.repository';
import { refused } from './lottery.errors';

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class DrawAbortedError extends Error {
  override readonly name = 'DrawAbortedError';
  constructor(readonly reason: 'entries-changed') {
    super(`draw aborted: ${reason}`);
  }
}

/**
 * The lottery calendar: creates each month's rounds (with their secret seed and public commitment)
 * and slots ahead of time, runs draws when they are due, publishes them, and releases unconfirmed
 * wins. `tick()` does all that's due and is safe to run any time, any number of times.
 */
@Injectable()
export class LotteryRoundsService {
  private readonly log: Logger;

  constructor(
    @Inject(LOTTERY_REPOSITORY) private readonly lottery: LotteryRepository,
    @Inject(FACILITY_CATALOGUE_REPOSITORY) private readonly catalogue: FacilityCatalogueRepository,
    @Inject(LOTTERY_CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'lottery-rounds' });
  }

  /** Loads facilities (updating what changed) and gives their municipalities default settings if they have none. */
  async seedCatalogue(facilities: readonly FacilitySpec[]): Promise<void> {
    await this.catalogue.upsertFacilities(facilities);
    for (const municipality of new Set(facilities.map((f) => f.municipality))) {
      if (!(await this.catalogue.getSettings(municipality))) {
        await this.catalogue.saveSettings(defaultLotterySettings(municipality), this.clock.now().toISOString());
      }
    }
  }

  /** The lottery's time now (the demo clock may run ahead): terminals show their calendars by it. */
  lotteryNow(): string {
    return this.clock.now().toISOString();
  }

  /** Resolves with the rounds it drew and how many unconfirmed wins it released. */
  async tick(): Promise<{ drawn: string[]; released: number }> {
    await this.ensureRounds();
    const drawn = await this.runDueDraws();
    const now = this.clock.now();
    const { released, promoted } = await this.lottery.releaseExpiredHolds(now.toISOString(), () => this.random.uuidv7(now));
    if (released > 0) this.log.info({ released, promoted }, 'unconfirmed lottery wins released');
    return { drawn, released };
  }

  /**
   * Creates the rounds of this month and the next ones, with their slots. A month whose entry window
   * has already closed (the hub started late) gets a first-come-only round instead of a lottery.
   */
  async ensureRounds(): Promise<string[]> {
    const now = this.clock.now();
    const created: string[] = [];
    for (const settings of await this.catalogue.listSettings()) {
      const facilities = await this.catalogue.listFacilities(settings.municipality);
      const types = [...new Set(facilities.map((f) => f.facilityType))];
      for (const useMonth of useMonthsToPrepare(settings.schedule, jstMonth(now))) {
        for (const facilityType of types) {
          if (await this.lottery.findRoundFor(settings.municipality, facilityType, useMonth)) continue;
          const lotteryTimes = lotteryTimetable(settings.schedule, useMonth);
          const isLottery = now.getTime() < lotteryTimes.entryClosesAt.getTime();
          if (!isLottery && now.getTime() >= lotteryTimes.endsAt.getTime()) continue;
          const seedHex = isLottery ? this.random.bytes(32).toString('hex') : null;
          const round: RoundRecord = {
            roundId: roundIdOf(settings.municipality, facilityType, useMonth),
            municipality: settings.municipality,
            facilityType,
            useMonth,
            kind: isLottery ? 'lottery' : 'first-come-only',
            timetable: isLottery ? lotteryTimes : firstComeOnlyTimetable(useMonth, now),
            offlineGraceMs: settings.schedule.offlineGraceMinutes * 60_000,
            caps: settings.caps,
            seedHex,
            commitmentHex: seedHex ? commitmentOf(seedHex) : null,
            createdAt: now.toISOString(),
            drawnAt: null,
            resultDigest: null,
            witness: null,
          };
          const slots = facilities.filter((f) => f.facilityType === facilityType).flatMap((f) => generateSlots(f, useMonth));
          if (await this.lottery.createRound(round, slots)) {
            created.push(round.roundId);
            this.log.info({ roundId: round.roundId, kind: round.kind, slots: slots.length, commitment: round.commitmentHex }, 'lottery round created');
          }
        }
      }
    }
    return created;
  }

  /**
   * Draws every round that is due and has its witness (a round without one waits for its draw officer:
   * DRAW.md, "The witness"); one that fails is logged and retried next tick, the others go on.
   */
  async runDueDraws(): Promise<string[]> {
    const drawn: string[] = [];
    for (const round of await this.lottery.roundsDueForDraw(this.clock.now().toISOString())) {
      try {
        await this.draw(round.roundId);
        drawn.push(round.roundId);
      } catch (error) {
        this.log.error({ roundId: round.roundId, err: error instanceof Error ? error.message : String(error) }, 'lottery draw failed');
      }
    }
    return drawn;
  }

  /**
   * Draws a round (once: a second call returns the published draw), from its draw time and once its
   * officer has entered the witness. Entries of one person through cards linked after they entered are
   * de-duplicated first (the later entry is voided); then the pure draw runs over pseudonymous entries,
   * keyed by SHA-256(seed || witness), and its results, ranks, held wins and public document are written
   * in one transaction.
   */
  async draw(roundId: string): Promise<PublishedDraw> {
    const round = await this.lottery.findRound(roundId);
    if (!round || round.kind !== 'lottery' || !round.seedHex || !round.commitmentHex) throw notFound(`no lottery round ${roundId}`);
    if (round.drawnAt) return this.storedDraw(roundId);
    const now = this.clock.now();
    if (now.getTime() < round.timetable.drawAt.getTime()) {
      throw refused('outside_window', `the draw is at ${round.timetable.drawAt.toISOString()}`);
    }
    const witness = round.witness;
    if (!witness) throw conflict(`the draw of ${roundId} waits for its witness, entered by a draw officer`);
    const seed = round.seedHex;
    const drawSeed = drawSeedOf(seed, witness.value);
    const snapshot = await this.lottery.drawSnapshot(roundId);
    const { kept, voided } = voidMergedDuplicates(snapshot);
    const slotIds = [...new Set(kept.flatMap((e) => (e.second ? [e.first, e.second] : [e.first])))].sort(byString);
    const slotInfo = await this.catalogue.findSlots(slotIds);
    const slots: DrawSlot[] = slotIds.map((slotId) => {
      const s = slotInfo.get(slotId);
      if (!s) throw new Error(`slot ${slotId} of an entry is missing`);
      return { slotId, unitId: s.unitId, date: s.date, start: s.start, end: s.end, capacity: 1 };
    });
    const entries: DrawEntry[] = kept
      .map((e) => ({ ref: e.entryNumber, entrant: entrantPseudonym(drawSeed, e.identityId), first: e.first, second: e.second }))
      .sort((a, b) => byString(a.ref, b.ref));
    const outcome = runDraw({ roundId, seed, witness: witness.value, commitment: round.commitmentHex, maxWinsPerEntrant: round.caps.maxWins, slots, entries });

    const published = PublishedDrawSchema.parse({
      format: PUBLISHED_DRAW_FORMAT_V2,
      roundId,
      municipality: round.municipality,
      facilityType: round.facilityType,
      useMonth: round.useMonth,
      commitment: round.commitmentHex,
      seed,
      witness,
      drawSeed,
      drawnAt: now.toISOString(),
      rules: { maxWinsPerEntrant: round.caps.maxWins },
      slots,
      entries,
      resultDigest: outcome.digest,
    } satisfies PublishedDraw);
    const byRef = new Map(kept.map((e) => [e.entryNumber, e]));
    const entryOf = (ref: string) => byRef.get(ref) as (typeof kept)[number];
    const record: DrawRecord = {
      roundId,
      drawnAt: now.toISOString(),
      resultDigest: outcome.digest,
      publishedJson: JSON.stringify(published),
      entryIds: snapshot.map((e) => e.entryId),
      voidedEntryIds: voided.map((e) => e.entryId),
      results: kept.map((e) => {
        const won = outcome.wins.get(e.entryNumber);
        return { entryId: e.entryId, result: won?.result ?? 'lost', wonSlotId: won?.slotId ?? null };
      }),
      // Each drawn slot's ranking as published: its winners, then its alternates, in drawn order.
      ranks: outcome.slots.flatMap((slot) =>
        [...slot.winners, ...slot.alternates].map((ref, position) => ({
          slotId: slot.slotId,
          position,
          entryId: entryOf(ref).entryId,
          choice: entryOf(ref).first === slot.slotId ? (1 as const) : (2 as const),
          won: position < slot.winners.length,
        })),
      ),
      holds: outcome.slots.flatMap((slot) =>
        slot.winners.map((ref) => ({
          bookingId: this.random.uuidv7(now),
          // A win's booking number is its entry number: the receipt already printed stays valid.
          bookingNumber: ref,
          slotId: slot.slotId,
          userNumber: entryOf(ref).userNumber,
          entryId: entryOf(ref).entryId,
          feeYen: slotInfo.get(slot.slotId)?.feeYen ?? 0,
        })),
      ),
    };
    const written = await this.lottery.recordDraw(record);
    if (written === 'already-drawn') return this.storedDraw(roundId);
    if (written === 'entries-changed') throw new DrawAbortedError('entries-changed');
    this.log.info(
      { roundId, entries: entries.length, voided: voided.length, wins: record.holds.length, digest: outcome.digest },
      'lottery drawn',
    );
    return published;
  }

  /**
   * The draw document as a terminal may show it: from the round's results time, like the public route
   * (DRAW.md, "Publication"): the seed and the result are revealed nowhere before.
   */
  async publishedDraw(roundId: string): Promise<PublishedDraw> {
    const round = await this.lottery.findRound(roundId);
    if (!round?.drawnAt) throw notFound(`round ${roundId} has not been drawn`);
    if (!isAnnounced(round, this.clock.now())) {
      throw conflict(`the draw of ${roundId} is published with its results, at ${round.timetable.resultsAt.toISOString()}`);
    }
    return this.storedDraw(roundId);
  }

  /** The document as recorded at the draw, whenever asked (the draw itself and its officer). */
  private async storedDraw(roundId: string): Promise<PublishedDraw> {
    const json = await this.lottery.publishedDraw(roundId);
    if (!json) throw notFound(`round ${roundId} has not been drawn`);
    return PublishedDrawSchema.parse(JSON.parse(json));
  }

  async listRounds(municipality: Municipality): Promise<RoundView[]> {
    const now = this.clock.now();
    return (await this.lottery.listRounds(municipality)).map((round) => toRoundView(round, now));
  }
}
