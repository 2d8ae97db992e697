/**
 * Power cut after payment: the agent runs as its own process (its build, AGENT_DEVICES=virtual) and is
 * killed with a real SIGKILL by its test-only chaos hook (KIOSK_CHAOS) at the worst instants: right after
 * the fee was recorded as paid, and right after the hub issued but before printing. Restarted on the same
 * data, it must settle the transaction exactly once: the money back by hopper, the refund recorded at the
 * hub (voiding an issuance), nothing charged twice, nothing lost, and a second restart does nothing more.
 * And right after a coin's commit (the cash desk writes its outbox event and ledger credit in one
 * transaction): the refund then counts every coin the hub knows of.
 */
import type { CoinYen } from '@kiosk/protocols';
import { CrashBench, endOrphansOf, type StartedAgent } from './support/agent-process';
import { KioskDriver, RESIDENCE_X2, type TestHub, waitUntil } from './certificate-support';

jest.setTimeout(240_000);

let bench: CrashBench;
let hub: TestHub;

function startAgent(dataDir: string, env: Record<string, string>): Promise<StartedAgent> {
  return bench.startAgent(dataDir, env);
}

/** A person pays for a residence certificate ×2 (fee 400) with these coins; returns the transaction id. */
async function payForResidenceCertificate(kiosk: KioskDriver, pin: string, coins: CoinYen[]): Promise<string> {
  const sessionId = await kiosk.toPayment('toyonaka-001', pin, RESIDENCE_X2);
  // The pay screen comes only once the coin acceptor is open: a coin dropped then is taken.
  await kiosk.waitScreen('pay');
  for (const coin of coins) await kiosk.insertCoin(coin);
  return sessionId;
}

function cash(kioskId: string, transactionId: string) {
  return hub.events(kioskId).filter((event) => event.type.startsWith('cash.') && event.payload.transactionId === transactionId).map((event): Record<string, unknown> => ({ type: event.type, ...event.payload }));
}

beforeAll(async () => {
  bench = await CrashBench.start('certificates-crash');
  hub = bench.hub;
});

afterAll(async () => {
  await bench?.stop();
});

async function crashAndRecover(chaos: 'agent-crash-after-payment' | 'agent-crash-before-print' | 'agent-crash-after-credit:2', name: string, coins: CoinYen[] = [500]) {
  const dataDir = bench.agentDir(name);
  const pin = bench.pinOf('toyonaka-001');

  const first = await startAgent(dataDir, { AGENT_ENROLMENT_CODE: await hub.enrolmentCode(), KIOSK_CHAOS: chaos, KIOSK_TEST_HOOKS: '1' });
  const kioskId = String(first.agent.lines.find((line) => line.msg === 'agent ui listening')?.kioskId);
  const kiosk = new KioskDriver(first.url);
  let transactionId: string;
  try {
    transactionId = await payForResidenceCertificate(kiosk, pin, coins);
    const exit = await first.agent.exited;
    expect(exit.signal).toBe('SIGKILL');
  } finally {
    kiosk.close();
    endOrphansOf(first.agent);
  }

  // Restart on the same data: the unfinished transaction is found and settled.
  const second = await startAgent(dataDir, {});
  await second.agent.waitFor('certificate fee refunded', 60_000);
  await second.agent.waitFor('refund recorded at the hub', 60_000);
  await waitUntil('the refund payout reached the hub', () => cash(kioskId, transactionId).some((event) => event.type === 'cash.payout' && event.reason === 'refund'), 30_000);
  await second.agent.stop();
  endOrphansOf(second.agent);

  // A second restart finds nothing to settle: nothing is paid twice.
  const third = await startAgent(dataDir, {});
  await waitUntil('the third run reported its start', () => hub.events(kioskId).filter((event) => event.type === 'agent.started').length === 3, 30_000);
  expect(third.agent.lines.filter((line) => line.msg === 'settling an unfinished certificate transaction')).toEqual([]);
  await third.agent.stop();
  endOrphansOf(third.agent);
  return { kioskId, transactionId };
}

describe('agent SIGKILL after payment, then restart', () => {
  it('killed once the fee was recorded paid (before issuing): everything inserted goes back once, nothing issued', async () => {
    const { kioskId, transactionId } = await crashAndRecover('agent-crash-after-payment', 'after-payment');
    expect(cash(kioskId, transactionId)).toEqual([
      { type: 'cash.credit', transactionId, coinYen: 500 },
      { type: 'cash.payout', transactionId, amountYen: 500, reason: 'refund' },
    ]);
    expect(hub.issuances(transactionId)).toEqual([]);
    expect(hub.ledger(transactionId)).toEqual([{ kind: 'refund', amount_yen: 400, detail: 'recovered-after-restart/hopper' }]);
  });

  it('killed after the hub issued, before printing: the fee goes back once and the issuance is void', async () => {
    const { kioskId, transactionId } = await crashAndRecover('agent-crash-before-print', 'before-print');
    expect(cash(kioskId, transactionId)).toEqual([
      { type: 'cash.credit', transactionId, coinYen: 500 },
      { type: 'cash.payout', transactionId, amountYen: 100, reason: 'change' },
      { type: 'cash.payout', transactionId, amountYen: 400, reason: 'refund' },
    ]);
    const [issuance, ...more] = hub.issuances(transactionId);
    expect(more).toEqual([]);
    expect(issuance?.voided_at).not.toBeNull();
    const verify = (await (await fetch(`${hub.url}/api/verify/${issuance?.verification_code ?? ''}`)).json()) as unknown;
    expect(verify).toEqual({ valid: false, reason: 'voided' });
    expect(hub.ledger(transactionId).filter((row) => row.kind === 'refund')).toEqual([{ kind: 'refund', amount_yen: 400, detail: 'recovered-after-restart/hopper' }]);
  });

  it('killed right after a coin was committed (the second: 100 + 500 for a 400 fee): every coin the acceptor took goes back, once', async () => {
    // The coin's outbox event and its ledger credit (which also made the fee paid) are one commit: the
    // restarted agent owes exactly what the acceptor took minus what the hoppers paid out (600 - 0).
    const { kioskId, transactionId } = await crashAndRecover('agent-crash-after-credit:2', 'after-credit', [100, 500]);
    expect(cash(kioskId, transactionId)).toEqual([
      { type: 'cash.credit', transactionId, coinYen: 100 },
      { type: 'cash.credit', transactionId, coinYen: 500 },
      { type: 'cash.payout', transactionId, amountYen: 600, reason: 'refund' },
    ]);
    expect(hub.issuances(transactionId)).toEqual([]);
    expect(hub.ledger(transactionId)).toEqual([{ kind: 'refund', amount_yen: 400, detail: 'recovered-after-restart/hopper' }]);
  });
});
