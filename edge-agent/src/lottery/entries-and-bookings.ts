import type { LotteryUiAck, LotteryUiPayload, RoundView, UnsentEntry } from '@kiosk/protocols';
import type { Logger } from '../logger';
import type { Outbox } from '../store/outbox';
import { HubUnreachableError, type LotteryHub } from './hub-client';
import { fail, OFFLINE_ONLY_ENTRIES, refused, type Failure, type HubAnswer } from './lottery-answers';
import type { LotteryBrowsing } from './lottery-browsing';
import type { LotteryCache } from './lottery-cache';
import type { LotteryMemory } from './lottery-memory';
import { checkOfflineEntry } from './lottery-rules';
import type { LotteryReceiptPrinter } from './receipt-printing';
import { bookingReceipt, confirmedWinReceipt, entryReceipt, provisionalEntryReceipt } from './receipts';
import { unsentEntriesOwner } from './sign-in-model';

export interface EntriesAndBookingsDeps {
  hub: LotteryHub;
  cache: LotteryCache;
  outbox: Outbox;
  memory: LotteryMemory;
  browsing: LotteryBrowsing;
  receipts: LotteryReceiptPrinter;
  /** The hub said the session token is no longer good: the runner signs the person out. */
  sessionExpired: () => void;
  newId: () => string;
  logger: Logger;
}

/**
 * What a signed-in person does with the lottery: entries (at the hub, or offline committed to the outbox
 * with the PIN sealed to the hub), the list of their entries, a win confirmed or declined, an entry
 * cancelled, bookings made, listed, quoted and cancelled; each with its receipt. An entry or booking whose
 * answer was lost is retried under the same client request id, so the hub takes it once.
 */
export class EntriesAndBookings {
  constructor(private readonly deps: EntriesAndBookingsDeps) {}

  async submitEntry(request: LotteryUiPayload<'lottery.entry.submit'>): Promise<LotteryUiAck<'lottery.entry.submit'>> {
    const { memory, hub, logger, browsing, receipts } = this.deps;
    const signedIn = memory.signedIn();
    if (!signedIn) return fail('not_signed_in', 'sign in first');
    if (request.secondSlotId !== undefined && request.secondSlotId === request.firstSlotId) {
      return fail('invalid_message', 'the 2nd choice must differ from the 1st');
    }
    if (signedIn.mode === 'offline') return this.submitOffline(signedIn.userNumber, request);
    const clientEntryId = memory.requestId(`entry:${request.firstSlotId}:${request.secondSlotId ?? ''}`, this.deps.newId);
    const ack = await this.online(() =>
      hub.request('lottery.entry.submit', {
        sessionToken: signedIn.sessionToken,
        clientEntryId,
        firstSlotId: request.firstSlotId,
        ...(request.secondSlotId !== undefined ? { secondSlotId: request.secondSlotId } : {}),
      }),
    );
    memory.answered(ack);
    if (!ack.ok) return ack;
    logger.info({ entryNumber: ack.entry.entryNumber }, 'lottery entry accepted by the hub');
    const receipt = await receipts.print(entryReceipt(ack.entry, browsing.cachedFacilities(), request.language), request.language);
    return { ok: true, outcome: { kind: 'accepted', entry: ack.entry }, receipt, resultsAt: this.resultsAt(ack.entry.roundId) };
  }

  /** Offline: checked against the cached round, committed to the outbox (sealed PIN), then printed. */
  private async submitOffline(userNumber: string, request: LotteryUiPayload<'lottery.entry.submit'>): Promise<LotteryUiAck<'lottery.entry.submit'>> {
    const { memory, cache, outbox, browsing, logger, receipts } = this.deps;
    const seal = memory.offlineSeal;
    if (!seal) return fail('hub_unreachable', 'offline entries are not possible on this terminal now');
    const facilities = browsing.cachedFacilities();
    const rounds: RoundView[] = cache.rounds(browsing.municipality())?.value ?? [];
    // The lottery's time, as every lottery screen shows it: the cached round's window, the entry's
    // stamp and its receipt all go by it (the demo's lottery clock may run ahead of this machine's).
    const now = browsing.lotteryNow();
    const check = checkOfflineEntry(request, facilities, rounds, now);
    if (!check.ok) return fail(check.code, check.message);
    const clientEntryId = this.deps.newId();
    const unsent: UnsentEntry = {
      clientEntryId,
      roundId: check.roundId,
      firstSlotId: request.firstSlotId,
      secondSlotId: request.secondSlotId ?? null,
      occurredAt: now.toISOString(),
    };
    // Committed before the person is told (or a receipt printed): the outbox delivers it exactly once.
    outbox.enqueue({
      type: 'lottery.entry.provisional',
      occurredAt: unsent.occurredAt,
      payload: {
        clientEntryId,
        userNumber,
        roundId: unsent.roundId,
        firstSlotId: unsent.firstSlotId,
        secondSlotId: unsent.secondSlotId,
        sealedPin: seal.sealedPin,
        offlineSessionId: seal.offlineSessionId,
      },
    });
    logger.info({ clientEntryId, roundId: unsent.roundId }, 'provisional lottery entry committed to the outbox');
    const receipt = await receipts.print(provisionalEntryReceipt(unsent, facilities, request.language), request.language);
    return { ok: true, outcome: { kind: 'provisional', entry: unsent }, receipt, resultsAt: this.resultsAt(unsent.roundId) };
  }

  /** When the round announces its results, as the cached rounds say (the done screen tells the person). */
  private resultsAt(roundId: string): string | null {
    const { cache, browsing } = this.deps;
    return cache.rounds(browsing.municipality())?.value.find((round) => round.roundId === roundId)?.resultsAt ?? null;
  }

  async entries(): Promise<LotteryUiAck<'lottery.entries'>> {
    const signedIn = this.deps.memory.signedIn();
    if (!signedIn) return fail('not_signed_in', 'sign in first');
    const owner = unsentEntriesOwner(signedIn);
    const unsent = owner === null ? [] : this.deps.cache.unsentEntries(owner);
    if (signedIn.mode === 'offline') return { ok: true, source: 'cache', entries: [], provisional: [], unsent };
    const ack = await this.online(() => this.deps.hub.request('lottery.entries', { sessionToken: signedIn.sessionToken }));
    if (!ack.ok) return ack;
    // Once the hub holds an offline entry, its judgement is the truth.
    const known = new Set(ack.provisional.map((entry) => entry.clientEntryId));
    return { ok: true, source: 'hub', entries: ack.entries, provisional: ack.provisional, unsent: unsent.filter((entry) => !known.has(entry.clientEntryId)) };
  }

  /** A confirmed win prints a receipt (marked 繰り上げ当選 when the win came from the waiting list). */
  async entryAction(
    event: 'lottery.entry.cancel' | 'lottery.entry.confirm' | 'lottery.entry.decline',
    request: LotteryUiPayload<'lottery.entry.cancel'>,
  ): Promise<LotteryUiAck<'lottery.entry.cancel'>> {
    const { hub, browsing, receipts } = this.deps;
    const ack = await this.withSession((sessionToken) => hub.request(event, { sessionToken, entryId: request.entryId }));
    if (!ack.ok || event !== 'lottery.entry.confirm') return ack;
    const receipt = await receipts.print(confirmedWinReceipt(ack.entry, browsing.cachedFacilities(), browsing.lotteryNow(), request.language), request.language);
    return { ...ack, receipt };
  }

  async book(request: LotteryUiPayload<'lottery.booking.create'>): Promise<LotteryUiAck<'lottery.booking.create'>> {
    const { memory, hub, logger, browsing, receipts } = this.deps;
    const clientBookingId = memory.requestId(`booking:${request.slotId}`, this.deps.newId);
    const ack = await this.withSession((sessionToken) => hub.request('lottery.booking.create', { sessionToken, clientBookingId, slotId: request.slotId }));
    memory.answered(ack);
    if (!ack.ok) return ack;
    logger.info({ bookingNumber: ack.booking.bookingNumber }, 'facility booked');
    const receipt = await receipts.print(bookingReceipt(ack.booking, browsing.cachedFacilities(), request.language), request.language);
    return { ok: true, booking: ack.booking, receipt };
  }

  bookings(): Promise<LotteryUiAck<'lottery.bookings'>> {
    return this.withSession((sessionToken) => this.deps.hub.request('lottery.bookings', { sessionToken }));
  }

  quoteCancel(request: LotteryUiPayload<'lottery.booking.quote-cancel'>): Promise<LotteryUiAck<'lottery.booking.quote-cancel'>> {
    return this.withSession((sessionToken) => this.deps.hub.request('lottery.booking.quote-cancel', { sessionToken, bookingId: request.bookingId }));
  }

  cancelBooking(request: LotteryUiPayload<'lottery.booking.cancel'>): Promise<LotteryUiAck<'lottery.booking.cancel'>> {
    return this.withSession((sessionToken) =>
      this.deps.hub.request('lottery.booking.cancel', { sessionToken, bookingId: request.bookingId, acceptedChargeYen: request.acceptedChargeYen }),
    );
  }

  /** A request that needs the hub and an online sign-in; a refused session signs the person out. */
  private async withSession<T extends HubAnswer>(send: (sessionToken: string) => Promise<T>): Promise<T | Failure> {
    const signedIn = this.deps.memory.signedIn();
    if (!signedIn) return fail('not_signed_in', 'sign in first');
    if (signedIn.mode === 'offline') return fail('hub_unreachable', OFFLINE_ONLY_ENTRIES);
    return this.online(() => send(signedIn.sessionToken));
  }

  private async online<T extends HubAnswer>(send: () => Promise<T>): Promise<T | Failure> {
    try {
      const ack = await send();
      if (refused(ack) && ack.error.code === 'session_expired') this.deps.sessionExpired();
      return ack;
    } catch (error) {
      if (error instanceof HubUnreachableError) return fail('hub_unreachable', 'the centre cannot be reached; please try again later');
      this.deps.logger.error({ err: error }, 'lottery request failed');
      return fail('internal', 'internal error');
    }
  }
}
