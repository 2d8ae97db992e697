/**
 * The hub lost mid-issue, end to end on real parts (its own hub and agent: this file kills the hub).
 * The person has paid; the hub dies (SIGKILL, no goodbye) after the preflight passed and before the last
 * coin, so the agent's `certificates.issue` finds it unreachable. The agent retries with the same
 * transaction id for its retry window (shortened here through `certificateOptions.issueRetryMs`), then
 * refunds by hopper and records that durably; when the hub is back, the outbox delivers the cash events
 * and the refund record reaches the hub exactly once, with no issuance for the transaction.
 */
import type { RunningAgent } from '../src/agent';
import type { tempDir } from './support/agent-harness';
import { KioskDriver, RESIDENCE_X2, TestHub, paperInTray, residents, startInProcessCertificateKiosk, waitUntil } from './certificate-support';

jest.setTimeout(120_000);

/** Short, so the test does not wait the production minute; long enough for several retries (every 300 ms). */
const ISSUE_RETRY_MS = 3_000;

let tmp: ReturnType<typeof tempDir>;
let hub: TestHub;
let agent: RunningAgent;
let kiosk: KioskDriver;
let agentDir: string;
let pin: string;
const logLines: string[] = [];

beforeAll(async () => {
  let testCaDir: string;
  ({ tmp, agentDir, testCaDir, hub, agent, kiosk } = await startInProcessCertificateKiosk({
    name: 'certificates-hub-lost',
    logLines,
    certificateOptions: { issueRetryMs: ISSUE_RETRY_MS, printTimeoutMs: 60_000, hopperWaitMs: 5_000 },
  }));
  const person = residents(testCaDir).find((resident) => resident.id === 'toyonaka-001');
  if (!person) throw new Error('no test resident toyonaka-001');
  pin = person.pin;
});

afterAll(async () => {
  kiosk?.close();
  await agent?.stop();
  await hub?.stop();
  tmp?.cleanup();
});

/** What the agent's outbox still holds for `transactionId` (not yet acknowledged by the hub). */
function pendingCashEvents(transactionId: string): Array<Record<string, unknown>> {
  return agent.store.outbox
    .peek(1000)
    .filter((event) => event.type.startsWith('cash.') && (event.payload as Record<string, unknown>).transactionId === transactionId)
    .map((event) => ({ type: event.type, ...(event.payload as Record<string, unknown>) }));
}

/** The `cash.*` events the hub stored for `transactionId`. */
function hubCashEvents(transactionId: string): Array<Record<string, unknown>> {
  return hub
    .events(agent.kioskId)
    .filter((event) => event.type.startsWith('cash.') && event.payload.transactionId === transactionId)
    .map((event) => ({ type: event.type, ...event.payload }));
}

describe('certificate issuance when the hub is lost mid-issue', () => {
  it('paid, hub killed before the issue: retried, then refunded by hopper; refund and cash events reach the hub once it is back', async () => {
    const sessionId = await kiosk.toPayment('toyonaka-001', pin, RESIDENCE_X2);
    await kiosk.waitScreen('pay');
    // The preflight passed and the card is out; the hub dies before any coin, so the issue that the last
    // coin starts finds it unreachable (and every cash event waits in the outbox).
    await hub.kill();
    await waitUntil('the agent sees the hub gone', () => !agent.state.connection().hubConnected, 30_000);
    const retriesBefore = logLines.filter((line) => line.includes('issue answer lost; retrying with the same transaction id')).length;

    try {
      for (const coin of [100, 100, 100, 100] as const) await kiosk.insertCoin(coin);
      const refunded = await kiosk.waitScreen('refunded', 60_000);
      expect(refunded).toEqual({ screen: 'refunded', amountYen: 400, hopperYen: 400, voucherYen: 0, method: 'hopper', reason: 'issue-failed' });
      // The issue was retried (same transaction id) before giving up, not refused at once.
      expect(logLines.filter((line) => line.includes('issue answer lost; retrying with the same transaction id')).length).toBeGreaterThan(retriesBefore);

      // Durable while the hub is still down: the money table and the outbox say refunded.
      expect(agent.certificates.transactions.get(sessionId)).toMatchObject({ state: 'refunded', refundReason: 'issue-failed', creditedYen: 400, paidOutYen: 400, voucherYen: 0, refundReported: false });
      expect(pendingCashEvents(sessionId)).toEqual([
        { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
        { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
        { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
        { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
        { type: 'cash.payout', transactionId: sessionId, amountYen: 400, reason: 'refund' },
      ]);
      expect(paperInTray(agentDir, sessionId)).toEqual([]);

      await kiosk.command('certificates.finish');
      await kiosk.waitScreen('done');
    } finally {
      await hub.start();
    }
    await waitUntil('the agent is back on the hub', () => agent.state.connection().hubConnected, 30_000);

    // The refund record reaches the hub (reported on reconnect) and the outbox drains.
    await waitUntil('the refund is reported', () => agent.certificates.transactions.get(sessionId)?.refundReported === true, 30_000);
    await waitUntil('the outbox delivered the cash events', () => pendingCashEvents(sessionId).length === 0, 30_000);
    expect(hubCashEvents(sessionId)).toEqual([
      { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
      { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
      { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
      { type: 'cash.credit', transactionId: sessionId, coinYen: 100 },
      { type: 'cash.payout', transactionId: sessionId, amountYen: 400, reason: 'refund' },
    ]);
    // Exactly once at the hub, and nothing issued under this transaction id.
    expect(hub.ledger(sessionId)).toEqual([{ kind: 'refund', amount_yen: 400, detail: 'issue-failed/hopper' }]);
    expect(hub.issuances(sessionId)).toEqual([]);
  });
});
