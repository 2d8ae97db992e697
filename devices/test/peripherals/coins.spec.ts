import type { CoinYen } from '@kiosk/protocols';
import {
  CcTalkBus,
  CcTalkCoinAcceptor,
  CcTalkCoinDispenser,
  FrameParseError,
  LostCreditError,
  PayoutIncompleteError,
  type CoinCredit,
  type CoinRejection,
  type PayoutResult,
} from '../../src/peripherals';
import { VirtualCoinMachine, type SimHopper } from '../../src/virtual';
import { makeTempDir, waitFor } from './support/wait';

jest.setTimeout(15_000);

describe('ccTalk coin acceptor and hoppers over a socat pty pair', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let machine: VirtualCoinMachine;
  let bus: CcTalkBus;
  let acceptor: CcTalkCoinAcceptor;
  let dispenser: CcTalkCoinDispenser;
  const credits: CoinCredit[] = [];
  const rejections: CoinRejection[] = [];
  const lost: LostCreditError[] = [];
  const payouts: PayoutResult[] = [];
  const malformed: FrameParseError[] = [];
  const yen = (): number[] => credits.map((credit) => credit.coinYen);

  beforeAll(async () => {
    temp = await makeTempDir('cctalk');
    machine = await VirtualCoinMachine.start({ dir: temp.dir });
    bus = new CcTalkBus({ id: 'cash-bus', identity: { path: machine.path }, watchMs: 100, replyTimeoutMs: 150 });
    acceptor = new CcTalkCoinAcceptor({ id: 'coins', bus, pollMs: 50, selfCheckEvery: 2 });
    dispenser = new CcTalkCoinDispenser({ id: 'hoppers', bus, hoppers: machine.hopperConfigs(), pollMs: 100, dispensePollMs: 10 });
    acceptor.onCredit((credit) => credits.push(credit));
    acceptor.onRejected((rejection) => rejections.push(rejection));
    acceptor.onLostCredit((error) => lost.push(error));
    dispenser.onPayout((result) => payouts.push(result));
    bus.onMalformed((error) => malformed.push(error));
    await acceptor.start();
    await dispenser.start();
    await acceptor.enable();
    await waitFor('acceptor ok', () => acceptor.health().status === 'ok' && machine.snapshot().accepting);
    await waitFor('hoppers ok', () => dispenser.health().status === 'ok');
  });

  afterAll(async () => {
    await dispenser.stop();
    await acceptor.stop();
    await machine.stop();
    await temp.remove();
  });

  beforeEach(async () => {
    credits.length = 0;
    rejections.length = 0;
    lost.length = 0;
    payouts.length = 0;
    await acceptor.enable();
  });

  it('credits exactly the coins inserted, in order', async () => {
    const coins: CoinYen[] = [10, 50, 100, 500, 100];
    for (const coin of coins) {
      expect(machine.insertCoin(coin)).toBe('accepted');
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await waitFor('five credits', () => credits.length === 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(yen()).toEqual(coins);
    expect(new Set(credits.map((credit) => credit.eventCounter)).size).toBe(5);
    expect(lost).toEqual([]);
  });

  it('rejects coins while disabled and credits nothing', async () => {
    await acceptor.disable();
    expect(machine.insertCoin(100)).toBe('rejected');
    await waitFor('rejection event', () => rejections.length === 1);
    expect(rejections[0]).toMatchObject({ errorCode: 2 });
    expect(credits).toEqual([]);
  });

  it('detects credit events lost to a buffer overflow and never drops them silently', async () => {
    machine.insertCoins([100, 100, 100, 100, 100, 100, 10]);
    await waitFor('lost credit', () => lost.length === 1);
    expect(lost[0]).toBeInstanceOf(LostCreditError);
    expect(lost[0]).toMatchObject({ code: 'lost-credit', lostEvents: 2 });
    expect(yen()).toEqual([100, 100, 100, 100, 10]);
    expect(acceptor.health()).toMatchObject({ status: 'error', reasons: ['lost-credit'] });
    acceptor.acknowledgeLostCredit();
    expect(acceptor.health().status).toBe('ok');
  });

  it('detects a single dropped credit event', async () => {
    machine.overflowCreditBuffer(50, 1);
    await waitFor('lost credit', () => lost.length === 1);
    expect(lost[0]?.lostEvents).toBe(1);
    expect(yen()).toEqual([50, 50, 50, 50, 50]);
    acceptor.acknowledgeLostCredit();
  });

  it('pays change from the hoppers and reports it', async () => {
    const before = machine.snapshot().hoppers.map((hopper) => hopper.coins);
    const result = await dispenser.payout(380, 'change');
    expect(result).toMatchObject({ reason: 'change', requestedYen: 380, paidYen: 380, unpaidYen: 0 });
    expect(result.coins).toEqual([
      { coinYen: 100, count: 3 },
      { coinYen: 50, count: 1 },
      { coinYen: 10, count: 3 },
    ]);
    expect(payouts).toEqual([result]);
    const after = machine.snapshot().hoppers.map((hopper) => hopper.coins);
    expect(before.map((count, i) => count - (after[i] ?? 0))).toEqual([3, 1, 3]);
  });

  it('waits for a hopper that counts its coins out one by one, held on its motor halfway, and counts each coin once', async () => {
    const hopper100 = machine.hoppers.find((hopper) => hopper.coinYen === 100);
    if (!hopper100) throw new Error('no 100-yen hopper');
    const before = { coins: hopper100.coins, paidOut: hopper100.paidOut };
    machine.setHoppersHeld(true);
    let settled = false;
    const paying = dispenser.payout(400, 'refund').finally(() => {
      settled = true;
    });
    try {
      // The dispense is taken and held: the hopper reports all four coins still to come, none paid.
      await waitFor('the dispense held with 4 coins to come', () => hopper100.remaining === 4);
      expect(settled).toBe(false);
      expect(hopper100.paidOut).toBe(before.paidOut);
    } finally {
      machine.setHoppersHeld(false);
    }
    const result = await paying;
    expect(result).toMatchObject({ requestedYen: 400, paidYen: 400, unpaidYen: 0, coins: [{ coinYen: 100, count: 4 }] });
    expect(payouts).toEqual([result]);
    expect({ coins: hopper100.coins, paidOut: hopper100.paidOut, remaining: hopper100.remaining }).toEqual({ coins: before.coins - 4, paidOut: before.paidOut + 4, remaining: 0 });
  });

  it('makes change from smaller coins when a hopper runs dry, and reports an incomplete payout', async () => {
    machine.setHopperCoins(100, 1);
    const result = await dispenser.payout(200, 'refund');
    expect(result.coins).toEqual([
      { coinYen: 100, count: 1 },
      { coinYen: 50, count: 2 },
    ]);
    await waitFor('hopper-empty warning', () => dispenser.health().reasons.includes('hopper-empty'));
    expect(dispenser.health().status).toBe('warning');

    machine.setHopperCoins(50, 0);
    machine.setHopperCoins(10, 2);
    const failure = await dispenser.payout(100, 'refund').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PayoutIncompleteError);
    expect(failure).toMatchObject({ requestedYen: 100, paidYen: 20, unpaidYen: 80 });
    expect(payouts.at(-1)).toMatchObject({ paidYen: 20, unpaidYen: 80 });
    expect(dispenser.health().status).toBe('error');

    machine.setHopperCoins(100, 40);
    machine.setHopperCoins(50, 40);
    machine.setHopperCoins(10, 100);
    await waitFor('hoppers refilled', () => dispenser.health().status === 'ok');
  });

  it('says which coin values the hoppers can still pay: one at its low level drops out, and listeners hear it', async () => {
    expect(dispenser.payableCoins()).toEqual([100, 50, 10]);
    const heard: Array<readonly CoinYen[]> = [];
    const stop = dispenser.onPayableChange((coins) => heard.push(coins));
    try {
      machine.setHopperCoins(100, 0);
      await waitFor('the 100-yen hopper is no longer payable', () => dispenser.payableCoins().join() === '50,10');
      machine.setHopperCoins(50, 3); // at or below the low-level sensor: treated as empty (釣銭切れ)
      machine.setHopperCoins(10, 0);
      await waitFor('no change can be paid', () => dispenser.payableCoins().length === 0);
      machine.setHopperCoins(100, 40);
      machine.setHopperCoins(50, 40);
      machine.setHopperCoins(10, 100);
      await waitFor('hoppers refilled', () => dispenser.payableCoins().join() === '100,50,10' && dispenser.health().status === 'ok');
      expect(heard[0]).toEqual([50, 10]);
      expect(heard).toContainEqual([]);
      expect(heard.at(-1)).toEqual([100, 50, 10]);
    } finally {
      stop();
    }
  });

  it('takes only the coins it is enabled for; the others drop back', async () => {
    await acceptor.enable([10, 50, 100]);
    expect(machine.insertCoin(500)).toBe('rejected');
    expect(machine.insertCoin(100)).toBe('accepted');
    await waitFor('one credit', () => credits.length === 1);
    expect(yen()).toEqual([100]);
  });

  it('rejects corrupt replies and line noise, and keeps crediting', async () => {
    const before = malformed.length;
    machine.corruptNextReply();
    machine.injectGarbage(Buffer.from([0x01, 0xff, 0x42, 0x00, 0x13, 0x37]));
    machine.insertCoin(500);
    await waitFor('credit after noise', () => credits.length === 1);
    // The corrupt reply and the noise may arrive in one chunk and be reported as one run of dropped bytes.
    await waitFor('malformed reported', () => malformed.length > before);
    expect(malformed.slice(before).every((error) => error instanceof FrameParseError)).toBe(true);
    expect(yen()).toEqual([500]);
    expect(lost).toEqual([]);
  });

  it('reports a coin jam and clears it', async () => {
    machine.setCoinJam(true);
    expect(machine.insertCoin(100)).toBe('jammed');
    await waitFor('coin-jam', () => acceptor.health().reasons.includes('coin-jam'));
    machine.setCoinJam(false);
    await waitFor('jam cleared', () => acceptor.health().status === 'ok');
    expect(credits).toEqual([]);
  });

  it('goes missing on unplug and, on replug, credits coins taken while the cable was out', async () => {
    await machine.unplug();
    await waitFor('disconnected', () => acceptor.health().status === 'missing' && dispenser.health().status === 'missing');
    await expect(dispenser.payout(10, 'change')).rejects.toMatchObject({ code: 'disconnected' });
    machine.insertCoins([10, 100]);
    await machine.replug();
    await waitFor('reconnected', () => acceptor.health().status === 'ok' && dispenser.health().status === 'ok');
    await waitFor('credits after replug', () => credits.length === 2);
    expect(yen()).toEqual([10, 100]);
    expect(lost).toEqual([]);
  });
});

describe('a ccTalk hopper that stops paying halfway (its pace on a hand clock)', () => {
  interface HandClockedBench {
    machine: VirtualCoinMachine;
    dispenser: CcTalkCoinDispenser;
    hopper: SimHopper;
    payouts: PayoutResult[];
    clock: { now: number };
  }

  /** One 100-yen hopper of 10 coins paced by hand, and a driver that gives up after 300 ms of no coin. */
  async function withHandClockedHopper(test: (bench: HandClockedBench) => Promise<void>): Promise<void> {
    const temp = await makeTempDir('cctalk-stall');
    const clock = { now: 0 };
    const machine = await VirtualCoinMachine.start({ dir: temp.dir, hoppers: [{ coinYen: 100, coins: 10, address: 3 }], hopperPace: { msPerCoin: 100, now: () => clock.now } });
    const bus = new CcTalkBus({ id: 'cash-bus', identity: { path: machine.path }, watchMs: 100, replyTimeoutMs: 150 });
    const dispenser = new CcTalkCoinDispenser({ id: 'hoppers', bus, hoppers: machine.hopperConfigs(), pollMs: 100, dispensePollMs: 10, stallMs: 300 });
    const payouts: PayoutResult[] = [];
    dispenser.onPayout((result) => payouts.push(result));
    const hopper = machine.hoppers[0];
    if (!hopper) throw new Error('no hopper');
    try {
      await dispenser.start();
      await waitFor('hoppers ok', () => dispenser.health().status === 'ok');
      await test({ machine, dispenser, hopper, payouts, clock });
    } finally {
      await dispenser.stop();
      await machine.stop();
      await temp.remove();
    }
  }

  /** A 4-coin refund whose hopper pays 2 coins and then, after `pause`, none: the driver gives up on it. */
  async function refundStoppedAfterTwo({ dispenser, hopper, payouts, clock }: HandClockedBench, pause: () => void): Promise<void> {
    const paying = dispenser.payout(400, 'refund').catch((error: unknown) => error);
    await waitFor('the dispense taken with 4 coins to come', () => hopper.remaining === 4);
    clock.now = 250;
    pause();
    const failure = await paying;
    expect(failure).toBeInstanceOf(PayoutIncompleteError);
    expect(failure).toMatchObject({ requestedYen: 400, paidYen: 200, unpaidYen: 200 });
    expect(payouts).toEqual([{ reason: 'refund', requestedYen: 400, paidYen: 200, unpaidYen: 200, coins: [{ coinYen: 100, count: 2 }] }]);
    expect({ coins: hopper.coins, paidOut: hopper.paidOut }).toEqual({ coins: 8, paidOut: 2 });
  }

  it('counts the coins it paid before it stopped, once each, and reports the rest unpaid', async () => {
    // The hopper's clock stands still once two coins are out, so it pays nothing more.
    await withHandClockedHopper((bench) => refundStoppedAfterTwo(bench, () => undefined));
  });

  it('stops a hopper that only paused (emergency stop), so it pays nothing the ledger does not know of when it would resume', async () => {
    await withHandClockedHopper(async (bench) => {
      const { machine, hopper, clock } = bench;
      // Its motor held with two coins to come while time goes on, as a coin bridging the exit holds it.
      await refundStoppedAfterTwo(bench, () => {
        machine.setHoppersHeld(true);
        clock.now = 5000;
      });
      machine.setHoppersHeld(false);
      clock.now = 10_000;
      expect({ remaining: hopper.remaining, coins: hopper.coins, paidOut: hopper.paidOut, lastPaid: hopper.lastPaid, lastUnpaid: hopper.lastUnpaid }).toEqual({
        remaining: 0,
        coins: 8,
        paidOut: 2,
        lastPaid: 2,
        lastUnpaid: 2,
      });
      // The stop left the hopper disabled, as a real one is; the next payout enables it again and pays.
      expect(hopper.enabled).toBe(false);
      // Its next status poll finds it neither low nor faulty, so it is tried again.
      await waitFor('the hopper payable again', () => bench.dispenser.payableCoins().includes(100));
      const next = bench.dispenser.payout(100, 'change');
      await waitFor('the next dispense taken', () => hopper.remaining === 1);
      clock.now = 10_200;
      await expect(next).resolves.toMatchObject({ paidYen: 100, unpaidYen: 0 });
      expect(hopper.coins).toBe(7);
    });
  });
});
