/**
 * The console's cash reconciliation page `#/cash` (issue 18, item 5) against the real hub process: a kiosk
 * scripted on `/agent` (real signed handshake, the real event codec) has a day of two collections (the
 * first balances; in the second the technician counts ¥100 short of the ¥600 the coins put in), then an
 * administrator opens the page: expected vs counted per period, the short one highlighted and flagged,
 * the balanced one not; the hoppers expected from the morning's counts less the afternoon's payouts
 * against the afternoon's count; the morning's refund voucher recorded as paid at the office from the
 * page, once (a second time is refused with its reason); the CSV download is the hub's file; axe finds
 * nothing serious.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { AuditPageSchema, BatchAckSchema, EnrolResponseSchema, OutboxEventSchema, type OutboxEvent } from '@kiosk/protocols';
import { signInToConsole } from '../support/console';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { connectAgentSocket, signedAuth, uuidv7, type AgentSocket } from '../support/kiosk-client';
import { TestSystem } from '../support/system';

jest.setTimeout(120_000);

describe('console cash reconciliation page', () => {
  const system = new TestSystem();
  let browser: Browser;
  let page: Page;
  let socket: AgentSocket | undefined;
  let kioskId: string;
  let seq = 0;

  // One kiosk instant for the whole scripted day: two collections at the same instant (a kiosk clock that
  // did not move) once broke the page's rows, which were keyed by kiosk and collection time.
  const occurredAt = new Date().toISOString();
  function event(type: OutboxEvent['type'], payload: unknown): OutboxEvent {
    seq += 1;
    return OutboxEventSchema.parse({ id: uuidv7(), kioskId, seq, occurredAt, type, payload });
  }

  /** A payment the person cancelled: the coin credited, then paid back by the hopper. */
  function cancelledPayment(coinYen: number): OutboxEvent[] {
    const transactionId = uuidv7();
    return [event('cash.credit', { transactionId, coinYen }), event('cash.payout', { transactionId, amountYen: coinYen, reason: 'refund' })];
  }

  /** A payment refunded on a voucher (the hopper could not pay): redeemed at the office later. */
  const voucherTransaction = uuidv7();
  function refundedOnVoucher(coinYen: number): OutboxEvent[] {
    return [event('cash.credit', { transactionId: voucherTransaction, coinYen }), event('cash.voucher', { transactionId: voucherTransaction, amountYen: coinYen, reason: 'refund' })];
  }

  /** 10-, 50- and 100-yen hoppers: found at the collection, and 100 coins each left after refilling. */
  const hoppers = (found: [number, number, number]) => ([10, 50, 100] as const).map((coinYen, index) => ({ coinYen, foundCoins: found[index] ?? 0, leftCoins: 100 }));
  const collected = (countedYen: number, recordedCoins: number, recordedYen: number, counts?: ReturnType<typeof hoppers>) =>
    event('cash.collected', { commandId: uuidv7(), countedYen, ...(counts ? { hoppers: counts } : {}), recordedCoins, recordedYen });

  beforeAll(async () => {
    await system.startHub();
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const enrolled = await fetch(`${system.hubUrl}/api/kiosks/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: await system.createEnrolmentCode(), publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }),
    });
    expect(enrolled.status).toBe(201);
    ({ kioskId } = EnrolResponseSchema.parse(await enrolled.json()));
    const connection = await connectAgentSocket(system.hubUrl, signedAuth(kioskId, privateKey));
    expect(connection.refusal).toBeNull();
    socket = connection.socket;

    // Morning: ¥500 in, refunded on a voucher; emptied and counted right, the hoppers filled to 100 coins
    // each (¥16,000). Afternoon: ¥100 and ¥500 in and back from the hoppers, counted ¥500; the hoppers hold
    // the ¥15,400 they should.
    const day = [
      ...refundedOnVoucher(500),
      collected(500, 1, 500, hoppers([80, 90, 100])),
      ...cancelledPayment(100),
      ...cancelledPayment(500),
      collected(500, 2, 600, hoppers([100, 100, 94])),
    ];
    const ack = BatchAckSchema.parse(await socket.timeout(5000).emitWithAck('events', { events: day }));
    expect(ack).toMatchObject({ ok: true });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 1024 }, acceptDownloads: true });
    await signInToConsole(page, system);
    await page.goto(`${system.hubUrl}/console/#/cash`);
  });

  afterAll(async () => {
    socket?.close();
    await browser?.close();
    await system.close();
  });

  it('shows expected vs counted per collection, the short count highlighted and flagged', async () => {
    const rows = page.locator(`[data-testid="cash-row"][data-kiosk="${kioskId}"]`);
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const cells = async (index: number) => {
      const row = rows.nth(index);
      return {
        expected: (await row.getByTestId('cash-expected').innerText()).replace(/[^\d]/g, ''),
        counted: (await row.getByTestId('cash-counted').innerText()).replace(/[^\d]/g, ''),
        difference: (await row.getByTestId('cash-difference').innerText()).trim(),
        flags: (await row.getByTestId('cash-flags').innerText()).trim(),
        highlighted: await row.evaluate((element) => element.classList.contains('discrepancy')),
      };
    };
    const periods = [await cells(0), await cells(1)].sort((a, b) => Number(a.expected) - Number(b.expected));
    // The console speaks Japanese by default: 一致 "balances", 実査不足 "counted short". The highlighted
    // row is told apart by more than its colour: its flag says what is wrong.
    expect(periods[0]).toMatchObject({ expected: '500', counted: '500', flags: '一致', highlighted: false });
    expect(periods[1]).toMatchObject({ expected: '600', counted: '500', flags: '実査不足', highlighted: true });
    expect(periods[1]?.difference).toMatch(/^-.*100/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);
  });

  it('shows the hoppers expected from the last collection’s counts against the count (issue 18)', async () => {
    const afternoon = page.locator(`[data-testid="cash-row"][data-kiosk="${kioskId}"]`).filter({ has: page.getByTestId('cash-expected').filter({ hasText: '600' }) });
    const digits = async (testId: string) => (await afternoon.getByTestId(testId).innerText()).replace(/[^\d-]/g, '');
    expect([await digits('cash-hopper-expected'), await digits('cash-hopper-counted'), await digits('cash-hopper-difference')]).toEqual(['15400', '15400', '0']);
  });

  it('records the morning’s voucher as paid at the office, once; the second time says why it is refused (issue 18)', async () => {
    const morning = page.locator(`[data-testid="cash-row"][data-kiosk="${kioskId}"]`).filter({ has: page.getByTestId('cash-flags').filter({ hasText: '一致' }) });
    expect(await morning.getByTestId('cash-vouchers-redeemed').innerText()).toMatch(/0円$/);
    const form = page.getByTestId('voucher-redemption');
    const fill = async () => {
      await form.getByTestId('voucher-kiosk').fill(kioskId);
      await form.getByTestId('voucher-transaction').fill(voucherTransaction);
      await form.getByTestId('voucher-amount').fill('500');
    };
    await fill();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await form.getByTestId('voucher-submit').click();
    await form.locator('[data-testid="voucher-outcome"][data-ok="true"]').waitFor();
    await morning.getByTestId('cash-vouchers-redeemed').filter({ hasText: '500円' }).waitFor();

    await fill();
    await form.getByTestId('voucher-submit').click();
    const refused = form.locator('[data-testid="voucher-outcome"][data-ok="false"]');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('already redeemed');
    const audit = await fetch(`${system.hubUrl}/api/audit?limit=20`, { headers: { authorization: `Bearer ${system.adminToken()}` } });
    const entries = AuditPageSchema.parse(await audit.json()).entries.filter((entry) => entry.action === 'cash-voucher.redeemed');
    expect(entries.map((entry) => entry.outcome).sort()).toEqual(['ok', 'refused']);
  });

  it('downloads the CSV for the accounting office, the same file the hub serves', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cash-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^cash-reconciliation-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const text = await readFile(file, 'utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const ours = lines.filter((line) => line.includes(kioskId));
    expect(ours).toHaveLength(2);
    expect(ours.some((line) => /(^|,)600(,|$)/.test(line) && /(^|,)-100(,|$)/.test(line))).toBe(true);

    const [, from, to] = /^cash-reconciliation-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.csv$/.exec(download.suggestedFilename()) ?? [];
    const served = await fetch(`${system.hubUrl}/api/cash/reconciliation.csv?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${system.adminToken()}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).toString('utf8')).toBe(text);
  });
});
