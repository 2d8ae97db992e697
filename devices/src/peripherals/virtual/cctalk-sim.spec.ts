import { CcTalkFrameDecoder, encodeFrame } from '../cctalk/frame';
import { Header, parseCreditBuffer, parseHopperStatus } from '../cctalk/headers';
import { CcTalkBusSimulator } from './cctalk-bus-sim';
import { SimCoinAcceptor, SimHopper } from './cctalk-devices';

function ask(sim: CcTalkBusSimulator, destination: number, header: number, data: number[] = []) {
  const reply = sim.receive(encodeFrame({ destination, source: 1, header, data: Buffer.from(data) }));
  return new CcTalkFrameDecoder().push(reply).frames[0];
}

/** An enabled 100-yen hopper at address 3 paying a coin every 100 ms on a hand clock (`clock.now`). */
function handClockedHopper(coins: number) {
  const clock = { now: 0 };
  const hopper = new SimHopper(3, 100, coins, { msPerCoin: 100, now: () => clock.now });
  const sim = new CcTalkBusSimulator([hopper]);
  ask(sim, 3, Header.enableHopper, [165]);
  const status = () => parseHopperStatus(ask(sim, 3, Header.requestHopperStatus)?.data ?? Buffer.alloc(0));
  return { clock, hopper, sim, status };
}

describe('simulated ccTalk devices', () => {
  it('buffers credits only when enabled, newest first', () => {
    const acceptor = new SimCoinAcceptor();
    const sim = new CcTalkBusSimulator([acceptor]);
    expect(acceptor.insert(100)).toBe('rejected');
    ask(sim, 2, Header.modifyInhibitStatus, [0x0f, 0]);
    ask(sim, 2, Header.modifyMasterInhibit, [1]);
    expect(acceptor.insert(100)).toBe('accepted');
    const frame = ask(sim, 2, Header.readBufferedCredit);
    expect(frame).toMatchObject({ destination: 1, source: 2, header: 0 });
    expect(parseCreditBuffer(frame?.data ?? Buffer.alloc(0))).toMatchObject({ eventCounter: 2, results: [{ a: 3, b: 1 }, { a: 0, b: 2 }, { a: 0, b: 0 }, { a: 0, b: 0 }, { a: 0, b: 0 }] });
  });

  it('dispenses only with the right serial number, and reports what it paid', () => {
    const hopper = new SimHopper(3, 100, 2, { msPerCoin: 0 });
    const sim = new CcTalkBusSimulator([hopper]);
    ask(sim, 3, Header.enableHopper, [165]);
    expect(ask(sim, 3, Header.dispenseHopperCoins, [0, 0, 0, 3])?.header).toBe(Header.nak);
    expect(ask(sim, 3, Header.dispenseHopperCoins, [3, 0, 1, 3])?.data).toEqual(Buffer.from([1]));
    expect(parseHopperStatus(ask(sim, 3, Header.requestHopperStatus)?.data ?? Buffer.alloc(0))).toEqual({ eventCounter: 1, remaining: 0, lastPaid: 2, lastUnpaid: 1 });
  });

  it('counts a dispense out coin by coin, reports the coins still to come, and pays nothing while its motor is held', () => {
    const { clock, hopper, sim, status } = handClockedHopper(3);
    expect(ask(sim, 3, Header.dispenseHopperCoins, [3, 0, 1, 4])?.data).toEqual(Buffer.from([1]));
    expect(status()).toEqual({ eventCounter: 1, remaining: 4, lastPaid: 0, lastUnpaid: 0 });
    // Still paying: a second dispense is refused.
    expect(ask(sim, 3, Header.dispenseHopperCoins, [3, 0, 1, 1])?.header).toBe(Header.nak);
    clock.now = 150;
    expect(status()).toEqual({ eventCounter: 1, remaining: 3, lastPaid: 1, lastUnpaid: 0 });
    hopper.hold(true);
    clock.now = 5000;
    expect(status()).toEqual({ eventCounter: 1, remaining: 3, lastPaid: 1, lastUnpaid: 0 });
    hopper.hold(false);
    clock.now = 5100;
    expect(status()).toEqual({ eventCounter: 1, remaining: 2, lastPaid: 2, lastUnpaid: 0 });
    // The third coin is its last: the fourth is unpaid, and nothing is paid twice however late the poll.
    clock.now = 9000;
    expect(status()).toEqual({ eventCounter: 1, remaining: 0, lastPaid: 3, lastUnpaid: 1 });
    expect({ coins: hopper.coins, paidOut: hopper.paidOut }).toEqual({ coins: 0, paidOut: 3 });
  });

  it('stops a dispense where it is on an emergency stop, answers the coins left unpaid, and pays nothing more when its motor is released', () => {
    const { clock, hopper, sim, status } = handClockedHopper(10);
    ask(sim, 3, Header.dispenseHopperCoins, [3, 0, 1, 4]);
    clock.now = 250;
    expect(status()).toEqual({ eventCounter: 1, remaining: 2, lastPaid: 2, lastUnpaid: 0 });
    hopper.hold(true);
    expect(ask(sim, 3, Header.emergencyStop)?.data).toEqual(Buffer.from([2]));
    expect(status()).toEqual({ eventCounter: 1, remaining: 0, lastPaid: 2, lastUnpaid: 2 });
    hopper.hold(false);
    clock.now = 10_000;
    expect(status()).toEqual({ eventCounter: 1, remaining: 0, lastPaid: 2, lastUnpaid: 2 });
    expect({ coins: hopper.coins, paidOut: hopper.paidOut }).toEqual({ coins: 8, paidOut: 2 });
    // Stopped, it is disabled: it refuses the next dispense until it is enabled again; idle, a stop leaves nothing unpaid.
    expect(ask(sim, 3, Header.dispenseHopperCoins, [3, 0, 1, 1])?.header).toBe(Header.nak);
    ask(sim, 3, Header.enableHopper, [165]);
    expect(ask(sim, 3, Header.dispenseHopperCoins, [3, 0, 1, 1])?.data).toEqual(Buffer.from([2]));
    clock.now = 10_100;
    expect(status()).toEqual({ eventCounter: 2, remaining: 0, lastPaid: 1, lastUnpaid: 0 });
    expect(ask(sim, 3, Header.emergencyStop)?.data).toEqual(Buffer.from([0]));
  });

  it('does not answer a frame with a bad checksum or for another address', () => {
    const sim = new CcTalkBusSimulator([new SimCoinAcceptor()]);
    expect(sim.receive(Buffer.from([2, 0, 1, 254, 0])).length).toBe(0);
    expect(sim.malformed).toBe(1);
    expect(sim.receive(encodeFrame({ destination: 9, source: 1, header: 254, data: Buffer.alloc(0) })).length).toBe(0);
  });
});
