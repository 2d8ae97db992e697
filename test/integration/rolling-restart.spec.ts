/**
 * Issue 14's rolling restart: two hub processes on one PostgreSQL database joined by Redis, and one
 * certificate kiosk (the agent with its virtual devices: card, coins, hoppers, CUPS) listing both hubs.
 * A resident buys certificates in a loop, through the kiosk screen's own `/ui` socket and the device
 * panel; meanwhile hub A is restarted (SIGTERM while a paid certificate is being issued, wait for it to
 * exit, start it again), then hub B the same way. At the end every paid transaction ended issued or
 * refunded exactly once, on the agent's ledger and on the hub's:
 * - the agent's `certificate_transactions`: every row final, and the coins credited equal the fee kept
 *   (when issued) plus the hopper's payouts (change, refund) plus the vouchers;
 * - the hub's events: the same credits, payouts and vouchers per transaction (each event once, the
 *   outbox fully acked);
 * - the hub's issuances and certificate ledger: an issued transaction has one issuance (not voided) and
 *   no refund, a refunded one one refund and no standing issuance.
 *
 * Runs in the cross-package PostgreSQL run (test/jest.postgres.config.cjs) only: several hub processes
 * need the shared database. Redis: the machine's, in a database number of the run's own
 * (support/cluster-redis.ts), emptied of the hubs' keys afterwards.
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  UI_NAMESPACE,
  type AgentToUiEvents,
  type CertificateOrder,
  type CertificateScreen,
  type CertificateViewState,
  type CoinYen,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import { readAgentLedger, type AgentLedgerRow } from '../support/agent-ledger';
import { shiftedClockEnv } from '../support/certificate-clock';
import { CertificateTestSystem, DevicePanelClient } from '../support/certificate-system';
import { clusterRedisUrl, removeHubKeysFromRedis } from '../support/cluster-redis';
import { drained, expectExactlyOnce } from '../support/delivery';
import { HUB_TEST_ENGINE } from '../support/hub-records';
import { freePort, startNode, waitUntil, type LogEntry, type NodeProcess } from '../support/processes';

jest.setTimeout(900_000);

/** Purchases that must end issued or refunded (bounded: the machine has two cores). */
const PURCHASES = 8;
/** Hub A goes down while the 2nd purchase is being issued, hub B while the 5th is. */
const RESTART_A_DURING = 2;
const RESTART_B_DURING = 5;

const RESIDENCE_X1: CertificateOrder = {
  options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true },
  copies: 1,
};
/** Coins per purchase, in turn: one 500-yen coin (change from the hopper), or the exact 200 yen. */
const PAYMENTS: readonly CoinYen[][] = [[500], [100, 100]];

const describeOnPostgres = HUB_TEST_ENGINE === 'postgres' ? describe : describe.skip;

type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;
type Outcome = 'issued' | 'refunded';

/**
 * The certificate kiosk of CertificateTestSystem, with its hub (A) joined by a second process (B) on the
 * same database and Redis, and the agent listing both (`HUB_URL=a,b`). B shares what the README says the
 * processes of one site share: the database, the admin token, the offline lottery key.
 */
class TwoHubCertificateSystem extends CertificateTestSystem {
  readonly hubBDataDir = path.join(this.dir, 'hub-b');
  hubB: NodeProcess | undefined;
  hubBPort = 0;

  get hubBUrl(): string {
    return `http://127.0.0.1:${this.hubBPort}`;
  }

  override startHub(env: Record<string, string> = {}, main?: string): Promise<NodeProcess> {
    // The site's one offline lottery key, made before the first start (a hub makes its own only on first use).
    const offlineKey = path.join(this.hubDataDir, 'lottery-offline-key.pem');
    if (!existsSync(offlineKey)) {
      mkdirSync(this.hubDataDir, { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(offlineKey, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    }
    return super.startHub({ HUB_REDIS_URL: clusterRedisUrl, ...env }, main);
  }

  /** Hub B, started after A (A migrates the database), with A's certificate settings. */
  async startHubB(): Promise<NodeProcess> {
    if (this.hubBPort === 0) {
      this.hubBPort = await freePort();
      mkdirSync(this.hubBDataDir, { recursive: true, mode: 0o700 });
      copyFileSync(path.join(this.hubDataDir, 'lottery-offline-key.pem'), path.join(this.hubBDataDir, 'lottery-offline-key.pem'));
    }
    const hub = startNode('hub-b', 'central-hub/dist/main.js', {
      HUB_PORT: String(this.hubBPort),
      HUB_DATA_DIR: this.hubBDataDir,
      HUB_ADMIN_TOKEN: this.adminToken(),
      HUB_REDIS_URL: clusterRedisUrl,
      HUB_CARD_TRUST_ANCHORS: path.join(this.testCaDir, 'ca', 'root.cert.pem'),
      HUB_CARD_CRLS: path.join(this.testCaDir, 'crl', 'root.crl.pem'),
      HUB_SEED_RESIDENTS: '1',
      ...shiftedClockEnv(),
      ...this.hubDatabaseEnv(),
    });
    this.hubB = hub;
    await hub.waitForLog((entry) => entry.msg === 'hub listening');
    return hub;
  }

  /** Hub B comes up before the agent, which lists A then B. */
  override async startAgent(env: Record<string, string> = {}, options: { waitReady?: boolean; supervise?: boolean } = {}): Promise<NodeProcess> {
    if (!this.hubB) await this.startHubB();
    return super.startAgent({ ...env, HUB_URL: `${this.hubUrl},${this.hubBUrl}` }, options);
  }

  override async close(): Promise<void> {
    await this.hubB?.stop();
    await super.close();
    removeHubKeysFromRedis();
  }
}

/** The person at the screen, over the agent's `/ui` socket: the commands the kiosk UI sends. */
class Screen {
  readonly states: CertificateViewState[] = [];
  private readonly watchers: Array<{ screen: CertificateScreen; resolve: () => void }> = [];

  constructor(private readonly socket: UiSocket) {
    socket.on('certificates.state', (state) => {
      this.states.push(state);
      for (const watcher of [...this.watchers]) {
        if (watcher.screen === state.screen) {
          this.watchers.splice(this.watchers.indexOf(watcher), 1);
          watcher.resolve();
        }
      }
    });
  }

  static async open(agentUiUrl: string): Promise<Screen> {
    const socket: UiSocket = io(`${agentUiUrl.replace(/\/$/, '')}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new Screen(socket);
  }

  get screen(): CertificateScreen {
    return this.states[this.states.length - 1]?.screen ?? 'idle';
  }

  /** Resolves when the flow next shows `screen` (from now on, not before). */
  next(screen: CertificateScreen): Promise<void> {
    return new Promise((resolve) => this.watchers.push({ screen, resolve }));
  }

  /** Waits until the flow is on one of `screens`; fails naming where it is. */
  async reach<S extends CertificateScreen>(screens: readonly S[], timeoutMs = 60_000): Promise<S> {
    try {
      await waitUntil(`a ${screens.join(' / ')} screen`, () => (screens as readonly CertificateScreen[]).includes(this.screen), timeoutMs, 50);
    } catch {
      throw new Error(`expected ${screens.join(' / ')}; on ${JSON.stringify(this.states[this.states.length - 1] ?? 'nothing')}`);
    }
    return this.screen as S;
  }

  async beginSession(): Promise<string> {
    const begun = await this.socket.timeout(10_000).emitWithAck('session.begin', { service: 'certificates', language: 'ja' });
    if (!begun.ok) throw new Error(`session.begin: ${begun.error.code} ${begun.error.message}`);
    return begun.sessionId;
  }

  async endSession(reason: 'done' | 'cancelled'): Promise<void> {
    await this.socket.timeout(10_000).emitWithAck('session.end', { reason });
  }

  async command(name: 'certificates.start' | 'certificates.confirm' | 'certificates.cancel' | 'certificates.finish'): Promise<void> {
    const ack = await this.socket.timeout(15_000).emitWithAck(name, {});
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
  }

  async typePin(pin: string): Promise<void> {
    for (const digit of pin) {
      const ack = await this.socket.timeout(10_000).emitWithAck('certificates.pinKey', { type: 'digit', digit: Number(digit) });
      if (!ack.ok) throw new Error(`pinKey: ${ack.error.message}`);
    }
    const entered = await this.socket.timeout(10_000).emitWithAck('certificates.pinKey', { type: 'enter' });
    if (!entered.ok) throw new Error(`pinKey enter: ${entered.error.message}`);
  }

  async quote(order: CertificateOrder): Promise<void> {
    const quoted = await this.socket.timeout(30_000).emitWithAck('certificates.quote', { order });
    if (!quoted.ok) throw new Error(`quote: ${quoted.error.code} ${quoted.error.message}`);
  }

  close(): void {
    this.socket.close();
  }
}

/** One transaction's cash as the hub's stored events tell it. */
interface HubCash {
  credited: number;
  paidOut: number;
  vouchers: number;
}

describeOnPostgres('rolling restart of two hub processes while a kiosk sells certificates', () => {
  // Made in beforeAll: a skipped run (the SQLite one) must not leave its temporary directory behind.
  let system: TwoHubCertificateSystem;
  let panel: DevicePanelClient | undefined;
  let screen: Screen | undefined;
  let pin = '';
  /** Paid transactions (session id = transaction id) and how the screen said each ended. */
  const paid = new Map<string, Outcome>();
  /** Attempts that ended before any money (the hub gone mid-flow, the preflight refusing meanwhile). */
  let abandonedBeforePayment = 0;
  /** What each drain reported, for the log. */
  const drains: string[] = [];

  beforeAll(async () => {
    system = new TwoHubCertificateSystem();
    await system.startCertificateKiosk();
    panel = await DevicePanelClient.connect(system.agentUiUrl);
    screen = await Screen.open(system.agentUiUrl);
    pin = system.resident('toyonaka-001').pin;
  }, 300_000);

  afterAll(async () => {
    screen?.close();
    panel?.close();
    await system?.close();
  });

  /** Back to idle whatever the flow was doing: card out, flow cancelled or finished, session ended. */
  async function leave(ui: Screen, devices: DevicePanelClient): Promise<void> {
    await devices.send('panel.card.remove', {}).catch(() => undefined);
    await ui.command('certificates.cancel').catch(() => undefined);
    await ui.command('certificates.finish').catch(() => undefined);
    await ui.endSession('cancelled').catch(() => undefined);
    await ui.reach(['idle'], 60_000);
  }

  /**
   * One purchase from the start screen to the end: null when it ended before any money (then the caller
   * tries again), else how it ended. `whileIssuing` runs when the paid certificate is being issued.
   */
  async function purchase(ui: Screen, devices: DevicePanelClient, coins: readonly CoinYen[], whileIssuing?: () => Promise<void>): Promise<Outcome | null> {
    const sessionId = await ui.beginSession();
    try {
      await ui.command('certificates.start');
      if ((await ui.reach(['insert-card', 'unavailable'])) === 'unavailable') throw new Error('preflight: unavailable');
      await devices.send('panel.card.insert', { cardId: 'toyonaka-001' });
      await ui.reach(['pin']);
      await ui.typePin(pin);
      await ui.reach(['choose']);
      await ui.quote(RESIDENCE_X1);
      await ui.reach(['confirm']);
      await ui.command('certificates.confirm');
      await ui.reach(['remove-card']);
      await devices.send('panel.card.remove', {});
      await ui.reach(['pay']);
    } catch {
      // Before any money: nothing to settle (the hub went away mid-flow, or the kiosk said it is unavailable).
      abandonedBeforePayment += 1;
      await leave(ui, devices);
      return null;
    }
    const issuing = ui.next('issuing');
    for (const coin of coins) await devices.send('panel.coin.insert', { coinYen: coin });
    if (whileIssuing) {
      // A flow that never shows `issuing` (refunded at once) would leave `issuing` pending: race it with the end.
      await Promise.race([issuing, ui.reach(['printing', 'take-certificate', 'refunding', 'refunded'], 300_000)]);
      await whileIssuing();
    }
    // Issuing retries on the other hub; printing can take minutes on a loaded machine.
    const end = await ui.reach(['take-certificate', 'refunded'], 300_000);
    const outcome: Outcome = end === 'take-certificate' ? 'issued' : 'refunded';
    paid.set(sessionId, outcome);
    await ui.command('certificates.finish');
    await ui.reach(['done']);
    await ui.endSession('done');
    await ui.reach(['idle']);
    return outcome;
  }

  /** SIGTERM (a drain: in-flight answers first), exit 0, then the same process started again on its port and data. */
  async function restart(hub: NodeProcess, start: () => Promise<NodeProcess>): Promise<NodeProcess> {
    hub.kill('SIGTERM');
    expect(await hub.exited).toEqual({ code: 0, signal: null });
    // Drained (its kiosk disconnected after its answers, or cut off at the deadline on a slow machine: the
    // agent then retries with the same transaction id, which the totals below check).
    const drained = hub.logs.find((entry) => typeof entry.msg === 'string' && entry.msg.startsWith('hub drained'));
    expect(drained).toBeDefined();
    drains.push(`${hub.name}: ${String(drained?.waitedFor)} of ${String(drained?.sockets)} kiosk sockets waited for, ${String(drained?.cutOff)} cut off`);
    return start();
  }

  const connectingTo = (entry: LogEntry): string | null => (entry.msg === 'connecting to hub' ? String(entry.hub) : null);

  it('every paid transaction ends issued or refunded exactly once while hub A, then hub B, restarts', async () => {
    const ui = screen;
    const devices = panel;
    const agent = system.agent;
    const hubA = system.hub;
    const hubB = system.hubB;
    if (!ui || !devices || !agent || !hubA || !hubB) throw new Error('the kiosk did not start');

    const restarts: Array<Promise<unknown>> = [];
    /** Restarts run beside the purchases; a failure is kept for the await below, not reported as unhandled. */
    const beside = (restarted: Promise<unknown>): void => {
      restarted.catch(() => undefined);
      restarts.push(restarted);
    };
    for (let done = 0, attempts = 0; done < PURCHASES; attempts++) {
      if (attempts > PURCHASES * 4) throw new Error(`only ${done} purchases of ${PURCHASES} ended in ${attempts} attempts`);
      const number = done + 1;
      const whileIssuing =
        number === RESTART_A_DURING
          ? async () => beside(restart(hubA, () => system.startHub({ ...shiftedClockEnv(), ...certificateHubEnv() })))
          : number === RESTART_B_DURING
            ? async () => beside(restart(hubB, () => system.startHubB()))
            : undefined;
      const outcome = await purchase(ui, devices, PAYMENTS[done % PAYMENTS.length] ?? [500], whileIssuing);
      if (outcome !== null) done += 1;
      // Hub A is back before anything else goes on, so that B has somewhere to send its kiosk.
      if (number === RESTART_A_DURING && outcome !== null) await restarts[0];
    }
    await Promise.all(restarts);

    // The agent went A → B (A drained) → A (B drained), each time told by the hub.
    const hubs = agent.logs.map(connectingTo).filter((hub) => hub !== null);
    expect(hubs.indexOf(system.hubBUrl)).toBeGreaterThan(hubs.indexOf(system.hubUrl));
    expect(hubs.lastIndexOf(system.hubUrl)).toBeGreaterThan(hubs.indexOf(system.hubBUrl));
    expect(agent.logs.filter((entry) => entry.msg === 'the hub closed the session; trying the next hub').length).toBeGreaterThanOrEqual(2);

    // Every event the agent queued (coins, payouts, vouchers, refunds' records, wipes) reached the hub once.
    await drained(system);
    await expectExactlyOnce(system);

    const kioskId = system.identity().kioskId;
    const agentLedger = agentTransactions();
    expect(agentLedger.map((row) => row.transaction_id).sort()).toEqual([...paid.keys()].sort());
    const cash = await hubCash(kioskId);
    const issuances = await system.hubRecords.rows<{ transaction_id: string; fee_yen: number; voided_at: string | null; serial: string }>(
      'SELECT transaction_id, fee_yen, voided_at, serial FROM certificate_issuances WHERE kiosk_id = ?',
      kioskId,
    );
    const ledger = await system.hubRecords.rows<{ transaction_id: string; kind: string; amount_yen: number }>(
      'SELECT transaction_id, kind, amount_yen FROM certificate_ledger WHERE kiosk_id = ?',
      kioskId,
    );
    for (const row of agentLedger) {
      const outcome = paid.get(row.transaction_id);
      const kinds = ledger.filter((entry) => entry.transaction_id === row.transaction_id).map((entry) => entry.kind).sort();
      const issued = issuances.filter((issuance) => issuance.transaction_id === row.transaction_id);
      const feeKept = outcome === 'issued' ? row.fee_yen : 0;
      const described = { transactionId: row.transaction_id, outcome };
      // The agent's money: final, and every coin taken accounted for.
      expect({ ...described, state: row.state, credited: row.credited_yen }).toEqual({
        ...described,
        state: outcome === 'issued' ? 'completed' : 'refunded',
        credited: feeKept + row.paid_out_yen + row.voucher_yen,
      });
      // The hub heard the same coins, payouts and vouchers.
      expect({ ...described, ...cash.get(row.transaction_id) }).toEqual({ ...described, credited: row.credited_yen, paidOut: row.paid_out_yen, vouchers: row.voucher_yen });
      if (outcome === 'issued') {
        expect({ ...described, kinds, issued: issued.map(({ fee_yen, voided_at, serial }) => ({ fee_yen, voided_at, serial })) }).toEqual({
          ...described,
          kinds: ['issuance', 'payment'],
          issued: [{ fee_yen: row.fee_yen, voided_at: null, serial: row.issued_serial }],
        });
      } else {
        expect({ ...described, refunds: kinds.filter((kind) => kind === 'refund').length, standing: issued.filter((issuance) => issuance.voided_at === null).length }).toEqual({
          ...described,
          refunds: 1,
          standing: 0,
        });
      }
    }
    // Nothing at the hub for a transaction the agent does not hold as paid.
    expect([...new Set([...issuances.map((row) => row.transaction_id), ...ledger.map((row) => row.transaction_id), ...cash.keys()])].sort()).toEqual([...paid.keys()].sort());
    expect(paid.size).toBe(PURCHASES);
    // How the run went, for a reader of the log (not asserted: which purchases a restart caught is timing).
    console.info(`rolling restart: ${paid.size} paid (${[...paid.values()].filter((outcome) => outcome === 'refunded').length} refunded), ${abandonedBeforePayment} abandoned before payment; drains: ${drains.join('; ')}`);
  });

  /** The agent's money ledger, read from its own SQLite file (WAL: a reader beside the running agent). */
  function agentTransactions(): AgentLedgerRow[] {
    return readAgentLedger(system.agentDataDir);
  }

  /** Per transaction, the coins credited, paid out by the hopper and put on vouchers, from the hub's stored events. */
  async function hubCash(kioskId: string): Promise<Map<string, HubCash>> {
    const rows = await system.hubRecords.rows<{ type: string; payload_json: string }>(
      "SELECT type, payload_json FROM events WHERE kiosk_id = ? AND type IN ('cash.credit', 'cash.payout', 'cash.voucher')",
      kioskId,
    );
    const totals = new Map<string, HubCash>();
    for (const { type, payload_json } of rows) {
      const payload = JSON.parse(payload_json) as { transactionId: string; coinYen?: number; amountYen?: number };
      const total = totals.get(payload.transactionId) ?? { credited: 0, paidOut: 0, vouchers: 0 };
      if (type === 'cash.credit') total.credited += payload.coinYen ?? 0;
      else if (type === 'cash.payout') total.paidOut += payload.amountYen ?? 0;
      else total.vouchers += payload.amountYen ?? 0;
      totals.set(payload.transactionId, total);
    }
    return totals;
  }

  /** Hub A's certificate settings, as startCertificateKiosk started it (a restart starts it the same way). */
  function certificateHubEnv(): Record<string, string> {
    return {
      HUB_CARD_TRUST_ANCHORS: path.join(system.testCaDir, 'ca', 'root.cert.pem'),
      HUB_CARD_CRLS: path.join(system.testCaDir, 'crl', 'root.crl.pem'),
      HUB_SEED_RESIDENTS: '1',
    };
  }
});
