import type { FacilityView, LotteryUiAck, LotteryUiPayload, Municipality } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { HubUnreachableError, type LotteryHub } from './hub-client';
import { fail, refused, type Failure, type HubAnswer } from './lottery-answers';
import type { LotteryCache } from './lottery-cache';
import type { LotteryMemory } from './lottery-memory';
import { monthRange } from './lottery-rules';
import { offlineKeyMatchesId } from './pin-sealer';

export interface LotteryBrowsingDeps {
  /** The municipality this terminal serves (shown and cached until someone signs in online). */
  municipality: Municipality;
  hub: LotteryHub;
  cache: LotteryCache;
  memory: LotteryMemory;
  clock: Clock;
  logger: Logger;
  /** The offline-entry key changed: the screen's `offlineEntryAvailable` follows. */
  changed: () => void;
}

/**
 * The lottery's public data for the person browsing: facilities, rounds and a facility-month of
 * availability from the hub, cached on every answer and shown from the cache "as of" while the hub is
 * unreachable; the hub's offline-entry key and its lottery clock, refreshed after every connection.
 */
export class LotteryBrowsing {
  constructor(private readonly deps: LotteryBrowsingDeps) {}

  /**
   * Called after every (re)connection to the hub: the offline-entry key, and this terminal's facilities
   * and rounds, so that the terminal can take offline entries even if nobody browsed since it started.
   */
  async refreshAfterConnect(): Promise<void> {
    const { hub, cache, municipality } = this.deps;
    try {
      await this.refreshOfflineKey();
      const facilities = await hub.request('lottery.facilities', { municipality });
      if (facilities.ok) cache.putFacilities(municipality, facilities.facilities, this.now());
      const rounds = await hub.request('lottery.rounds', { municipality });
      if (rounds.ok) {
        this.heardLotteryClock(rounds.now);
        cache.putRounds(municipality, rounds.rounds, this.now());
      }
    } catch (error) {
      // Gone again before we were done: the next connection tries again.
      if (!(error instanceof HubUnreachableError)) throw error;
    }
  }

  /** Fetches and caches the hub's offline-entry key (checked against its id). */
  async refreshOfflineKey(): Promise<void> {
    const { hub, cache, logger } = this.deps;
    const ack = await hub.request('lottery.offlineKey', {});
    if (!ack.ok) {
      logger.warn({ code: ack.error.code }, 'hub gave no offline-entry key');
      return;
    }
    if (!offlineKeyMatchesId(ack.key)) {
      logger.error({ keyId: ack.key.keyId }, 'offline-entry key does not match its id; not cached');
      return;
    }
    if (cache.offlineKey()?.keyId !== ack.key.keyId) {
      cache.putOfflineKey(ack.key, this.now());
      logger.info({ keyId: ack.key.keyId }, 'offline-entry key cached');
      this.deps.changed();
    }
  }

  async facilities(): Promise<LotteryUiAck<'lottery.facilities'>> {
    if (this.deps.memory.signIn.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    const municipality = this.municipality();
    // An offline entry needs the slot's round: keep the rounds as fresh as the facilities the person sees.
    await this.rounds();
    const { hub, cache } = this.deps;
    const loaded = await this.fromHubOrCache(
      () => hub.request('lottery.facilities', { municipality }),
      (ack) => (cache.putFacilities(municipality, ack.facilities, this.now()), { value: ack.facilities, asOf: this.now() }),
      () => cache.facilities(municipality),
    );
    return loaded.ok ? { ok: true, source: loaded.source, asOf: loaded.asOf, lotteryNow: this.now(), facilities: loaded.value } : loaded;
  }

  async rounds(): Promise<LotteryUiAck<'lottery.rounds'>> {
    if (this.deps.memory.signIn.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    const municipality = this.municipality();
    const { hub, cache } = this.deps;
    const loaded = await this.fromHubOrCache(
      () => hub.request('lottery.rounds', { municipality }),
      (ack) => (this.heardLotteryClock(ack.now), cache.putRounds(municipality, ack.rounds, this.now()), { value: ack.rounds, asOf: this.now() }),
      () => cache.rounds(municipality),
    );
    return loaded.ok ? { ok: true, source: loaded.source, asOf: loaded.asOf, rounds: loaded.value } : loaded;
  }

  async availability(request: LotteryUiPayload<'lottery.availability'>): Promise<LotteryUiAck<'lottery.availability'>> {
    if (this.deps.memory.signIn.stage === 'inactive') return fail('not_signed_in', 'no lottery session');
    const { facilityId, month } = request;
    const { hub, cache } = this.deps;
    const loaded = await this.fromHubOrCache(
      () => hub.request('lottery.availability', { facilityId, ...monthRange(month) }),
      (ack) => (cache.putAvailability(facilityId, month, ack.slots, ack.asOf), { value: ack.slots, asOf: ack.asOf }),
      () => cache.availability(facilityId, month),
    );
    return loaded.ok ? { ok: true, source: loaded.source, asOf: loaded.asOf, facilityId, month, slots: loaded.value } : loaded;
  }

  /** The municipality of the person signed in online, else the terminal's. */
  municipality(): Municipality {
    const signedIn = this.deps.memory.signedIn();
    return signedIn?.mode === 'online' ? signedIn.user.municipality : this.deps.municipality;
  }

  cachedFacilities(): FacilityView[] {
    return this.deps.cache.facilities(this.municipality())?.value ?? [];
  }

  /**
   * The lottery's time: the hub's lottery clock as last heard (it may run ahead of real time in the demo),
   * carried on by this terminal's clock while the hub cannot be reached. Every lottery screen uses it.
   */
  lotteryNow(): Date {
    return new Date(this.deps.clock.now().getTime() + this.deps.cache.lotteryClockOffsetMs());
  }

  private now(): string {
    return this.lotteryNow().toISOString();
  }

  private heardLotteryClock(hubNow: string | undefined): void {
    if (hubNow === undefined) return;
    const offsetMs = Date.parse(hubNow) - this.deps.clock.now().getTime();
    // Within a few seconds of what is known: transit time, not a move of the clock.
    if (Math.abs(offsetMs - this.deps.cache.lotteryClockOffsetMs()) < 5_000) return;
    this.deps.cache.putLotteryClockOffsetMs(offsetMs, hubNow);
  }

  private async fromHubOrCache<A extends HubAnswer, V>(
    ask: () => Promise<A>,
    store: (ack: Extract<A, { ok: true }>) => { value: V; asOf: string },
    cached: () => { value: V; asOf: string } | null,
  ): Promise<{ ok: true; source: 'hub' | 'cache'; value: V; asOf: string } | Failure> {
    try {
      const ack = await ask();
      if (isAccepted(ack)) return { ok: true, source: 'hub', ...store(ack) };
      if (refused(ack)) return ack;
      throw new Error('a hub answer is accepted or refused');
    } catch (error) {
      if (!(error instanceof HubUnreachableError)) {
        this.deps.logger.error({ err: error }, 'lottery request failed');
        return fail('internal', 'internal error');
      }
      const hit = cached();
      return hit ? { ok: true, source: 'cache', ...hit } : fail('hub_unreachable', 'the centre cannot be reached and this terminal has no copy yet');
    }
  }
}

function isAccepted<A extends HubAnswer>(answer: A): answer is Extract<A, { ok: true }> {
  return answer.ok;
}
