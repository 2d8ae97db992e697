/**
 * A crash at every money boundary (issue 16): the agent runs as its own process (its build, virtual
 * devices) against the real hub and is SIGKILLed by its test-only hook (KIOSK_CHAOS=agent-crash-at-money-step:N)
 * right after the N-th money step of its run: a ledger or cash desk commit (payment opened, coin credited,
 * change or refund paid out, voucher, issued, printed, completed, cancelled, refunding, refunded, refund
 * reported) or a step done outside and not yet committed (the hub issued, the certificate or the receipt
 * printed). Each run draws its purchases (paid exactly, with change, or cancelled after a coin) and its
 * N from a seeded generator, N within the first purchase's steps plus one (a run that buys and finishes a
 * whole certificate before its kill costs an A4 print through CUPS for nothing), and buys until it is
 * killed; its restart first settles what the kill left, so kill points fall in recoveries too. Three kiosks
 * (three agent processes on their own data, one hub) take a third of the kill points each, side by side: most of a run is
 * waiting for the hub's PDF and CUPS, time the other kiosks' runs use. After the kills a last run of each
 * kiosk without the hook settles everything, and then
 * for every transaction: the agent owes exactly what the acceptor took less what the hoppers paid out and
 * the vouchers cover, the refund was made once, and the hub's ledger and cash events balance to zero
 * (credits = fee kept + change + refunds + vouchers).
 *
 * The seed is printed (KIOSK_CRASH_SEED replays one); so is every kill point.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { mulberry32, type CertificateScreen, type CoinYen } from '@kiosk/protocols';
import { readAgentLedger, type AgentLedgerRow } from '../../test/support/agent-ledger';
import { CrashBench, endOrphansOf } from './support/agent-process';
import { KioskDriver, RESIDENCE_X2, type TestHub, sleep, waitUntil } from './certificate-support';

/** 100 in all (KIOSK_CRASH_POINTS changes it, to replay a short seed while debugging). */
const KILL_POINTS = Number(process.env.KIOSK_CRASH_POINTS ?? 100);
const SEED = Number(process.env.KIOSK_CRASH_SEED ?? Date.now() % 1_000_000);
/** Kiosks killed side by side, each its own chain of kill points, each with its own resident's card. */
const RESIDENTS = ['toyonaka-001', 'toyonaka-002', 'toyonaka-003'];
const KIOSKS = RESIDENTS.length;
/** Purchases one run may make before it must have been killed. */
const MAX_PURCHASES = 3;

jest.setTimeout(1_200_000);

interface Plan {
  name: string;
  coins: CoinYen[];
  cancel: boolean;
  /** Its money steps when nothing kills it (ledger:open, each coin, change, issue, print, receipt, complete; or the coins back and cancel). */
  steps: number;
}

/**
 * How a purchase is paid for (fee 400): exactly, with change, or a coin and then cancel. The cancels are
 * listed twice: they cost no print, and their steps (coins, payout, cancel) come before any issue.
 */
const PLANS: readonly Plan[] = [
  { name: 'one 500 (change 100)', coins: [500], cancel: false, steps: 9 },
  { name: '100 then 500 (change 200)', coins: [100, 500], cancel: false, steps: 10 },
  { name: 'four 100 (exact)', coins: [100, 100, 100, 100], cancel: false, steps: 11 },
  { name: '100 then cancel', coins: [100], cancel: true, steps: 4 },
  { name: '100 + 50 then cancel', coins: [100, 50], cancel: true, steps: 5 },
  { name: '100 then cancel', coins: [100], cancel: true, steps: 4 },
  { name: '100 + 50 then cancel', coins: [100, 50], cancel: true, steps: 5 },
];

class AgentKilled extends Error {}

/** One kiosk's chain of kill points: its data directory, its resident, its generator and what was inserted. */
interface Kiosk {
  name: string;
  dataDir: string;
  pin: string;
  cardId: string;
  random: () => number;
  inserted: Map<string, number>;
}

let bench: CrashBench;
let hub: TestHub;
/** Each killed run's shopping, still settling after its kill: awaited before the bench stops, so no wait outlives the test. */
const shoppings: Array<Promise<void>> = [];

beforeAll(async () => {
  bench = await CrashBench.start('certificates-crash-points');
  hub = bench.hub;
});

afterAll(async () => {
  await Promise.allSettled(shoppings);
  await bench?.stop();
});

function pick<T>(random: () => number, from: readonly T[]): T {
  const chosen = from[Math.floor(random() * from.length)];
  if (chosen === undefined) throw new Error('nothing to pick from');
  return chosen;
}

/** One person's purchase, from the start screen to the end of the session; throws AgentKilled once the agent died. */
async function purchase(kiosk: Kiosk, screenDriver: KioskDriver, plan: Plan, dead: () => boolean): Promise<void> {
  const screen = async (name: CertificateScreen): Promise<void> => {
    await waitUntil(`screen ${name}`, () => dead() || screenDriver.latest()?.screen === name, 60_000);
    if (dead()) throw new AgentKilled();
  };
  const sessionId = await beginWhenAvailable(screenDriver, dead);
  await screenDriver.insertCard(kiosk.cardId);
  await screen('pin');
  await screenDriver.typePin(kiosk.pin);
  await screen('choose');
  await screenDriver.quote(RESIDENCE_X2);
  await screen('confirm');
  await screenDriver.command('certificates.confirm');
  await screen('remove-card');
  await screenDriver.removeCard();
  await screen('pay');
  for (const coin of plan.coins) {
    // Counted before it drops: a coin the kill interrupts may or may not have been taken.
    kiosk.inserted.set(sessionId, (kiosk.inserted.get(sessionId) ?? 0) + coin);
    await screenDriver.insertCoin(coin);
  }
  if (plan.cancel) {
    const total = plan.coins.reduce((sum, coin) => sum + coin, 0);
    await waitUntil('the coins shown', () => dead() || (screenDriver.latest() as { insertedYen?: number } | undefined)?.insertedYen === total, 30_000);
    await screenDriver.command('certificates.cancel');
    await screen('cancelled');
  } else {
    await screen('take-certificate');
  }
  await screenDriver.command('certificates.finish');
  await screen('done');
  await screenDriver.end('done');
  await screen('idle');
}

/** How often a preflight found a device not ready (the virtual bench's devices, just started, on a loaded machine). */
let notReady = 0;

/**
 * A session up to `insert-card`. A preflight that finds a device not ready (it refuses before any card or
 * coin) is what a person meets and retries: the session is ended and begun again, at most 20 times.
 */
async function beginWhenAvailable(screenDriver: KioskDriver, dead: () => boolean): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    screenDriver.states.splice(0);
    const sessionId = await screenDriver.begin();
    await screenDriver.command('certificates.start');
    await waitUntil('the preflight', () => dead() || ['insert-card', 'unavailable'].includes(screenDriver.latest()?.screen ?? ''), 60_000);
    if (dead()) throw new AgentKilled();
    const shown = screenDriver.latest();
    if (shown?.screen === 'insert-card') return sessionId;
    if (attempt === 20) throw new Error(`still unavailable: ${JSON.stringify(shown)}`);
    notReady += 1;
    await screenDriver.command('certificates.finish');
    await waitUntil('done', () => dead() || screenDriver.latest()?.screen === 'done', 30_000);
    await screenDriver.end('cancelled');
    await sleep(500);
  }
}

interface KillPoint {
  stepNumber: number;
  step: string;
  purchases: string[];
}

/** One agent run of `kiosk` with its kill point at money step `stepNumber`: purchases until the hook kills it. */
async function runUntilKilled(kiosk: Kiosk, stepNumber: number, plans: readonly Plan[], env: Record<string, string>): Promise<KillPoint> {
  const agent = bench.launch(kiosk.dataDir, { ...env, KIOSK_CHAOS: `agent-crash-at-money-step:${stepNumber}`, KIOSK_TEST_HOOKS: '1' });
  let dead = false;
  const killed = agent.exited.then(() => {
    dead = true;
  });
  const purchases: string[] = [];
  // Closed the moment the agent is dead: its requests are rejected and its waits end, none runs on.
  let driver: KioskDriver | null = null;
  void killed.then(() => driver?.close());
  const shop = async (): Promise<void> => {
    const ready = await agent.waitFor('agent ui listening', 90_000);
    await agent.waitFor('hub connected', 30_000);
    const screenDriver = new KioskDriver(String(ready.url));
    driver = screenDriver;
    if (dead) screenDriver.close();
    try {
      for (const plan of plans) {
        if (dead) break;
        purchases.push(plan.name);
        await purchase(kiosk, screenDriver, plan, () => dead);
      }
    } catch (error) {
      if (dead) throw error;
      throw new Error(`${kiosk.name}: ${(error as Error).message}\nlast screens: ${JSON.stringify(screenDriver.states.slice(-3))}\n${agent.describe()}`);
    } finally {
      screenDriver.close();
    }
  };
  const shopping = shop();
  // A wait the kill interrupted ends at once (the driver is closed); only a failure of a living agent counts.
  shoppings.push(shopping.catch(() => undefined));
  try {
    await Promise.race([shopping, killed]);
  } catch (error) {
    // The screen's socket closes a moment before the process's exit is seen.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([killed, new Promise((resolve) => (grace = setTimeout(resolve, 10_000)))]);
    clearTimeout(grace);
    if (!dead) throw error;
  }
  if (!dead) {
    await agent.stop();
    throw new Error(`${kiosk.name}: ${plans.length} purchases without reaching money step ${stepNumber}`);
  }
  const exit = await agent.exited;
  endOrphansOf(agent);
  expect(exit.signal).toBe('SIGKILL');
  const chaos = agent.lines.find((line) => line.msg === 'chaos: SIGKILL right after a money step');
  return { stepNumber, step: String(chaos?.step), purchases };
}

/** `kills` runs of `kiosk`, each killed at its drawn money step; then a run without the hook settles and delivers everything. */
async function killRepeatedly(kiosk: Kiosk, kills: number, began: number): Promise<{ kioskId: string; points: KillPoint[] }> {
  const points: KillPoint[] = [];
  for (let kill = 1; kill <= kills; kill += 1) {
    // Drawn whole for each run, so a seed gives the same kill points and purchases whatever the timing.
    const plans = Array.from({ length: MAX_PURCHASES }, () => pick(kiosk.random, PLANS));
    const stepNumber = 1 + Math.floor(kiosk.random() * ((plans[0]?.steps ?? 0) + 1));
    const env: Record<string, string> = kill === 1 ? { AGENT_ENROLMENT_CODE: await hub.enrolmentCode() } : {};
    const point = await runUntilKilled(kiosk, stepNumber, plans, env);
    points.push(point);
    const after = point.purchases.length > 0 ? `in or after ${point.purchases.join(', ')}` : 'in the recovery';
    report(`${kiosk.name} kill ${kill}/${kills}: money step ${point.stepNumber} (${point.step}) ${after}; ${Math.round((Date.now() - began) / 1000)} s`);
  }
  const last = await bench.startAgent(kiosk.dataDir);
  const kioskId = String(last.agent.lines.find((line) => line.msg === 'agent ui listening')?.kioskId);
  await waitUntil(
    `${kiosk.name}: every transaction settled and every event delivered`,
    () =>
      agentDb(kiosk, (db) => {
        const unsettled = db.prepare("SELECT COUNT(*) AS n FROM certificate_transactions WHERE state NOT IN ('completed', 'cancelled', 'refunded') OR (state = 'refunded' AND refund_reported = 0)").get() as { n: number };
        const queued = db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number };
        return unsettled.n === 0 && queued.n === 0;
      }),
    60_000,
  );
  await last.agent.stop();
  endOrphansOf(last.agent);
  return { kioskId, points };
}

function agentDb<T>(kiosk: Kiosk, work: (db: Database.Database) => T): T {
  const db = new Database(path.join(kiosk.dataDir, 'agent.sqlite'), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return work(db);
  } finally {
    db.close();
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Every way one transaction of `kiosk` fails to balance (none: it is settled, once, and balances to zero). */
function imbalances(kiosk: Kiosk, row: AgentLedgerRow, events: Array<{ type: string; payload: Record<string, unknown> }>): string[] {
  const id = row.transaction_id;
  const of = (type: string, field: string) => sum(events.filter((event) => event.type === type && event.payload.transactionId === id).map((event) => Number(event.payload[field])));
  const credits = of('cash.credit', 'coinYen');
  const payouts = of('cash.payout', 'amountYen');
  const vouchers = of('cash.voucher', 'amountYen');
  const inserted = kiosk.inserted.get(id) ?? 0;
  const hubLedger = hub.ledger(id);
  const payment = sum(hubLedger.filter((entry) => entry.kind === 'payment').map((entry) => entry.amount_yen));
  const refunds = hubLedger.filter((entry) => entry.kind === 'refund');
  const issuances = hub.issuances(id);
  const keptByAgent = row.state === 'completed' ? row.fee_yen : 0;
  const keptByHub = payment > 0 ? payment - sum(refunds.map((entry) => entry.amount_yen)) : 0;
  return [
    // The agent's ledger is what the drivers did, as the hub received it.
    row.credited_yen !== credits && `agent credited ${row.credited_yen}, hub cash.credit ${credits}`,
    row.paid_out_yen !== payouts && `agent paid out ${row.paid_out_yen}, hub cash.payout ${payouts}`,
    row.voucher_yen !== vouchers && `agent vouchers ${row.voucher_yen}, hub cash.voucher ${vouchers}`,
    credits > inserted && `credited ${credits} but ${inserted} inserted`,
    // Nothing owed: the acceptor's coins less the hoppers' payouts and the vouchers are the fee kept.
    credits - payouts - vouchers !== keptByAgent && `owed ${credits - payouts - vouchers - keptByAgent} (state ${row.state})`,
    credits !== keptByHub + payouts + vouchers && `hub: credits ${credits} ≠ fee kept ${keptByHub} + paid out ${payouts} + vouchers ${vouchers}`,
    keptByHub !== keptByAgent && `hub keeps ${keptByHub}, agent ${keptByAgent}`,
    // The refund once: one record at the hub for a refunded transaction, none for any other; its issuance void.
    refunds.length !== (row.state === 'refunded' ? 1 : 0) && `${refunds.length} refund records (state ${row.state})`,
    row.state === 'refunded' && issuances.some((issuance) => issuance.voided_at === null) && 'refunded, issuance not void',
    row.state === 'completed' && (issuances.length !== 1 || issuances[0]?.voided_at !== null) && 'completed without one valid issuance',
    issuances.length > 1 && `${issuances.length} issuances`,
  ].filter((problem): problem is string => typeof problem === 'string');
}

describe('SIGKILL at every money boundary, then restart', () => {
  it(`${KILL_POINTS} seeded kill points: every transaction settled once, the agent and the hub balance to zero`, async () => {
    const began = Date.now();
    report(`certificates-crash-points: seed ${SEED} (KIOSK_CRASH_SEED=${SEED} replays it)`);
    const kiosks: Kiosk[] = Array.from({ length: KIOSKS }, (_, index) => ({
      name: `kiosk ${String.fromCharCode(65 + index)}`,
      dataDir: bench.agentDir(`agent-${index}`),
      cardId: RESIDENTS[index] ?? '',
      pin: bench.pinOf(RESIDENTS[index] ?? ''),
      random: mulberry32(SEED * KIOSKS + index),
      inserted: new Map(),
    }));
    const share = (index: number) => Math.floor(KILL_POINTS / KIOSKS) + (index < KILL_POINTS % KIOSKS ? 1 : 0);
    const chains = await Promise.all(kiosks.map((kiosk, index) => killRepeatedly(kiosk, share(index), began)));
    const points = chains.flatMap((chain) => chain.points);
    report(`certificates-crash-points: ${points.length} kills in ${Math.round((Date.now() - began) / 1000)} s; steps hit: ${JSON.stringify(countBy(points.map((point) => point.step)))}; preflights that found a device not ready: ${notReady}`);
    expect(points).toHaveLength(KILL_POINTS);

    const states: string[] = [];
    kiosks.forEach((kiosk, index) => {
      const kioskId = chains[index]?.kioskId ?? '';
      const ledger = readAgentLedger(kiosk.dataDir);
      const events = hub.events(kioskId).filter((event) => event.type.startsWith('cash.'));
      const known = new Set(ledger.map((row) => row.transaction_id));
      // No coin or payout outside a certificate transaction.
      expect(events.filter((event) => !known.has(String(event.payload.transactionId)))).toEqual([]);
      expect(ledger.flatMap((row) => imbalances(kiosk, row, events).map((problem) => `${kiosk.name} ${row.transaction_id}: ${problem}`))).toEqual([]);
      states.push(...ledger.map((row) => row.state));
    });
    // The kills did leave transactions to be ended every way.
    expect(new Set(states)).toEqual(new Set(['completed', 'cancelled', 'refunded']));
  });
});

/** A line for the person reading the test's output (the seed, each kill point, the time taken). */
function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
