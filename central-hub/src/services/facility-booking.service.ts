import { Inject, Injectable } from '@nestjs/common';
import type { BookingView, CancellationQuote, FacilityView, Municipality, SlotView } from '@kiosk/protocols';
import { cancellationTerms, slotState, type LiveBooking } from '../domain/lottery/booking-rules';
import { daysBetween } from '../domain/jst';
import { toBookingView, toFacilityView } from '../dtos/lottery.dto';
import { badRequest, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { LOTTERY_CLOCK, type Clock } from '../repositories/lottery-clock.repository';
import {
  FACILITY_BOOKING_REPOSITORY,
  type BookingRecord,
  type FacilityBookingRepository,
  type InsertBookingOutcome,
  type NewFirstComeBooking,
} from '../repositories/facility-booking.repository';
import { FACILITY_CATALOGUE_REPOSITORY, type FacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { LOTTERY_REPOSITORY, type LotteryRepository } from '../repositories/lottery.repository';
import type { RoundRecord, SlotInfo } from '../repositories/lottery.rows';
import { RANDOM, type Random } from '../repositories/random.repository';
import type { Tx } from '../storage/hub-store';
import { firstComeHeldUntil, holdHasExpired } from './facility-booking.rules';
import type { FacilityPrincipal } from './facility-users.service';
import { refused } from './lottery.errors';

/** A first-come booking's answer: booked, a key taken, or the slot's just-ended win holds it until `until`. */
type FirstComeOutcome = InsertBookingOutcome | { ok: false; conflict: 'held-until'; until: string };

/** The longest availability range one request may ask for. */
export const MAX_AVAILABILITY_DAYS = 62;

/**
 * Facilities, availability and first-come booking. Booking is online only and atomic on the hub: the
 * database's one-live-booking-per-slot index decides a race, and the loser hears `slot_unavailable`.
 */
@Injectable()
export class FacilityBookingService {
  private readonly log: Logger;

  constructor(
    @Inject(FACILITY_BOOKING_REPOSITORY) private readonly bookings: FacilityBookingRepository,
    @Inject(FACILITY_CATALOGUE_REPOSITORY) private readonly catalogue: FacilityCatalogueRepository,
    @Inject(LOTTERY_REPOSITORY) private readonly lottery: LotteryRepository,
    @Inject(LOTTERY_CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'facility-booking' });
  }

  async listFacilities(municipality: Municipality): Promise<FacilityView[]> {
    return (await this.catalogue.listFacilities(municipality)).map(toFacilityView);
  }

  async availability(facilityId: string, from: string, to: string): Promise<{ facilityId: string; asOf: string; slots: SlotView[] }> {
    const days = daysBetween(from, to);
    if (days < 0 || days >= MAX_AVAILABILITY_DAYS) {
      throw badRequest('invalid_message', `from..to must be 1 to ${MAX_AVAILABILITY_DAYS} days`, [{ path: 'to', message: 'range' }]);
    }
    if (!(await this.catalogue.findFacility(facilityId))) throw notFound('no such facility');
    const now = this.clock.now();
    const rounds = new Map<string, RoundRecord>();
    const slots: SlotView[] = [];
    for (const { slot, live, liveConfirmBy } of await this.catalogue.availability(facilityId, from, to)) {
      const round = rounds.get(slot.roundId) ?? (await this.mustRound(slot.roundId));
      rounds.set(slot.roundId, round);
      slots.push({
        slotId: slot.slotId,
        unitId: slot.unitId,
        date: slot.date,
        start: slot.start,
        end: slot.end,
        feeYen: slot.feeYen,
        state: slotState(
          round.timetable,
          new Date(slot.startsAt),
          effectiveLive(live, liveConfirmBy, round, now),
          now,
          slot.firstComeFrom ? new Date(slot.firstComeFrom) : null,
        ),
      });
    }
    return { facilityId, asOf: now.toISOString(), slots };
  }

  async book(principal: FacilityPrincipal, request: { clientBookingId: string; slotId: string }): Promise<BookingView> {
    const again = await this.bookings.findBookingByClientId(request.clientBookingId);
    if (again) return this.sameBookingOrConflict(again, principal, request.slotId);
    const slot = (await this.catalogue.findSlots([request.slotId])).get(request.slotId);
    if (!slot) throw notFound('no such slot');
    if (slot.municipality !== principal.municipality) {
      throw refused('slot_unavailable', 'this facility belongs to another municipality than your registration');
    }
    const round = await this.mustRound(slot.roundId);
    const now = this.clock.now();
    if (now.getTime() >= Date.parse(slot.startsAt)) throw refused('outside_window', 'this slot has already started');
    if (now.getTime() < round.timetable.firstComeOpensAt.getTime()) {
      throw refused('outside_window', `first-come booking for this month opens at ${round.timetable.firstComeOpensAt.toISOString()}`);
    }
    if (slot.firstComeFrom && now.getTime() < Date.parse(slot.firstComeFrom)) {
      throw refused('outside_window', `this slot was released and opens for first-come booking at ${slot.firstComeFrom}`);
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const booking: NewFirstComeBooking = {
        bookingId: this.random.uuidv7(now),
        bookingNumber: this.bookingNumber(),
        clientBookingId: request.clientBookingId,
        slotId: slot.slotId,
        userNumber: principal.userNumber,
        feeYen: slot.feeYen,
        createdAt: now.toISOString(),
      };
      const promotionBookingId = this.random.uuidv7(now);
      const outcome = await this.bookings.transaction((tx) => this.bookFirstCome(booking, promotionBookingId, now, tx));
      if (outcome.ok) {
        this.log.info({ bookingId: booking.bookingId, slotId: slot.slotId }, 'facility slot booked');
        return toBookingView(await this.mustBooking(booking.bookingId));
      }
      if (outcome.conflict === 'held-until') {
        throw refused('outside_window', `this slot was released and opens for first-come booking at ${outcome.until}`);
      }
      if (outcome.conflict === 'slot-taken') {
        this.log.info({ slotId: slot.slotId, code: 'slot_unavailable' }, 'facility booking refused');
        throw refused('slot_unavailable', 'this slot has just been booked by someone else');
      }
      if (outcome.conflict === 'client-booking-id') {
        const raced = await this.bookings.findBookingByClientId(request.clientBookingId);
        if (raced) return this.sameBookingOrConflict(raced, principal, request.slotId);
      }
    }
    throw new Error('could not allocate a booking number');
  }

  /**
   * One first-come booking as one unit of work: the slot's row held (concurrent bookings of it take
   * turns), a win whose deadline passed but that the lottery tick has not ended yet ended here the
   * same way (its slot may go to an alternate, or be held a little longer), then the insert. Storage
   * calls and pure rules only: PostgreSQL may run it again after a race.
   */
  private async bookFirstCome(booking: NewFirstComeBooking, promotionBookingId: string, now: Date, tx: Tx): Promise<FirstComeOutcome> {
    await this.bookings.holdSlot(booking.slotId, tx);
    const held = await this.bookings.heldWinOf(booking.slotId, tx);
    if (held && holdHasExpired(held, now)) {
      const ended = await this.bookings.endHeldWin({ bookingId: held.bookingId, slotId: booking.slotId }, now, promotionBookingId, tx);
      const until = firstComeHeldUntil(ended, now);
      // Committed with this answer: the win has ended either way.
      if (until) return { ok: false, conflict: 'held-until', until: until.toISOString() };
    }
    return this.bookings.insertFirstCome(booking, tx);
  }

  /** What cancelling would cost now; shown to the person before they cancel. */
  async quoteCancellation(principal: FacilityPrincipal, bookingId: string): Promise<CancellationQuote> {
    const booking = await this.ownBooking(principal, bookingId);
    if (booking.status === 'held') throw refused('slot_unavailable', 'an unconfirmed lottery win is declined, not cancelled');
    if (booking.status !== 'confirmed') throw refused('slot_unavailable', `this booking is ${booking.status}`);
    const slot = await this.mustSlot(booking.slotId);
    const terms = cancellationTerms({ date: slot.date, startsAt: new Date(slot.startsAt), feeYen: booking.feeYen }, slot.cancelDeadlineDays, this.clock.now());
    return { bookingId, feeYen: booking.feeYen, freeUntil: terms.freeUntil.toISOString(), chargeYen: terms.chargeYen, cancellable: terms.cancellable };
  }

  /** Cancels if the charge is still the one the person accepted; cancelling again answers the same. */
  async cancel(principal: FacilityPrincipal, bookingId: string, acceptedChargeYen: number): Promise<BookingView> {
    const existing = await this.ownBooking(principal, bookingId);
    if (existing.status === 'cancelled') return toBookingView(existing);
    const quote = await this.quoteCancellation(principal, bookingId);
    if (!quote.cancellable) throw refused('outside_window', 'this slot has already started');
    if (quote.chargeYen !== acceptedChargeYen) {
      throw refused('stale_quote', `cancelling now costs ${quote.chargeYen} yen, not ${acceptedChargeYen} yen: ask again`);
    }
    if (await this.bookings.cancel(bookingId, quote.chargeYen, this.clock.now().toISOString())) {
      this.log.info({ bookingId, chargeYen: quote.chargeYen }, 'facility booking cancelled');
    }
    return toBookingView(await this.mustBooking(bookingId));
  }

  /** A person's bookings; a lottery win appears only once its round's results are published. */
  async listBookings(principal: FacilityPrincipal): Promise<BookingView[]> {
    const now = this.clock.now();
    const visible: BookingView[] = [];
    for (const booking of await this.bookings.listBookingsForIdentity(principal.userNumber)) {
      if (booking.source === 'lottery') {
        const round = await this.mustRound((await this.mustSlot(booking.slotId)).roundId);
        if (now.getTime() < round.timetable.resultsAt.getTime()) continue;
        const released = booking.status === 'held' && effectiveLive('held', booking.confirmBy, round, now) === null;
        visible.push(toBookingView({ ...booking, status: released ? 'released' : booking.status }));
        continue;
      }
      visible.push(toBookingView(booking));
    }
    return visible;
  }

  private sameBookingOrConflict(booking: BookingRecord, principal: FacilityPrincipal, slotId: string): BookingView {
    if (booking.userNumber !== principal.userNumber || booking.slotId !== slotId) {
      throw refused('idempotency_conflict', 'this client booking id was already used for a different booking');
    }
    return toBookingView(booking);
  }

  private async ownBooking(principal: FacilityPrincipal, bookingId: string): Promise<BookingRecord> {
    const booking = await this.bookings.findBooking(bookingId);
    if (!booking || booking.identityId !== principal.identityId) throw notFound('no such booking');
    return booking;
  }

  private async mustBooking(bookingId: string): Promise<BookingRecord> {
    const booking = await this.bookings.findBooking(bookingId);
    if (!booking) throw new Error(`booking ${bookingId} vanished`);
    return booking;
  }

  private async mustSlot(slotId: string): Promise<SlotInfo> {
    const slot = (await this.catalogue.findSlots([slotId])).get(slotId);
    if (!slot) throw new Error(`slot ${slotId} vanished`);
    return slot;
  }

  private async mustRound(roundId: string): Promise<RoundRecord> {
    const round = await this.lottery.findRound(roundId);
    if (!round) throw new Error(`round ${roundId} vanished`);
    return round;
  }

  /** Nine digits after a leading 9 (entry numbers, and so lottery wins, start with 1–8). */
  private bookingNumber(): string {
    return `9${(this.random.bytes(4).readUInt32BE() % 1_000_000_000).toString().padStart(9, '0')}`;
  }
}

/**
 * A held win whose deadline (a promoted alternate's own, else the round's confirmation close) has
 * passed is no longer held, whether or not the release job has run.
 */
function effectiveLive(live: LiveBooking, confirmBy: string | null, round: RoundRecord, now: Date): LiveBooking {
  const expired = holdHasExpired({ confirmBy, roundConfirmClosesAt: round.timetable.confirmClosesAt.toISOString() }, now);
  return live === 'held' && expired ? null : live;
}
