import type { CoinYen } from '@kiosk/protocols';
import type { HopperConfig } from '../cctalk/coin-dispenser';
import { InvalidArgumentError } from '../errors';
import type { PeripheralLogger } from '../logger';
import type { SerialLinkFactory } from '../serial/serial-link';
import { CcTalkBusSimulator } from './cctalk-bus-sim';
import { SimCoinAcceptor, SimHopper, type InsertOutcome, type SimHopperOptions } from './cctalk-devices';
import { VirtualSerialDevice } from './virtual-serial-device';

export interface VirtualHopperSpec {
  coinYen: CoinYen;
  coins: number;
  address?: number;
}

export interface VirtualCoinMachineOptions {
  dir: string;
  /** Link name; the bus identity is `{ path: <dir>/<name> }`. Default `cash-bus`. */
  name?: string;
  acceptorAddress?: number;
  hoppers?: VirtualHopperSpec[];
  /** The hoppers' pace (default 100 ms a coin, on the system clock); a test may pace them by hand. */
  hopperPace?: Pick<SimHopperOptions, 'msPerCoin' | 'now'>;
  factory?: SerialLinkFactory;
  logger?: PeripheralLogger;
}

export interface VirtualCoinMachineSnapshot {
  plugged: boolean;
  accepting: boolean;
  coinJam: boolean;
  eventCounter: number;
  /** Yen accepted into the cash box since start. */
  acceptedYen: number;
  hoppers: Array<{ coinYen: CoinYen; address: number; coins: number; jammed: boolean; held: boolean; paidOut: number }>;
  malformed: number;
}

export const DEFAULT_HOPPERS: VirtualHopperSpec[] = [
  { coinYen: 10, coins: 100, address: 3 },
  { coinYen: 50, coins: 40, address: 4 },
  { coinYen: 100, coins: 40, address: 5 },
];

/**
 * A coin acceptor and its change hoppers on one ccTalk bus, on the far end of a socat pty pair. The device
 * panel inserts coins and causes faults here; the real drivers see only the serial line.
 */
export class VirtualCoinMachine extends VirtualSerialDevice<VirtualCoinMachineSnapshot> {
  readonly acceptor: SimCoinAcceptor;
  readonly hoppers: SimHopper[];
  private readonly bus: CcTalkBusSimulator;
  private acceptedYen = 0;

  private constructor(options: VirtualCoinMachineOptions) {
    super(options, { defaultName: 'cash-bus', baudRate: 9600, changeLabel: 'virtual coin machine change' });
    this.acceptor = new SimCoinAcceptor(options.acceptorAddress ?? 2);
    this.hoppers = (options.hoppers ?? DEFAULT_HOPPERS).map((spec, index) => new SimHopper(spec.address ?? 3 + index, spec.coinYen, spec.coins, options.hopperPace));
    this.bus = new CcTalkBusSimulator([this.acceptor, ...this.hoppers]);
  }

  static async start(options: VirtualCoinMachineOptions): Promise<VirtualCoinMachine> {
    const machine = new VirtualCoinMachine(options);
    await machine.host.plug();
    return machine;
  }

  /** The hopper list to give CcTalkCoinDispenser. */
  hopperConfigs(): HopperConfig[] {
    return this.hoppers.map((hopper) => ({ address: hopper.address, coinYen: hopper.coinYen }));
  }

  // ---- controls (device panel, tests) ----

  insertCoin(coinYen: CoinYen): InsertOutcome {
    const outcome = this.acceptor.insert(coinYen);
    if (outcome === 'accepted') this.acceptedYen += coinYen;
    this.emitChange();
    return outcome;
  }

  /** Several coins at once, faster than any poll: more than five overflow the acceptor's buffer. */
  insertCoins(coins: CoinYen[]): InsertOutcome[] {
    return coins.map((coin) => this.insertCoin(coin));
  }

  setCoinJam(jammed: boolean): void {
    this.acceptor.jammed = jammed;
    this.emitChange();
  }

  /**
   * `5 + lost` coins of one value in one instant: the acceptor buffers only the last five events, so `lost`
   * credits are gone before the host can read them (as when polls fail for a while during a busy moment).
   */
  overflowCreditBuffer(coinYen: CoinYen, lost: number): InsertOutcome[] {
    return this.insertCoins(Array.from({ length: 5 + lost }, () => coinYen));
  }

  setHopperCoins(coinYen: CoinYen, coins: number): void {
    this.hopper(coinYen).coins = Math.max(0, Math.trunc(coins));
    this.emitChange();
  }

  emptyHopper(coinYen: CoinYen): void {
    this.setHopperCoins(coinYen, 0);
  }

  /**
   * Holds every hopper's motor, as a hopper waiting on its motor does: a payout under way pays nothing more
   * (its status keeps the coins still to come) until released, when it goes on coin by coin. For tests
   * that look at the screens shown while money is paid.
   */
  setHoppersHeld(held: boolean): void {
    for (const hopper of this.hoppers) hopper.hold(held);
    this.emitChange();
  }

  setHopperJam(coinYen: CoinYen, jammed: boolean): void {
    this.hopper(coinYen).jammed = jammed;
    this.emitChange();
  }

  /** The next reply goes out with a bad checksum. */
  corruptNextReply(): void {
    this.bus.corruptNextReply = true;
  }

  snapshot(): VirtualCoinMachineSnapshot {
    return {
      plugged: this.host.plugged,
      accepting: this.acceptor.accepting,
      coinJam: this.acceptor.jammed,
      eventCounter: this.acceptor.counter,
      acceptedYen: this.acceptedYen,
      hoppers: this.hoppers.map((hopper) => ({
        coinYen: hopper.coinYen,
        address: hopper.address,
        coins: hopper.coins,
        jammed: hopper.jammed,
        held: hopper.held,
        paidOut: hopper.paidOut,
      })),
      malformed: this.bus.malformed,
    };
  }

  private hopper(coinYen: CoinYen): SimHopper {
    const hopper = this.hoppers.find((candidate) => candidate.coinYen === coinYen);
    if (!hopper) throw new InvalidArgumentError(`no ${coinYen}-yen hopper`);
    return hopper;
  }

  protected receive(bytes: Buffer): Buffer {
    const reply = this.bus.receive(bytes);
    this.emitChange();
    return reply;
  }
}
