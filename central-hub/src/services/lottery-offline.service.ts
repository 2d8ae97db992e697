import { Inject, Injectable } from '@nestjs/common';
import type { OfflineEntryKey, ProvisionalEntryView } from '@kiosk/protocols';
import { checkEntryRules, checkEntryWindow } from '../domain/lottery/entry-rules';
import { openSealedPin } from '../domain/lottery/offline-seal';
import { verifyPin } from '../domain/lottery/pin-hash';
import { judgeProvisional, type ProvisionalFacts, type ProvisionalVerdict } from '../domain/lottery/provisional-rules';
import { defaultLotterySettings } from '../domain/lottery/settings';
import { LOGGER, type Logger } from '../logger';
import { FACILITY_CATALOGUE_REPOSITORY, type FacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { FACILITY_USERS_REPOSITORY, type FacilityUsersRepository } from '../repositories/facility-users.repository';
import { LOTTERY_CLOCK, type LotteryClock } from '../repositories/lottery-clock.repository';
import {
  LOTTERY_OFFLINE_REPOSITORY,
  type ClientEntryHolder,
  type LotteryOfflineRepository,
  type ProvisionalKey,
  type ProvisionalRecord,
} from '../repositories/lottery-offline.repository';
import { OFFLINE_ENTRY_KEY, type OfflineEntryKeys } from '../repositories/lottery-offline-key.repository';
import { LOTTERY_REPOSITORY, type LotteryRepository, type NewEntry } from '../repositories/lottery.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import type { Tx } from '../storage/hub-store';
import type { FacilityPrincipal } from './facility-users.service';
import { newEntryNumber } from './lottery.service';

/** Pending entries judged per repository read; the loop goes on until none is left. */
const BATCH = 50;

/**
 * Offline (provisional) lottery entries (domain/lottery/OFFLINE.md): the public key terminals seal
 * PINs to, the judging of each entry the event ingest recorded as pending (once, right after the
 * ingest commits and at every lottery tick), and the outcomes a person sees at any terminal.
 */
@Injectable()
export class LotteryOfflineService {
  private readonly log: Logger;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    @Inject(LOTTERY_OFFLINE_REPOSITORY) private readonly offline: LotteryOfflineRepository,
    @Inject(LOTTERY_REPOSITORY) private readonly lottery: LotteryRepository,
    @Inject(FACILITY_CATALOGUE_REPOSITORY) private readonly catalogue: FacilityCatalogueRepository,
    @Inject(FACILITY_USERS_REPOSITORY) private readonly users: FacilityUsersRepository,
    @Inject(OFFLINE_ENTRY_KEY) private readonly keys: OfflineEntryKeys,
    @Inject(LOTTERY_CLOCK) private readonly clock: LotteryClock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'lottery-offline' });
  }

  async offlineKey(): Promise<OfflineEntryKey> {
    return (await this.keys.get()).published;
  }

  /** Called by the event ingest after a commit that recorded provisional entries: judges them soon, never throws. */
  judgeSoon(): void {
    this.judgePending().catch((error: unknown) => {
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'judging provisional entries failed');
    });
  }

  /**
   * Judges every pending provisional entry; resolves with how many this call decided. One run at a
   * time: a call during a run makes that run look again, and resolves when it is done.
   */
  judgePending(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      let decided = 0;
      try {
        do {
          this.again = false;
          for (let batch = await this.offline.pending(BATCH); batch.length > 0; batch = await this.offline.pending(BATCH)) {
            for (const record of batch) decided += await this.judge(record);
          }
        } while (this.again);
      } finally {
        this.running = null;
      }
      return decided;
    };
    this.running = run();
    return this.running;
  }

  async listProvisional(principal: FacilityPrincipal): Promise<ProvisionalEntryView[]> {
    return (await this.offline.listForIdentity(principal.userNumber)).map((r) => ({
      clientEntryId: r.clientEntryId,
      roundId: r.roundId,
      firstSlotId: r.firstSlotId,
      secondSlotId: r.secondSlotId,
      occurredAt: r.occurredAt,
      receivedAt: r.receivedAt,
      status: r.status,
      entryId: r.entryId,
      entryNumber: r.entryNumber,
      rejection: r.reason && r.message ? { reason: r.reason, message: r.message } : null,
      decidedAt: r.decidedAt,
    }));
  }

  /** Judges one entry; 1 if this call decided it, 0 if someone else had. */
  private async judge(record: ProvisionalRecord): Promise<number> {
    const key = { kioskId: record.kioskId, eventId: record.eventId };
    const pair = await this.keys.get();
    const opened = record.sealed
      ? openSealedPin(pair.privateKey, pair.keyId, record.sealed, { userNumber: record.userNumber, clientEntryId: record.clientEntryId, offlineSessionId: record.offlineSessionId })
      : ({ ok: false, problem: 'malformed' } as const);
    if (!opened.ok) this.log.warn({ kioskId: record.kioskId, eventId: record.eventId, problem: opened.problem }, 'sealed PIN of an offline entry refused');

    const user = await this.users.findByNumber(record.userNumber);
    // The slow hash is computed before the write; the attempt is counted (or refused as locked) inside it.
    const pinMatches = opened.ok && user ? await verifyPin(opened.pin, user.pinHash) : false;
    const policy = (user ? ((await this.catalogue.getSettings(user.municipality)) ?? defaultLotterySettings(user.municipality)) : null)?.pin ?? {
      maxAttempts: 5,
      lockMinutes: 30,
    };

    const slotIds = record.secondSlotId ? [record.firstSlotId, record.secondSlotId] : [record.firstSlotId];
    const slots = await this.catalogue.findSlots(slotIds);
    const first = slots.get(record.firstSlotId);
    const second = record.secondSlotId ? slots.get(record.secondSlotId) : null;
    const round = await this.lottery.findRound(record.roundId);
    const choiceOk =
      first !== undefined &&
      second !== undefined &&
      round !== undefined &&
      first.roundId === round.roundId &&
      (second === null || (second.roundId === round.roundId && second.slotId !== first.slotId)) &&
      (user === undefined || first.municipality === user.municipality);
    const choiceProblem = !choiceOk ? ('invalid-choice' as const) : round.kind !== 'lottery' ? ('no-lottery' as const) : null;
    // The terminal stamps an offline entry with the lottery's time as it last heard it from the hub (its
    // receipt says the same), so it is taken as it is. Receipt is this hub's real time, on the lottery's
    // clock (the demo's runs ahead of it).
    const occurredAt = new Date(Date.parse(record.occurredAt));
    // Judged as of receipt: a hub that was down or busy does not make an entry late.
    const receivedAt = this.clock.at(new Date(Date.parse(record.receivedAt)));
    const windowProblem = choiceOk ? checkEntryWindow(round.timetable, receivedAt, occurredAt, round.offlineGraceMs) : null;

    for (let attempt = 0; attempt < 10; attempt++) {
      const now = this.clock.now();
      const entry: NewEntry = {
        entryId: this.random.uuidv7(now),
        entryNumber: newEntryNumber(this.random),
        clientEntryId: record.clientEntryId,
        roundId: record.roundId,
        userNumber: record.userNumber,
        firstSlotId: record.firstSlotId,
        secondSlotId: record.secondSlotId,
        channel: 'offline',
        kioskId: record.kioskId,
        occurredAt: occurredAt.toISOString(),
        acceptedAt: now.toISOString(),
      };
      let verdict: ProvisionalVerdict | null;
      try {
        // Claim, reads, the pure verdict and its writes in one transaction: the entry is judged once,
        // and the PIN attempt state it counts is the one it read.
        verdict = await this.offline.transaction(async (tx) => {
          if (!(await this.offline.claimPending(key, tx))) return null;
          const held = await this.users.holdPinState(record.userNumber, tx);
          const holder = await this.offline.entryWithClientId(record.clientEntryId, tx);
          const existingChoices = choiceOk ? await this.lottery.activeChoices(record.roundId, record.userNumber, tx) : [];
          const v = judgeProvisional({
            sealOpened: opened.ok,
            user: held ?? null,
            pinMatches,
            policy,
            now,
            occurredAt,
            choiceProblem,
            windowProblem,
            clientEntry: clientEntryOf(holder, record),
            sessionPin: record.offlineSessionId === null ? null : await this.offline.sessionPin(record.userNumber, record.offlineSessionId, tx),
            entryRules: () => (choiceOk && first && second !== undefined ? checkEntryRules(existingChoices, { first, second }, round.caps) : null),
          });
          await this.record(key, record, v, entry, held !== undefined, now.toISOString(), tx);
          return v;
        });
      } catch (error) {
        if (error instanceof EntryNumberTaken) continue;
        throw error;
      }
      if (!verdict) return 0;
      if (verdict.outcome === 'reject') this.log.info({ kioskId: record.kioskId, roundId: record.roundId, reason: verdict.reason }, 'offline lottery entry rejected');
      else this.log.info({ kioskId: record.kioskId, roundId: record.roundId, entryId: verdict.outcome === 'accept' ? entry.entryId : verdict.entryId }, 'offline lottery entry accepted');
      return 1;
    }
    throw new Error('could not allocate an entry number');
  }

  /** Writes a verdict inside the judging transaction; a taken entry number rolls it all back (PIN state too). */
  private async record(key: ProvisionalKey, record: ProvisionalRecord, v: ProvisionalVerdict, entry: NewEntry, userKnown: boolean, at: string, tx: Tx): Promise<void> {
    if (v.pinChecked && record.offlineSessionId !== null) await this.offline.recordSessionPin(key, v.pinChecked, tx);
    if (v.pinNext && userKnown) await this.users.writePinState(record.userNumber, v.pinNext, tx);
    switch (v.outcome) {
      case 'accept': {
        // The client entry id was read free in this same transaction, so only the random number (or id) can be taken.
        const inserted = await this.lottery.insertEntry(entry, tx);
        if (!inserted.ok) throw new EntryNumberTaken();
        await this.offline.markAccepted(key, entry.entryId, at, tx);
        return;
      }
      case 'same-entry':
        await this.offline.markAccepted(key, v.entryId, at, tx);
        return;
      case 'reject':
        await this.offline.markRejected(key, { reason: v.reason, message: v.message }, at, tx);
        return;
    }
  }
}

/** Thrown inside the judging transaction to roll it back when the entry's random number was taken. */
class EntryNumberTaken extends Error {
  override readonly name = 'EntryNumberTaken';
}

/** What the entry's client id already names: nothing, this very entry (delivered again), or another one. */
function clientEntryOf(holder: ClientEntryHolder | undefined, record: ProvisionalRecord): ProvisionalFacts['clientEntry'] {
  if (!holder) return { kind: 'new' };
  const same = holder.userNumber === record.userNumber && holder.firstSlotId === record.firstSlotId && holder.secondSlotId === record.secondSlotId;
  return same ? { kind: 'same', entryId: holder.entryId } : { kind: 'other' };
}
