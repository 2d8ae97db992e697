/**
 * Cash reconciliation against a real hub (issue 18): a scripted day of sales, a refund by hopper, change
 * partly on a voucher and a cancelled payment, each fee issued by the hub with the TEST CA's card and each
 * coin, payout and voucher sent as outbox events on `/agent`, then a collection: the report balances to
 * the yen. A second kiosk's technician counts a coin short: flagged, and a `cash-discrepancy` alert is
 * raised; its "cash box full" alert resolves with the collection. The hoppers counted at collections:
 * what the last one left, less what they paid, against what the technician found (a coin missing raises
 * the alert too). A voucher redeemed at the office, once, audited, shown against those issued. The CSV
 * route and the access rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  AlertSchema,
  CardVerifyResponseSchema,
  CashReconciliationReportSchema,
  ChallengeResponseSchema,
  IssueResponseSchema,
  OutboxEventSchema,
  RefundResponseSchema,
  VoucherRedemptionSchema,
  type CashPeriod,
  type HopperCount,
  type OutboxEvent,
} from '@kiosk/protocols';
import { addDays, jstDate, jstInstant } from '../src/domain/jst';
import { connectKiosk, enrolKiosk, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';
import { ManualClock } from './support/manual-clock';
import { DEFAULT_FLEET_CONFIG } from '../src/config';
import { TestHub } from './support/test-hub';
import { factsFile } from './certificates/support/facts';
import { makeProjectTestCa, type ProjectTestCa } from './certificates/support/project-test-ca';

/** Noon JST of the next open day (not Dec 29 – Jan 3) after now, so the service hours never refuse. */
function nextOpenNoon(now: Date): Date {
  let day = jstDate(now);
  while (jstInstant(day, '12:00') <= now || ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'].includes(day.slice(5))) day = addDays(day, 1);
  return jstInstant(day, '12:00');
}

const DAY_MS = 24 * 3_600_000;

const ORDER = { options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true }, copies: 1 } as const;

/** One kiosk's outbox as the test scripts it: every event numbered and stamped like the agent's store does. */
class ScriptedKiosk {
  private seq = 0;
  readonly sent: OutboxEvent[] = [];

  constructor(
    readonly kiosk: EnrolledKiosk,
    readonly agent: AgentClientSocket,
    private readonly clock: ManualClock,
  ) {}

  event(type: OutboxEvent['type'], payload: unknown): OutboxEvent {
    this.seq += 1;
    this.clock.advance(60_000);
    const event = OutboxEventSchema.parse({ id: uuidv7(), kioskId: this.kiosk.kioskId, seq: this.seq, occurredAt: this.clock.now().toISOString(), type, payload });
    this.sent.push(event);
    return event;
  }

  async send(events: OutboxEvent[]): Promise<void> {
    const ack = await this.agent.timeout(5000).emitWithAck('events', { events });
    if (!ack.ok) throw new Error(`events refused: ${ack.error.code}`);
  }

  credit = (transactionId: string, coinYen: number) => this.event('cash.credit', { transactionId, coinYen });
  payout = (transactionId: string, amountYen: number, reason: 'change' | 'refund') => this.event('cash.payout', { transactionId, amountYen, reason });
  voucher = (transactionId: string, amountYen: number, reason: 'change' | 'refund') => this.event('cash.voucher', { transactionId, amountYen, reason });
  collected = (countedYen: number, recordedCoins: number, recordedYen: number, hoppers?: HopperCount[]) =>
    this.event('cash.collected', { commandId: uuidv7(), countedYen, ...(hoppers ? { hoppers } : {}), recordedCoins, recordedYen });
}

/** Hopper counts as a technician writes them: 10-, 50- and 100-yen hoppers, found and left. */
function hoppers(found: [number, number, number], left: [number, number, number] = [100, 100, 100]): HopperCount[] {
  return ([10, 50, 100] as const).map((coinYen, index) => ({ coinYen, foundCoins: found[index] ?? 0, leftCoins: left[index] ?? 0 }));
}

describe('cash reconciliation', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cash-reconciliation-'));
  const sockets: AgentClientSocket[] = [];
  const clock = new ManualClock(nextOpenNoon(new Date()));
  const day = jstDate(clock.now());
  let ca: ProjectTestCa;
  let hub: TestHub;
  let a: ScriptedKiosk;
  let b: ScriptedKiosk;
  const tokens: Record<'tech-cash' | 'viewer-cash' | 'tech-other' | 'admin-cash', string> = { 'tech-cash': '', 'viewer-cash': '', 'tech-other': '', 'admin-cash': '' };
  /** A's third transaction: its ¥100 voucher is redeemed at the office. */
  let voucherTransaction = '';

  beforeAll(async () => {
    ca = makeProjectTestCa(path.join(dir, 'test-ca'));
    hub = await TestHub.start({
      config: {
        // Every scripted event moves the hub clock a minute and these kiosks send no heartbeats: offline
        // detection (not what this suite is about) would alert them between two batches whenever the
        // sweep's real-time tick fell there.
        fleet: { ...DEFAULT_FLEET_CONFIG, offlineAfterMs: DAY_MS, alerts: { ...DEFAULT_FLEET_CONFIG.alerts, offlineAfterMs: DAY_MS } },
        certificates: {
          factsFile: factsFile(),
          demoServiceTime: null,
          trustAnchorFiles: [path.join(dir, 'test-ca', 'ca', 'root.cert.pem')],
          crlFiles: [path.join(dir, 'test-ca', 'crl', 'root.crl.pem')],
          seedResidents: true,
        },
      },
      overrides: { clock },
    });
    const kioskA = await enrolKiosk(hub, { site: '豊中市役所', name: '本庁 1F' });
    const kioskB = await enrolKiosk(hub, { site: '庄内出張所', name: '庄内' });
    a = new ScriptedKiosk(kioskA, await connectKiosk(hub.url, kioskA, clock.now()), clock);
    b = new ScriptedKiosk(kioskB, await connectKiosk(hub.url, kioskB, clock.now()), clock);
    sockets.push(a.agent, b.agent);
    for (const [username, role, municipality] of [
      ['tech-cash', 'technician', '豊中市'],
      ['viewer-cash', 'viewer', '豊中市'],
      ['tech-other', 'technician', '吹田市'],
      ['admin-cash', 'administrator', '豊中市'],
    ] as const) {
      tokens[username] = await hub.login(username, await hub.createUser(username, role, municipality));
    }
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The hub's part of a sale: the card checked, the fee quoted and the certificate issued for `transactionId`. */
  async function issue(agent: AgentClientSocket, transactionId: string): Promise<void> {
    const challenge = ChallengeResponseSchema.parse(await agent.timeout(5000).emitWithAck('certificates.challenge', {}));
    if (!challenge.ok) throw new Error(`no challenge: ${challenge.error.code}`);
    const { certificate, signature } = ca.cardAnswer('toyonaka-001', Buffer.from(challenge.challenge, 'base64'));
    const verified = CardVerifyResponseSchema.parse(
      await agent.timeout(5000).emitWithAck('certificates.verify', { challenge: challenge.challenge, certificate: certificate.toString('base64'), signature: signature.toString('base64') }),
    );
    if (!verified.ok) throw new Error(`card refused: ${verified.error.code}`);
    const issued = IssueResponseSchema.parse(
      await agent.timeout(20_000).emitWithAck('certificates.issue', { transactionId, cardSessionId: verified.cardSessionId, order: ORDER, paidFeeYen: 200 }),
    );
    if (!issued.ok) throw new Error(`issue refused: ${issued.error.code}`);
  }

  async function report(token: string, query = `municipality=${encodeURIComponent('豊中市')}&from=${day}&to=${day}`) {
    return hub.api('GET', `/api/cash/reconciliation?${query}`, undefined, token);
  }

  async function periodsOf(kioskId: string): Promise<CashPeriod[]> {
    const { status, body } = await report(tokens['tech-cash']);
    expect(status).toBe(200);
    return CashReconciliationReportSchema.parse(body).periods.filter((period) => period.kioskId === kioskId);
  }

  async function alertsOf(kioskId: string, state: 'active' | 'resolved') {
    const { body } = await hub.api('GET', `/api/alerts?state=${state}&kioskId=${kioskId}`);
    return AlertSchema.array().parse(body);
  }

  it('a day of sales, a refund, change on a voucher and a cancelled payment, then a collection: balances to the yen', async () => {
    const [t1, t2, t3, t4] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    voucherTransaction = t3;
    // T1: ¥500 for a ¥200 certificate, ¥300 change from the hopper.
    await a.send([a.credit(t1, 500)]);
    await issue(a.agent, t1);
    await a.send([a.payout(t1, 300, 'change')]);
    // T2: paid with two ¥100 coins, the print failed: the fee back from the hopper, the refund recorded at the hub.
    await a.send([a.credit(t2, 100), a.credit(t2, 100)]);
    await issue(a.agent, t2);
    await a.send([a.payout(t2, 200, 'refund')]);
    expect(RefundResponseSchema.parse(await a.agent.timeout(5000).emitWithAck('certificates.refund', { transactionId: t2, amountYen: 200, reason: 'print-failed', method: 'hopper' }))).toMatchObject({ ok: true });
    // T3: ¥500 for ¥200; the hopper paid ¥200 of the ¥300 change, the receipt is a voucher for ¥100.
    await a.send([a.credit(t3, 500)]);
    await issue(a.agent, t3);
    await a.send([a.payout(t3, 200, 'change'), a.voucher(t3, 100, 'change')]);
    // T4: a ¥100 coin, then the person cancelled: the coin back.
    await a.send([a.credit(t4, 100), a.payout(t4, 100, 'refund')]);
    // The open period shows what the box should hold before anyone empties it.
    expect(await periodsOf(a.kiosk.kioskId)).toMatchObject([{ status: 'open', cashBox: { expectedYen: 1300, countedYen: null }, unsettledYen: 0, flags: [] }]);

    // Evening: the technician empties the box and counts ¥1,300, counts the hoppers and fills them to 100 coins each.
    const collection = [a.collected(1300, 5, 1300, hoppers([60, 90, 95]))];
    await a.send(collection);
    await a.send(collection); // an ack lost: resent, stored once
    const [period, ...others] = await periodsOf(a.kiosk.kioskId);
    expect(others).toEqual([]);
    expect(period).toEqual({
      kioskId: a.kiosk.kioskId,
      municipality: '豊中市',
      site: '豊中市役所',
      status: 'collected',
      startedAt: null,
      collectedAt: collection[0]?.occurredAt,
      cashBox: { coins: 5, expectedYen: 1300, recordedYen: 1300, countedYen: 1300, differenceYen: 0 },
      // The first counted collection: nothing to compare its hoppers with; what it left starts the next period.
      hoppers: { changePaidYen: 500, refundsPaidYen: 300, paidYen: 800, startYen: null, expectedYen: null, countedYen: 14_600, differenceYen: null, leftYen: 16_000, counts: hoppers([60, 90, 95]) },
      vouchers: { changeYen: 100, refundYen: 0, issuedYen: 100, redeemedYen: 0, outstandingYen: 100 },
      fees: { paidYen: 600, refundedYen: 200, earnedYen: 400, issuances: 3 },
      unsettledYen: 0,
      flags: [],
    });
    // 1,300 in = 400 fees kept + 800 from the hoppers + 100 on a voucher.
    expect((period?.fees.earnedYen ?? 0) + (period?.hoppers.paidYen ?? 0) + (period?.vouchers.issuedYen ?? 0)).toBe(period?.cashBox.expectedYen);
    expect(await alertsOf(a.kiosk.kioskId, 'active')).toEqual([]);
  }, 120_000);

  it('a coin missing from the count is flagged and raises a cash-discrepancy alert; the full cash box alert resolves with the collection', async () => {
    // The coin acceptor says its box is full: the alert opens.
    await b.send([b.event('device.health.changed', { deviceId: 'coins', kind: 'coin-acceptor', status: 'warning', reasons: ['cash-box-full'], since: clock.now().toISOString() })]);
    expect(await alertsOf(b.kiosk.kioskId, 'active')).toMatchObject([{ kind: 'cash-box-full', state: 'open' }]);

    const t5 = uuidv7();
    await b.send([b.credit(t5, 100), b.credit(t5, 100)]);
    await issue(b.agent, t5);
    // Emptied: the kiosk counted ¥200, the technician found ¥100.
    await b.send([b.collected(100, 2, 200)]);

    const [period] = await periodsOf(b.kiosk.kioskId);
    expect(period).toMatchObject({
      status: 'collected',
      cashBox: { coins: 2, expectedYen: 200, recordedYen: 200, countedYen: 100, differenceYen: -100 },
      fees: { earnedYen: 200 },
      unsettledYen: 0,
      flags: ['counted-short'],
    });
    const active = await alertsOf(b.kiosk.kioskId, 'active');
    expect(active).toMatchObject([{ kind: 'cash-discrepancy', state: 'open', severity: 'warning', message: expect.stringContaining('¥100 short') as unknown }]);
    expect(await alertsOf(b.kiosk.kioskId, 'resolved')).toMatchObject([{ kind: 'cash-box-full', state: 'resolved' }]);
    expect(await hub.count('SELECT count(*) FROM cash_collections WHERE kiosk_id = ? AND discrepancy_yen = -100', b.kiosk.kioskId)).toBe(1);
  }, 60_000);

  it('reconciles the hoppers from one collection to the next: a coin missing is flagged and raises a cash-discrepancy alert (issue 18)', async () => {
    const t6 = uuidv7();
    // ¥500 for ¥200: ¥300 change from the hoppers, which the last collection left holding ¥16,000.
    await a.send([a.credit(t6, 500)]);
    await issue(a.agent, t6);
    await a.send([a.payout(t6, 300, 'change')]);
    // The box balances; the hoppers should hold ¥15,700 but the technician finds ¥15,600 (a ¥100 coin short).
    await a.send([a.collected(500, 1, 500, hoppers([100, 100, 96]))]);
    const [, second] = await periodsOf(a.kiosk.kioskId);
    expect(second).toMatchObject({
      status: 'collected',
      cashBox: { expectedYen: 500, countedYen: 500, differenceYen: 0 },
      hoppers: { paidYen: 300, startYen: 16_000, expectedYen: 15_700, countedYen: 15_600, differenceYen: -100, leftYen: 16_000 },
      flags: ['hoppers-short'],
    });
    expect(await alertsOf(a.kiosk.kioskId, 'active')).toMatchObject([{ kind: 'cash-discrepancy', message: expect.stringContaining('¥100 short') as unknown }]);
  }, 60_000);

  it('records a voucher redeemed at the office once, audited, and shows it against the vouchers issued (issue 18)', async () => {
    const redeem = (body: unknown, token: string) => hub.api('POST', '/api/cash/vouchers/redemptions', body, token);
    const request = { kioskId: a.kiosk.kioskId, transactionId: voucherTransaction, amountYen: 100, note: '窓口 No.12' };
    const audited = (outcome: 'ok' | 'refused') => hub.count("SELECT count(*) FROM audit_log WHERE action = 'cash-voucher.redeemed' AND outcome = ?", outcome);

    // Field technicians do not pay vouchers: refused, and the refusal is in the audit trail.
    expect((await redeem(request, tokens['tech-cash'])).status).toBe(403);
    expect(await audited('refused')).toBe(1);
    // Not the amount printed, or no such voucher: refused with what is wrong, nothing recorded.
    const wrongAmount = await redeem({ ...request, amountYen: 300 }, tokens['admin-cash']);
    expect(wrongAmount).toMatchObject({ status: 400, body: { error: { code: 'invalid_message', message: expect.stringContaining('¥100') as unknown } } });
    expect((await redeem({ ...request, transactionId: uuidv7() }, tokens['admin-cash'])).status).toBe(404);
    expect((await redeem({ ...request, amountYen: -5 }, tokens['admin-cash'])).status).toBe(400);
    expect(await hub.count('SELECT count(*) FROM cash_voucher_redemptions')).toBe(0);

    const paid = await redeem(request, tokens['admin-cash']);
    expect(paid.status).toBe(201);
    expect(VoucherRedemptionSchema.parse(paid.body)).toMatchObject({ kioskId: a.kiosk.kioskId, transactionId: voucherTransaction, amountYen: 100, reason: 'change', redeemedBy: 'admin-cash', note: '窓口 No.12' });
    expect(await audited('ok')).toBe(1);
    // The same voucher brought twice: refused, audited, still one redemption.
    const twice = await redeem(request, tokens['admin-cash']);
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: expect.stringContaining('already redeemed') as unknown } } });
    expect(await audited('refused')).toBe(2);
    expect(await hub.count('SELECT count(*) FROM cash_voucher_redemptions')).toBe(1);

    const [first] = await periodsOf(a.kiosk.kioskId);
    expect(first?.vouchers).toEqual({ changeYen: 100, refundYen: 0, issuedYen: 100, redeemedYen: 100, outstandingYen: 0 });
  }, 60_000);

  it('exports the report as CSV: a header row, yen integers, Japanese intact', async () => {
    const response = await fetch(`${hub.url}/api/cash/reconciliation.csv?municipality=${encodeURIComponent('豊中市')}&from=${day}&to=${day}`, {
      headers: { authorization: `Bearer ${tokens['tech-cash']}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="cash-reconciliation-${day}-${day}.csv"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    const [header, ...rows] = lines.map((line) => line.split(','));
    expect(header?.slice(0, 4)).toEqual(['kiosk_id', 'municipality', 'site', 'status']);
    const column = (row: string[] | undefined, name: string) => row?.[header?.indexOf(name) ?? -1];
    const rowA = rows.find((row) => row[0] === a.kiosk.kioskId);
    const rowB = rows.find((row) => row[0] === b.kiosk.kioskId);
    expect([column(rowA, 'municipality'), column(rowA, 'site'), column(rowA, 'cash_box_expected_yen'), column(rowA, 'cash_box_counted_yen'), column(rowA, 'fees_earned_yen'), column(rowA, 'unsettled_yen')]).toEqual(['豊中市', '豊中市役所', '1300', '1300', '400', '0']);
    expect([column(rowB, 'cash_box_difference_yen'), column(rowB, 'flags')]).toEqual(['-100', 'counted-short']);
    expect([column(rowA, 'hopper_counted_yen'), column(rowA, 'hopper_left_yen'), column(rowA, 'hopper_counts'), column(rowA, 'voucher_redeemed_yen'), column(rowA, 'voucher_outstanding_yen')]).toEqual([
      '14600',
      '16000',
      '10:60/100 50:90/100 100:95/100',
      '100',
      '0',
    ]);
    const secondA = rows.filter((row) => row[0] === a.kiosk.kioskId)[1];
    expect([column(secondA, 'hopper_expected_yen'), column(secondA, 'hopper_difference_yen'), column(secondA, 'flags')]).toEqual(['15700', '-100', 'hoppers-short']);
  });

  it('answers technicians and administrators of the municipality only', async () => {
    expect((await report(tokens['viewer-cash'])).status).toBe(403);
    expect((await report(tokens['tech-other'])).status).toBe(404);
    const own = await report(tokens['tech-other'], `from=${day}&to=${day}`);
    expect(own.status).toBe(200);
    expect(CashReconciliationReportSchema.parse(own.body)).toMatchObject({ municipality: '吹田市', periods: [] });
    expect((await report(tokens['tech-cash'], `from=${day}&to=${addDays(day, -1)}`)).status).toBe(400);
    expect((await hub.api('GET', `/api/cash/reconciliation?from=${day}&to=${day}`, undefined, null)).status).toBe(401);
  });
});
