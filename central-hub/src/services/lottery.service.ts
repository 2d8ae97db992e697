import { Inject, Injectable } from '@nestjs/common';
import type { EntryView } from '@kiosk/protocols';
import { checkEntryRules, checkEntryWindow, type EntryRefusal, type WindowRefusal } from '../domain/lottery/entry-rules';
import { roundPhase } from '../domain/lottery/schedule';
import { toEntryView } from '../dtos/lottery.dto';
import { badRequest, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { LOTTERY_CLOCK, type Clock } from '../repositories/lottery-clock.repository';
import { FACILITY_CATALOGUE_REPOSITORY, type FacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { LOTTERY_REPOSITORY, type EntryAdmission, type EntryRecord, type LotteryRepository, type NewEntry } from '../repositories/lottery.repository';
import type { RoundRecord, SlotInfo } from '../repositories/lottery.rows';
import { RANDOM, type Random } from '../repositories/random.repository';
import type { FacilityPrincipal } from './facility-users.service';
import { refused } from './lottery.errors';

export interface EntryRequest {
  clientEntryId: string;
  firstSlotId: string;
  secondSlotId?: string;
  /**
   * Only for an entry taken offline, when the person made it by the terminal's clock. Never from a
   * socket request (the `lottery.entry.submit` schema has no such field, issue 15): offline entries
   * arrive as `lottery.entry.provisional` outbox events, judged by LotteryOfflineService.
   */
  offlineOccurredAt?: string;
  /** The terminal it came from, if any (the internet channel has none). */
  kioskId?: string;
}

/** Ten digits, the first 1–8 (first-come booking numbers start with 9, so the two never collide). */
export function newEntryNumber(random: Random): string {
  const bytes = random.bytes(5);
  const first = 1 + ((bytes[0] ?? 0) % 8);
  const rest = (bytes.readUInt32BE(1) % 1_000_000_000).toString().padStart(9, '0');
  return `${first}${rest}`;
}

const WINDOW_MESSAGES: Record<WindowRefusal, string> = {
  'not-open': 'the entry window for this month has not opened yet',
  closed: 'the entry window for this month has closed',
  'grace-expired': 'this offline entry reached the hub too late after the entry window closed',
  'in-future': "the terminal's clock is ahead of the hub's: the entry time cannot be trusted",
};

function refusalError(refusal: EntryRefusal) {
  switch (refusal.reason) {
    case 'same-choice':
      return badRequest('invalid_message', 'the 2nd choice must differ from the 1st', [{ path: 'secondSlotId', message: 'same as the 1st choice' }]);
    case 'duplicate-slot':
      return refused('duplicate_entry', 'you have already entered for this slot (with this card or a linked one)');
    case 'entry-cap':
      return refused('cap_exceeded', `at most ${refusal.limit} entries per person in this round`, [
        { path: 'entries', message: `limit ${refusal.limit}` },
      ]);
    case 'hours-cap':
      return refused('cap_exceeded', `at most ${refusal.limit} hours per person in this round`, [{ path: 'hours', message: `limit ${refusal.limit}` }]);
  }
}

/**
 * Lottery entries and their results: enter (idempotent by the terminal's client entry id, offline
 * entries judged by their own time within a grace period), cancel while the window is open, list, and
 * confirm or decline a win in the confirmation window.
 */
@Injectable()
export class LotteryService {
  private readonly log: Logger;

  constructor(
    @Inject(LOTTERY_REPOSITORY) private readonly lottery: LotteryRepository,
    @Inject(FACILITY_CATALOGUE_REPOSITORY) private readonly catalogue: FacilityCatalogueRepository,
    @Inject(LOTTERY_CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'lottery' });
  }

  async submitEntry(principal: FacilityPrincipal, request: EntryRequest): Promise<EntryView> {
    const again = await this.lottery.findEntryByClientId(request.clientEntryId);
    if (again) return this.sameEntryOrConflict(again, principal, request);

    const slotIds = request.secondSlotId ? [request.firstSlotId, request.secondSlotId] : [request.firstSlotId];
    const slots = await this.catalogue.findSlots(slotIds);
    const first = slots.get(request.firstSlotId);
    const second = request.secondSlotId ? slots.get(request.secondSlotId) : null;
    if (!first || second === undefined) throw notFound('no such slot');
    if (first.municipality !== principal.municipality) {
      throw refused('slot_unavailable', 'this facility belongs to another municipality than your registration');
    }
    if (second && second.roundId !== first.roundId) {
      throw badRequest('invalid_message', 'both choices must be in the same lottery (facility type and month)', [
        { path: 'secondSlotId', message: 'another lottery round' },
      ]);
    }
    const round = await this.roundOf(first);
    if (round.kind !== 'lottery') throw refused('outside_window', 'this month has no lottery: its slots are booked first-come');
    const now = this.clock.now();
    const offlineAt = request.offlineOccurredAt ? new Date(request.offlineOccurredAt) : null;
    const late = checkEntryWindow(round.timetable, now, offlineAt, round.offlineGraceMs);
    if (late) throw refused('outside_window', WINDOW_MESSAGES[late]);

    const candidate = { first, second: second ?? null };
    for (let attempt = 0; attempt < 10; attempt++) {
      const entryId = this.random.uuidv7(now);
      const entry: NewEntry = {
        entryId,
        entryNumber: newEntryNumber(this.random),
        clientEntryId: request.clientEntryId,
        roundId: round.roundId,
        userNumber: principal.userNumber,
        firstSlotId: first.slotId,
        secondSlotId: second?.slotId ?? null,
        channel: offlineAt ? 'offline' : 'online',
        kioskId: request.kioskId ?? null,
        occurredAt: (offlineAt ?? now).toISOString(),
        acceptedAt: now.toISOString(),
      };
      // The caps are checked against the person's entries and the entry written in one transaction,
      // so two terminals entering for the same person at once cannot both pass a cap.
      const outcome = await this.lottery.transaction(async (tx): Promise<EntryAdmission> => {
        const refusal = checkEntryRules(await this.lottery.activeChoices(round.roundId, principal.userNumber, tx), candidate, round.caps);
        return refusal ? { ok: false, refusal } : this.lottery.insertEntry(entry, tx);
      });
      if (outcome.ok) {
        this.log.info({ entryId, roundId: round.roundId, channel: entry.channel, kioskId: request.kioskId }, 'lottery entry accepted');
        return this.view(await this.mustFind(entryId), now);
      }
      if ('refusal' in outcome) {
        this.log.info({ roundId: round.roundId, code: outcome.refusal.reason }, 'lottery entry refused');
        throw refusalError(outcome.refusal);
      }
      if (outcome.conflict === 'client-entry-id') {
        // Another delivery of the same entry won the race: answer like a retry.
        const raced = await this.lottery.findEntryByClientId(request.clientEntryId);
        if (raced) return this.sameEntryOrConflict(raced, principal, request);
      }
    }
    throw new Error('could not allocate an entry number');
  }

  async cancelEntry(principal: FacilityPrincipal, entryId: string): Promise<EntryView> {
    const entry = await this.ownEntry(principal, entryId);
    const round = await this.mustRound(entry.roundId);
    const now = this.clock.now();
    if (entry.status === 'cancelled') return toEntryView(entry, round, now);
    if (entry.status !== 'active' || roundPhase(round.timetable, now) !== 'entry') {
      throw refused('outside_window', 'entries can be cancelled only while the entry window is open');
    }
    if (await this.lottery.cancelEntry(entryId, now.toISOString())) this.log.info({ entryId }, 'lottery entry cancelled');
    return this.view(await this.mustFind(entryId), now);
  }

  async listEntries(principal: FacilityPrincipal): Promise<EntryView[]> {
    const now = this.clock.now();
    const entries = await this.lottery.listEntriesForIdentity(principal.userNumber);
    const rounds = new Map<string, RoundRecord>();
    for (const id of new Set(entries.map((e) => e.roundId))) rounds.set(id, await this.mustRound(id));
    return entries.map((entry) => toEntryView(entry, rounds.get(entry.roundId) as RoundRecord, now));
  }

  confirm(principal: FacilityPrincipal, entryId: string): Promise<EntryView> {
    return this.decide(principal, entryId, 'confirmed');
  }

  decline(principal: FacilityPrincipal, entryId: string): Promise<EntryView> {
    return this.decide(principal, entryId, 'declined');
  }

  /** Confirms or declines a win; repeating the same decision answers the same. */
  private async decide(principal: FacilityPrincipal, entryId: string, decision: 'confirmed' | 'declined'): Promise<EntryView> {
    const entry = await this.ownEntry(principal, entryId);
    const round = await this.mustRound(entry.roundId);
    const now = this.clock.now();
    const phase = roundPhase(round.timetable, now);
    if (round.drawnAt === null || phase === 'awaiting-draw' || phase === 'awaiting-results' || phase === 'entry' || phase === 'announced') {
      throw refused('outside_window', `results are published at ${round.timetable.resultsAt.toISOString()}`);
    }
    if (entry.bookingStatus === decision) return toEntryView(entry, round, now);
    // A drawn win is decided in the round's confirmation window; a promoted alternate by its own deadline.
    const deadline = entry.confirmBy ? Date.parse(entry.confirmBy) : round.timetable.confirmClosesAt.getTime();
    if (now.getTime() >= deadline) throw refused('outside_window', 'the confirmation window has closed');
    if (entry.bookingStatus !== 'held') {
      throw refused('slot_unavailable', entry.bookingStatus ? `this win is already ${entry.bookingStatus}` : 'this entry did not win');
    }
    if (!(await this.lottery.decideWin(entryId, decision, now.toISOString(), () => this.random.uuidv7(now)))) {
      // Decided concurrently: answer with whatever stands now.
      return this.view(await this.mustFind(entryId), now);
    }
    this.log.info({ entryId, decision }, 'lottery win decided');
    return this.view(await this.mustFind(entryId), now);
  }

  private async sameEntryOrConflict(entry: EntryRecord, principal: FacilityPrincipal, request: EntryRequest): Promise<EntryView> {
    const same =
      entry.userNumber === principal.userNumber &&
      entry.firstSlotId === request.firstSlotId &&
      entry.secondSlotId === (request.secondSlotId ?? null);
    if (!same) throw refused('idempotency_conflict', 'this client entry id was already used for a different entry');
    return this.view(entry, this.clock.now());
  }

  private async ownEntry(principal: FacilityPrincipal, entryId: string): Promise<EntryRecord> {
    const entry = await this.lottery.findEntry(entryId);
    // Someone else's entry is "not found": its existence is not theirs to know.
    if (!entry || entry.identityId !== principal.identityId) throw notFound('no such entry');
    return entry;
  }

  private async view(entry: EntryRecord, now: Date): Promise<EntryView> {
    return toEntryView(entry, await this.mustRound(entry.roundId), now);
  }

  private async mustFind(entryId: string): Promise<EntryRecord> {
    const entry = await this.lottery.findEntry(entryId);
    if (!entry) throw new Error(`entry ${entryId} vanished`);
    return entry;
  }

  private async roundOf(slot: SlotInfo): Promise<RoundRecord> {
    return this.mustRound(slot.roundId);
  }

  private async mustRound(roundId: string): Promise<RoundRecord> {
    const round = await this.lottery.findRound(roundId);
    if (!round) throw new Error(`round ${roundId} vanished`);
    return round;
  }
}
