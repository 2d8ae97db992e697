import { Inject, Injectable, Optional } from '@nestjs/common';
import type { z } from 'zod';
import {
  failure,
  lotteryAgentToHubSchemas,
  parseMessage,
  type Failure,
  type LotteryAgentToHubEvents,
  type LotteryEvent,
} from '@kiosk/protocols';
import { ProtocolException, busyFailure } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { FacilityBookingService } from '../services/facility-booking.service';
import { FacilityUsersService } from '../services/facility-users.service';
import { LotteryCardSignInService } from '../services/lottery-card-sign-in.service';
import { LotteryOfflineService } from '../services/lottery-offline.service';
import { LotteryRoundsService } from '../services/lottery-rounds.service';
import { SignInRefusedException } from '../services/lottery.errors';
import { LotteryService } from '../services/lottery.service';
import { isStorageBusy } from '../storage/storage-errors';

/** The ack type of a lottery event, from the protocol's event map. */
export type LotteryAck<E extends LotteryEvent> = Parameters<Parameters<LotteryAgentToHubEvents[E]>[1]>[0];
type Request<E extends LotteryEvent> = z.infer<(typeof lotteryAgentToHubSchemas)[E]>;
type Routes = { [E in LotteryEvent]: (kioskId: string, request: Request<E>) => Promise<LotteryAck<E>> };

/**
 * The lottery's socket edge, kept out of the agent gateway so that gateway stays small: it parses a
 * `lottery.*` message with its protocol schema, resolves the session, calls one service method and
 * turns any refusal into the ack's Failure. The gateway only forwards: `ack(await handlers.handle(...))`.
 */
@Injectable()
export class LotteryAgentHandlers {
  private readonly log: Logger;
  private readonly routes: Routes;

  constructor(
    @Inject(FacilityUsersService) private readonly users: FacilityUsersService,
    @Inject(LotteryService) private readonly lottery: LotteryService,
    @Inject(LotteryRoundsService) private readonly rounds: LotteryRoundsService,
    @Inject(FacilityBookingService) private readonly booking: FacilityBookingService,
    @Inject(LotteryOfflineService) private readonly offline: LotteryOfflineService,
    @Inject(LOGGER) root: Logger,
    /** Sign-in with a linked My Number card; absent where the hub is assembled without it (unit tests). */
    @Optional() @Inject(LotteryCardSignInService) private readonly cardSignIn?: LotteryCardSignInService,
  ) {
    this.log = root.child({ module: 'lottery-handlers' });
    const who = (sessionToken: string) => this.users.resolveSession(sessionToken);
    this.routes = {
      'lottery.signIn': async (_kioskId, r) => ({ ok: true, ...(await this.users.signIn(r.userNumber, r.pin)) }),
      'lottery.cardChallenge': (kioskId) => this.cardSignIn?.challenge(kioskId) ?? Promise.resolve(failure('unauthorized', 'card sign-in is not available')),
      'lottery.signInWithCard': (kioskId, r) => this.cardSignIn?.signIn(kioskId, r) ?? Promise.resolve(failure('unauthorized', 'card sign-in is not available')),
      'lottery.signOut': async (_kioskId, r) => {
        await this.users.signOut(r.sessionToken);
        return { ok: true };
      },
      'lottery.facilities': async (_kioskId, r) => ({ ok: true, facilities: await this.booking.listFacilities(r.municipality) }),
      'lottery.availability': async (_kioskId, r) => ({ ok: true, ...(await this.booking.availability(r.facilityId, r.from, r.to)) }),
      'lottery.rounds': async (_kioskId, r) => ({ ok: true, rounds: await this.rounds.listRounds(r.municipality), now: this.rounds.lotteryNow() }),
      'lottery.entry.submit': async (kioskId, r) => ({
        ok: true,
        entry: await this.lottery.submitEntry(await who(r.sessionToken), {
          clientEntryId: r.clientEntryId,
          firstSlotId: r.firstSlotId,
          secondSlotId: r.secondSlotId,
          kioskId,
        }),
      }),
      'lottery.entry.cancel': async (_kioskId, r) => ({ ok: true, entry: await this.lottery.cancelEntry(await who(r.sessionToken), r.entryId) }),
      'lottery.entry.confirm': async (_kioskId, r) => ({ ok: true, entry: await this.lottery.confirm(await who(r.sessionToken), r.entryId) }),
      'lottery.entry.decline': async (_kioskId, r) => ({ ok: true, entry: await this.lottery.decline(await who(r.sessionToken), r.entryId) }),
      'lottery.entries': async (_kioskId, r) => {
        const principal = await who(r.sessionToken);
        return { ok: true, entries: await this.lottery.listEntries(principal), provisional: await this.offline.listProvisional(principal) };
      },
      'lottery.booking.create': async (_kioskId, r) => ({
        ok: true,
        booking: await this.booking.book(await who(r.sessionToken), { clientBookingId: r.clientBookingId, slotId: r.slotId }),
      }),
      'lottery.booking.quote-cancel': async (_kioskId, r) => ({
        ok: true,
        quote: await this.booking.quoteCancellation(await who(r.sessionToken), r.bookingId),
      }),
      'lottery.booking.cancel': async (_kioskId, r) => ({
        ok: true,
        booking: await this.booking.cancel(await who(r.sessionToken), r.bookingId, r.acceptedChargeYen),
      }),
      'lottery.bookings': async (_kioskId, r) => ({ ok: true, bookings: await this.booking.listBookings(await who(r.sessionToken)) }),
      'lottery.draw.published': async (_kioskId, r) => ({ ok: true, draw: await this.rounds.publishedDraw(r.roundId) }),
      'lottery.offlineKey': async () => ({ ok: true, key: await this.offline.offlineKey() }),
    };
  }

  /** True for the events this class answers, so a gateway can route `onAny` traffic here. */
  static handles(event: string): event is LotteryEvent {
    return Object.hasOwn(lotteryAgentToHubSchemas, event);
  }

  async handle<E extends LotteryEvent>(kioskId: string, event: E, body: unknown): Promise<LotteryAck<E> | Failure> {
    const parsed = parseMessage(lotteryAgentToHubSchemas[event], body, event);
    if (!parsed.ok) {
      // Only the issue count: the body may hold a PIN.
      this.log.warn({ kioskId, event, code: parsed.error.code, issues: parsed.error.issues?.length ?? 0 }, 'lottery message refused');
      return parsed;
    }
    try {
      const route = this.routes[event] as (kioskId: string, request: unknown) => Promise<LotteryAck<E>>;
      return await route(kioskId, parsed.value);
    } catch (error) {
      if (error instanceof SignInRefusedException) return error.ack;
      if (error instanceof ProtocolException) return error.failure;
      this.log.error({ kioskId, event, err: error instanceof Error ? error.message : String(error) }, 'lottery message failed');
      // A busy database is worth trying again (the kiosk says so); anything else is internal.
      return isStorageBusy(error) ? busyFailure() : failure('internal', 'internal error');
    }
  }
}
