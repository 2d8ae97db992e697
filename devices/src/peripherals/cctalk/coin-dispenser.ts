import type { CoinYen, DeviceReason, DeviceStatus } from '@kiosk/protocols';
import type { CoinDispenser, PayoutReason, PayoutResult } from '../contracts';
import { DeviceDisconnectedError, DeviceTimeoutError, InvalidArgumentError, PayoutIncompleteError } from '../errors';
import { Listeners } from '../events';
import { delay, describeError, type Clock, type PeripheralLogger } from '../logger';
import type { CcTalkBus } from './bus';
import { nextCounter } from './credit';
import {
  FaultCode,
  Header,
  HOPPER_ENABLE,
  encodeSerialNumber,
  parseAscii,
  parseEmergencyStop,
  parseHopperStatus,
  parsePayoutLevel,
  parseSelfCheck,
  parseSerialNumber,
  type HopperStatus,
} from './headers';
import { nextDispense } from './payout-plan';
import { CcTalkPolledDevice } from './polled-device';

/** A hopper's motor start and a coin's way out take well under a second; 3 s of nothing is a stuck hopper. */
const DEFAULT_STALL_MS = 3000;

export interface HopperConfig {
  address: number;
  coinYen: CoinYen;
}

export interface CoinDispenserOptions {
  id: string;
  bus: CcTalkBus;
  /** One hopper per coin value (e.g. 10, 50, 100 yen), each at its own ccTalk address. */
  hoppers: HopperConfig[];
  /** Health poll period. */
  pollMs?: number;
  /** Status poll period while a dispense runs. */
  dispensePollMs?: number;
  /**
   * How long a dispense may pay nothing (its status unchanged) before it is taken as stuck. Counted from
   * the last coin, not from the start: a long payout whose coins keep coming is never cut short.
   */
  stallMs?: number;
  clock?: Clock;
  logger?: PeripheralLogger;
}

interface HopperState extends HopperConfig {
  serial: number | undefined;
  /** Came up short on a payout (or reports jammed): not used until it reports coins again. */
  unavailable: boolean;
  low: boolean;
  fault: number;
  supported: boolean;
}

/**
 * Change and refunds from ccTalk hoppers. A payout is a series of dispenses (largest coin first, falling
 * back to smaller coins when a hopper runs dry); each dispense is sent once (never retried blindly: the
 * hopper's event counter says whether it was taken) and followed until the hopper reports nothing left to
 * pay. A `payout` event with what actually left the machine is emitted before the call settles.
 */
export class CcTalkCoinDispenser extends CcTalkPolledDevice implements CoinDispenser {
  readonly kind = 'coin-hopper' as const;
  private readonly payouts: Listeners<PayoutResult>;
  private readonly payableChanges: Listeners<readonly CoinYen[]>;
  /** What `payableCoins()` last said to its listeners (comma-joined). */
  private lastPayable = '';
  private readonly hoppers: HopperState[];
  private paying = false;
  private configuring: Promise<void> | undefined;

  constructor(private readonly options: CoinDispenserOptions) {
    super(options, 'coin-hopper', { pollMs: options.pollMs ?? 1000, task: 'hopper poll', failureMessage: 'hopper poll failed' });
    this.payouts = new Listeners(`${options.id} payout`, this.logger);
    this.payableChanges = new Listeners(`${options.id} payable`, this.logger);
    this.hoppers = options.hoppers.map((hopper) => ({ ...hopper, serial: undefined, unavailable: false, low: false, fault: 0, supported: true }));
    this.lastPayable = this.payableCoins().join();
    // A disconnect or a timeout reaches the health first: what can be paid changes with it.
    this.tracker.onChange(() => this.notePayable());
  }

  payableCoins(): readonly CoinYen[] {
    const reasons = this.tracker.health().reasons;
    if (this.options.bus.state !== 'connected' || reasons.includes('disconnected') || reasons.includes('timeout')) return [];
    return this.hoppers
      .filter((h) => h.supported && !h.unavailable && !h.low && h.fault === FaultCode.ok)
      .map((h) => h.coinYen)
      .sort((a, b) => b - a);
  }

  onPayableChange(listener: (coins: readonly CoinYen[]) => void): () => void {
    return this.payableChanges.add(listener);
  }

  private notePayable(): void {
    const payable = this.payableCoins();
    if (payable.join() === this.lastPayable) return;
    this.lastPayable = payable.join();
    this.payableChanges.emit(payable);
  }

  onPayout(listener: (result: PayoutResult) => void): () => void {
    return this.payouts.add(listener);
  }

  async payout(amountYen: number, reason: PayoutReason): Promise<PayoutResult> {
    if (!Number.isInteger(amountYen) || amountYen <= 0 || amountYen % 10 !== 0) {
      throw new InvalidArgumentError(`payout must be a positive multiple of 10 yen, got ${amountYen}`);
    }
    if (this.paying) throw new InvalidArgumentError('a payout is already running');
    if (this.options.bus.state !== 'connected') throw new DeviceDisconnectedError(this.id);
    this.paying = true;
    const coins = new Map<CoinYen, number>();
    let paidYen = 0;
    let failure: unknown;
    try {
      await this.ensureConfigured();
      for (;;) {
        const step = nextDispense(amountYen - paidYen, this.hoppers.filter((h) => h.supported));
        if (!step) break;
        const hopper = this.hoppers.find((h) => h.supported && h.coinYen === step.coinYen) as HopperState;
        const paid = await this.dispense(hopper, step.count);
        paidYen += paid * hopper.coinYen;
        if (paid) coins.set(hopper.coinYen, (coins.get(hopper.coinYen) ?? 0) + paid);
        if (paid < step.count) hopper.unavailable = true;
      }
    } catch (error) {
      failure = error;
    } finally {
      this.paying = false;
    }
    const result: PayoutResult = {
      reason,
      requestedYen: amountYen,
      paidYen,
      unpaidYen: amountYen - paidYen,
      coins: [...coins].map(([coinYen, count]) => ({ coinYen, count })),
    };
    if (paidYen > 0) this.payouts.emit(result);
    this.updateHealth();
    if (result.unpaidYen > 0) {
      this.logger.warn({ deviceId: this.id, paidYen, unpaidYen: result.unpaidYen, err: failure ? describeError(failure) : undefined }, 'payout incomplete');
      throw new PayoutIncompleteError(amountYen, paidYen, result.unpaidYen);
    }
    return result;
  }

  /** Dispenses up to `count` coins from one hopper; returns how many it actually paid. */
  private async dispense(hopper: HopperState, count: number): Promise<number> {
    const before = await this.hopperStatus(hopper);
    const seen: { last: HopperStatus } = { last: before };
    try {
      return await this.followDispense(hopper, count, before, seen);
    } catch (error) {
      if (!(error instanceof DeviceTimeoutError)) throw error;
      // Given up on a dispense the hopper may have taken after all (its reply or a status lost): if its
      // counter moved, it may be paying, so it is stopped and its own count of what left is taken.
      const latest = await this.hopperStatus(hopper).catch(() => seen.last);
      if (latest.eventCounter === before.eventCounter) throw error;
      return this.stopDispense(hopper, latest);
    }
  }

  /** Sends the dispense and follows it until the hopper has paid; `seen.last` is the latest status read. */
  private async followDispense(hopper: HopperState, count: number, before: HopperStatus, seen: { last: HopperStatus }): Promise<number> {
    const bus = this.options.bus;
    const expected = nextCounter(before.eventCounter);
    const command = Buffer.concat([encodeSerialNumber(hopper.serial ?? 0), Buffer.from([count])]);
    // Enabled before every dispense, not only at start: an emergency stop (or a hopper's own reset) leaves
    // it disabled, and a disabled hopper refuses the dispense.
    await bus.request(hopper.address, Header.enableHopper, [HOPPER_ENABLE]);
    try {
      await bus.request(hopper.address, Header.dispenseHopperCoins, command, { retries: 0 });
    } catch (error) {
      if (!(error instanceof DeviceTimeoutError)) throw error;
      // The reply was lost, not necessarily the command: the event counter tells which.
      seen.last = await this.hopperStatus(hopper);
      if (seen.last.eventCounter !== expected) {
        await bus.request(hopper.address, Header.dispenseHopperCoins, command, { retries: 0 });
      }
    }
    // A real hopper pays a coin every ~100 ms while its status counts the coins still to come: wait until
    // none are, as long as they keep coming.
    const stallMs = this.options.stallMs ?? DEFAULT_STALL_MS;
    let progress = '';
    let progressAt = Date.now();
    for (;;) {
      const status = await this.hopperStatus(hopper);
      seen.last = status;
      if (status.eventCounter === expected && status.remaining === 0) return status.lastPaid;
      const now = `${status.eventCounter}/${status.remaining}`;
      if (now !== progress) {
        progress = now;
        progressAt = Date.now();
      }
      if (Date.now() - progressAt > stallMs) {
        if (status.eventCounter !== expected) throw new DeviceTimeoutError(this.id, `dispense of ${count} x ${hopper.coinYen} yen`, stallMs);
        // Stuck halfway, or only paused (a coin bridging the exit, a slow motor): stopped before it resumes
        // unseen; the coins it did pay left the machine and are counted, the rest is unpaid.
        const paid = await this.stopDispense(hopper, status);
        this.logger.warn({ deviceId: this.id, coinYen: hopper.coinYen, requested: count, paid }, 'hopper stopped paying');
        return paid;
      }
      await delay(this.options.dispensePollMs ?? 50);
    }
  }

  /**
   * Emergency stop (header 172) for a dispense given up on, then the hopper's final count of the coins that
   * left. A hopper that does not answer the stop may still be paying: what its last status said is all that
   * is known, and the warning says the cash box may hold less than the ledger.
   */
  private async stopDispense(hopper: HopperState, last: HopperStatus): Promise<number> {
    const counts = { deviceId: this.id, coinYen: hopper.coinYen, paid: last.lastPaid, remaining: last.remaining };
    try {
      const { unpaid } = parseEmergencyStop(await this.options.bus.request(hopper.address, Header.emergencyStop));
      const final = await this.hopperStatus(hopper);
      this.logger.info({ ...counts, unpaid, finalPaid: final.lastPaid, finalUnpaid: final.lastUnpaid }, 'hopper emergency stop');
      return final.lastPaid;
    } catch (error) {
      this.logger.warn({ ...counts, err: describeError(error) }, 'hopper may not have stopped: emergency stop or its final status unanswered');
      return last.lastPaid;
    }
  }

  private async hopperStatus(hopper: HopperState): Promise<HopperStatus> {
    return parseHopperStatus(await this.options.bus.request(hopper.address, Header.requestHopperStatus));
  }

  /** One configuration at a time, shared by the poll and a payout that both find the bus fresh. */
  private ensureConfigured(): Promise<void> {
    if (this.configured) return Promise.resolve();
    this.configuring ??= this.configure().finally(() => {
      this.configuring = undefined;
    });
    return this.configuring;
  }

  private async configure(): Promise<void> {
    const bus = this.options.bus;
    for (const hopper of this.hoppers) {
      await bus.request(hopper.address, Header.simplePoll);
      const category = parseAscii(await bus.request(hopper.address, Header.requestEquipmentCategory));
      hopper.supported = category === 'Payout';
      if (!hopper.supported) continue;
      hopper.serial = parseSerialNumber(await bus.request(hopper.address, Header.requestSerialNumber));
      await bus.request(hopper.address, Header.enableHopper, [HOPPER_ENABLE]);
    }
    this.configured = true;
  }

  /** A payout owns the bus while it runs: its own status reads are the health check. */
  protected override canPoll(): boolean {
    return !this.paying;
  }

  protected async pollOnce(): Promise<void> {
    await this.ensureConfigured();
    for (const hopper of this.hoppers.filter((h) => h.supported)) {
      hopper.low = parsePayoutLevel(await this.options.bus.request(hopper.address, Header.requestPayoutHighLowStatus)).low;
      hopper.fault = parseSelfCheck(await this.options.bus.request(hopper.address, Header.performSelfCheck));
      // A hopper refilled (level back above low, no fault) is worth trying again.
      if (!hopper.low && hopper.fault === FaultCode.ok) hopper.unavailable = false;
    }
    this.updateHealth();
  }

  private updateHealth(): void {
    const reasons = new Set<DeviceReason>();
    const usable = this.hoppers.filter((h) => h.supported && !h.unavailable && h.fault === FaultCode.ok);
    for (const hopper of this.hoppers) {
      if (!hopper.supported) reasons.add('unsupported');
      else if (hopper.fault === FaultCode.payoutJammed) reasons.add('jam');
      else if (hopper.fault !== FaultCode.ok) reasons.add('other');
      else if (hopper.unavailable || hopper.low) reasons.add('hopper-empty');
    }
    // Some change can still be given while one coin value is out: a warning, not an error.
    const status: DeviceStatus | undefined = reasons.size === 0 ? undefined : usable.length > 0 && [...reasons].every((r) => r === 'hopper-empty') ? 'warning' : 'error';
    const empty = this.hoppers.filter((h) => h.unavailable || h.low).map((h) => `${h.coinYen}`);
    this.tracker.update(reasons, { ...(status ? { status } : {}), ...(empty.length ? { detail: `low or empty: ${empty.join(', ')} yen` } : {}) });
    this.notePayable();
  }
}
