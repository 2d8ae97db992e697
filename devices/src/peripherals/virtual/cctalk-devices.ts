import type { CoinYen } from '@kiosk/protocols';
import { nextCounter } from '../cctalk/credit';
import {
  CoinEventCode,
  FaultCode,
  Header,
  HOPPER_ENABLE,
  encodeCoinId,
  encodeCreditBuffer,
  encodeHopperStatus,
  encodeSerialNumber,
  parseSerialNumber,
} from '../cctalk/headers';

/** What a simulated device answers: reply data, a NAK, or nothing at all (no such command on this device). */
export type SimAnswer = { ack: Buffer } | { nak: true } | undefined;

const ack = (data: Buffer | number[] = []): SimAnswer => ({ ack: Buffer.from(data) });
const nak: SimAnswer = { nak: true };

export interface SimDevice {
  readonly address: number;
  handle(header: number, data: Buffer): SimAnswer;
}

/** The four yen coins at positions 1-4, as a Japanese acceptor would be programmed. */
export const DEFAULT_COIN_POSITIONS: ReadonlyArray<[number, CoinYen]> = [
  [1, 10],
  [2, 50],
  [3, 100],
  [4, 500],
];

export type InsertOutcome = 'accepted' | 'rejected' | 'jammed';

/**
 * A ccTalk coin acceptor's behaviour: event counter, five-deep credit buffer, master and per-coin inhibit,
 * self-check. Power-up state is fully inhibited, as on real acceptors.
 */
export class SimCoinAcceptor implements SimDevice {
  counter = 0;
  results: Array<{ a: number; b: number }> = [];
  master = false;
  mask = 0;
  jammed = false;

  constructor(
    readonly address = 2,
    private readonly positions: ReadonlyArray<[number, CoinYen]> = DEFAULT_COIN_POSITIONS,
  ) {}

  insert(coinYen: CoinYen): InsertOutcome {
    if (this.jammed) {
      this.record(0, CoinEventCode.creditSensorBlocked);
      return 'jammed';
    }
    const position = this.positions.find(([, coin]) => coin === coinYen)?.[0];
    if (position === undefined) {
      this.record(0, CoinEventCode.rejectCoin);
      return 'rejected';
    }
    if (!this.master || (this.mask & (1 << (position - 1))) === 0) {
      this.record(0, CoinEventCode.inhibitedCoin);
      return 'rejected';
    }
    this.record(position, 1);
    return 'accepted';
  }

  get accepting(): boolean {
    return this.master && this.mask !== 0 && !this.jammed;
  }

  handle(header: number, data: Buffer): SimAnswer {
    switch (header) {
      case Header.simplePoll:
        return ack();
      case Header.requestEquipmentCategory:
        return ack(Buffer.from('Coin Acceptor', 'latin1'));
      case Header.requestManufacturerId:
        return ack(Buffer.from('KSK', 'latin1'));
      case Header.requestProductCode:
        return ack(Buffer.from('VCA-JP4', 'latin1'));
      case Header.requestSerialNumber:
        return ack(encodeSerialNumber(0x000201));
      case Header.requestCoinId: {
        const position = data[0];
        return ack(encodeCoinId(this.positions.find(([p]) => p === position)?.[1]));
      }
      case Header.modifyInhibitStatus:
        if (data.length !== 2) return nak;
        this.mask = (data[0] as number) | ((data[1] as number) << 8);
        return ack();
      case Header.modifyMasterInhibit:
        if (data.length !== 1) return nak;
        this.master = ((data[0] as number) & 1) === 1;
        return ack();
      case Header.readBufferedCredit:
        return ack(encodeCreditBuffer({ eventCounter: this.counter, results: this.results }));
      case Header.performSelfCheck:
        return ack([this.jammed ? FaultCode.creditSensor : FaultCode.ok]);
      case Header.resetDevice:
        Object.assign(this, { counter: 0, results: [], master: false, mask: 0 });
        return ack();
      default:
        return nak;
    }
  }

  private record(a: number, b: number): void {
    this.counter = nextCounter(this.counter);
    this.results = [{ a, b }, ...this.results].slice(0, 5);
  }
}

/** How a simulated hopper pays: its pace, and the clock it is paced by. */
export interface SimHopperOptions {
  serial?: number;
  /** Time to pay one coin; a real hopper takes about 100 ms. 0 pays a whole dispense at once. */
  msPerCoin?: number;
  /** Milliseconds now (tests pace the hopper by hand). */
  now?: () => number;
}

/** The dispense a hopper is counting out: what was asked, what it will pay (what it holds), what it has paid. */
interface RunningDispense {
  wanted: number;
  payable: number;
  paid: number;
  /** When the last coin left (or the dispense or motor started): the next leaves `msPerCoin` after. */
  lastCoinAt: number;
}

/**
 * A ccTalk payout hopper holding one coin value: serial-number-checked dispense, emergency stop, status,
 * level, self-check.
 * A dispense is counted out coin by coin, `msPerCoin` apart, as a real hopper's motor does: its status
 * says how many coins are still to come (`remaining`) until the last one is out, and a second dispense is
 * refused meanwhile. Coins are counted out on the hopper's clock whenever it is asked something (the host
 * polls its status while it pays), so no timer runs in the simulator.
 */
export class SimHopper implements SimDevice {
  coins: number;
  jammed = false;
  enabled = false;
  counter = 0;
  lastPaid = 0;
  lastUnpaid = 0;
  /** Coins actually paid out, for the device panel's tray. */
  paidOut = 0;
  readonly lowLevel = 5;
  private readonly serial: number;
  private readonly msPerCoin: number;
  private readonly now: () => number;
  private running: RunningDispense | undefined;
  /** The motor held (device panel, tests): a dispense under way pays nothing more until released. */
  private motorHeld = false;

  constructor(
    readonly address: number,
    readonly coinYen: CoinYen,
    coins: number,
    options: SimHopperOptions = {},
  ) {
    this.coins = coins;
    this.serial = options.serial ?? 0x010000 + address;
    this.msPerCoin = options.msPerCoin ?? 100;
    this.now = options.now ?? Date.now;
  }

  get held(): boolean {
    return this.motorHeld;
  }

  /** Holds or releases the motor; released, the next coin leaves `msPerCoin` later, as after a start. */
  hold(held: boolean): void {
    this.countOut();
    this.motorHeld = held;
    if (!held && this.running) this.running.lastCoinAt = this.now();
  }

  /** Coins still to pay in the dispense under way (0 when idle). */
  get remaining(): number {
    this.countOut();
    return this.running ? this.running.wanted - this.running.paid : 0;
  }

  handle(header: number, data: Buffer): SimAnswer {
    this.countOut();
    switch (header) {
      case Header.simplePoll:
        return ack();
      case Header.requestEquipmentCategory:
        return ack(Buffer.from('Payout', 'latin1'));
      case Header.requestManufacturerId:
        return ack(Buffer.from('KSK', 'latin1'));
      case Header.requestProductCode:
        return ack(Buffer.from(`VHP-${this.coinYen}`, 'latin1'));
      case Header.requestSerialNumber:
        return ack(encodeSerialNumber(this.serial));
      case Header.enableHopper:
        this.enabled = data[0] === HOPPER_ENABLE;
        return ack();
      case Header.dispenseHopperCoins:
        return this.dispense(data);
      case Header.emergencyStop:
        return ack([this.emergencyStop()]);
      case Header.requestHopperStatus:
        return ack(encodeHopperStatus({ eventCounter: this.counter, remaining: this.remaining, lastPaid: this.lastPaid, lastUnpaid: this.lastUnpaid }));
      case Header.requestPayoutHighLowStatus:
        return ack([0x10 | (this.coins <= this.lowLevel ? 0x01 : 0)]);
      case Header.performSelfCheck:
        return ack([this.jammed ? FaultCode.payoutJammed : FaultCode.ok]);
      default:
        return nak;
    }
  }

  /** Takes the dispense; its coins are counted out from now on (a hopper still paying refuses another). */
  private dispense(data: Buffer): SimAnswer {
    if (data.length !== 4 || !this.enabled || this.running) return nak;
    if (parseSerialNumber(data.subarray(0, 3)) !== this.serial) return nak;
    const wanted = data[3] as number;
    this.counter = nextCounter(this.counter);
    this.lastPaid = 0;
    this.lastUnpaid = 0;
    this.running = { wanted, payable: this.jammed ? 0 : Math.min(wanted, this.coins), paid: 0, lastCoinAt: this.now() };
    this.countOut();
    return ack([this.counter]);
  }

  /**
   * Halts the dispense under way where it is (the coins due by now have left): the rest is unpaid and stays
   * unpaid, a held motor released later pays nothing. Returns the coins left unpaid (0 when idle).
   */
  /** Stops the motor where it is and leaves the hopper disabled until it is enabled again (header 164). */
  private emergencyStop(): number {
    this.enabled = false;
    const running = this.running;
    if (!running) return 0;
    this.lastPaid = running.paid;
    this.lastUnpaid = running.wanted - running.paid;
    this.running = undefined;
    return this.lastUnpaid;
  }

  /**
   * Pays the coins whose time has come; ends the dispense when the last payable coin is out (what it could
   * not pay, for want of coins or a jam, is `lastUnpaid`). A held motor pays nothing.
   */
  private countOut(): void {
    const running = this.running;
    if (!running || this.motorHeld) return;
    const now = this.now();
    // Jammed or emptied (device panel) while paying: it stops where it is.
    if (this.jammed || this.coins < running.payable - running.paid) running.payable = running.paid + (this.jammed ? 0 : this.coins);
    while (running.paid < running.payable && (this.msPerCoin === 0 || now - running.lastCoinAt >= this.msPerCoin)) {
      running.paid += 1;
      running.lastCoinAt += this.msPerCoin;
      this.coins -= 1;
      this.paidOut += 1;
      this.lastPaid = running.paid;
    }
    if (running.paid < running.payable) return;
    this.lastPaid = running.paid;
    this.lastUnpaid = running.wanted - running.paid;
    this.running = undefined;
  }
}
