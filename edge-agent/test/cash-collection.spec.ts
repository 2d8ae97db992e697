/**
 * `cash.collected`: a technician emptied the cash box. On the virtual devices (AGENT_DEVICES=virtual,
 * ccTalk coin acceptor simulator) coins counted in the heartbeat go back to zero after the command, the
 * hub gets one `cash.collected` event and a result that names the count and the difference, and a replay
 * of the command (the hub resends when an ack is lost) neither resets again nor sends a second event.
 * Below, on a real SQLite inbox and cash-box file: an agent that stopped after saving the reset but before
 * committing its result reports it once on the next start, without resetting twice.
 */
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { HubCommand, KioskActivity, PanelToAgentEvents } from '@kiosk/protocols';
import type { Clock } from '../src/clock';
import type { RunningAgent } from '../src/agent';
import { CommandExecutor } from '../src/commands/command-executor';
import { CommandService } from '../src/commands/command-service';
import { DeviceRegistry } from '../src/hardware/device-manager';
import { AgentState } from '../src/status/agent-state';
import { AgentStore } from '../src/store/agent-store';
import { CashBoxCounter } from '../src/sync/telemetry-activity';
import { MiniHub } from './support/mini-hub';
import {
  nextHeartbeatActivity,
  openLocalSockets,
  panelCommand as sendPanelCommand,
  silentLogger,
  startTestAgent,
  tempDir,
  testConfig,
  waitFor,
  type PanelSocket,
  type UiSocket,
} from './support/agent-harness';

jest.setTimeout(60_000);


function cashCollected(countedYen?: number, now = new Date()): HubCommand {
  return {
    commandId: uuidv7(),
    type: 'cash.collected',
    params: countedYen === undefined ? {} : { countedYen },
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 600_000).toISOString(),
  };
}

describe('cash.collected on a running agent (virtual coins)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: MiniHub;
  let agent: RunningAgent | undefined;
  let panel: PanelSocket | undefined;
  let ui: UiSocket | undefined;

  async function start(): Promise<RunningAgent> {
    const enrolment: Record<string, string> = agent === undefined ? { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-cash-collect-test') } : {};
    const started = await startTestAgent(hub, testConfig(tmp.dir, hub, { ...enrolment, AGENT_DEVICES: 'virtual' }));
    ({ panel, ui } = openLocalSockets(started.ui.url));
    return started;
  }

  async function stop(): Promise<void> {
    panel?.close();
    ui?.close();
    await agent?.stop();
  }

  function panelCommand(command: keyof PanelToAgentEvents, payload: unknown): Promise<unknown> {
    return sendPanelCommand(panel, command, payload);
  }

  /** The cash box in the newest heartbeat sent after this call. */
  async function nextCashBox(what: string, check: (cashBox: KioskActivity['cashBox']) => boolean): Promise<KioskActivity['cashBox']> {
    return (await nextHeartbeatActivity(hub, what, (activity) => activity.cashBox !== undefined && check(activity.cashBox))).cashBox ?? null;
  }

  async function insertCoins(coins: Array<10 | 50 | 100 | 500>): Promise<void> {
    const begun = await ui?.timeout(5000).emitWithAck('session.begin', { service: 'certificates', language: 'ja' });
    if (!begun?.ok) throw new Error('no session');
    // Coins are taken only on a payment step: stand in for the certificate flow's.
    agent?.certificates.cashPolicy.set(null, true);
    expect(await agent?.deviceServices.coinGateSettled()).toBe(true);
    for (const coinYen of coins) expect(await panelCommand('panel.coin.insert', { coinYen })).toEqual({ ok: true });
    expect(await ui?.timeout(5000).emitWithAck('session.end', { reason: 'done' })).toEqual({ ok: true });
    agent?.certificates.cashPolicy.set(null, false);
  }

  const collectedEvents = () => [...hub.events.values()].flatMap((event) => (event.type === 'cash.collected' ? [event] : []));
  const resultOf = (commandId: string) =>
    hub.results.flatMap((event) => (event.type === 'command.result' && event.payload.commandId === commandId ? [event.payload] : []))[0];

  beforeAll(async () => {
    tmp = tempDir('agent-cash-collect');
    hub = new MiniHub();
    await hub.start();
    agent = await start();
  });

  afterAll(async () => {
    await stop();
    await hub?.stop();
    tmp?.cleanup();
  });

  it('resets the count the heartbeat shows, sends one event and a result with the difference', async () => {
    await insertCoins([100, 500]);
    expect(await nextCashBox('two coins in the box', (box) => box?.coins === 2)).toEqual({ coins: 2, valueYen: 600 });

    const command = cashCollected(500);
    expect(await hub.sendCommand(command)).toEqual({ ok: true, duplicate: false });
    await waitFor('the result', () => resultOf(command.commandId) !== undefined);
    expect(resultOf(command.commandId)).toEqual({
      commandId: command.commandId,
      status: 'succeeded',
      detail: expect.stringMatching(/^WARNING: counted ¥500, ¥100 less than recorded; .*2 coins, ¥600/) as unknown,
    });
    await waitFor('the cash.collected event', () => collectedEvents().length > 0);
    expect(collectedEvents().map((event) => event.payload)).toEqual([
      { commandId: command.commandId, countedYen: 500, recordedCoins: 2, recordedYen: 600 },
    ]);
    expect(await nextCashBox('an empty box', (box) => box?.coins === 0)).toEqual({ coins: 0, valueYen: 0 });
  });

  it('a replay of the command is a duplicate: no second reset, no second event', async () => {
    const command = cashCollected();
    expect(await hub.sendCommand(command)).toEqual({ ok: true, duplicate: false });
    await waitFor('the result', () => resultOf(command.commandId) !== undefined);
    expect(resultOf(command.commandId)?.detail).toContain('0 coins, ¥0');

    await insertCoins([10]);
    expect(await nextCashBox('one coin after the emptying', (box) => box?.coins === 1)).toEqual({ coins: 1, valueYen: 10 });
    expect(await hub.sendCommand(command)).toEqual({ ok: true, duplicate: true });
    // Two heartbeats later the coin is still counted (a second reset would have shown 0).
    await nextCashBox('a heartbeat after the replay', () => true);
    expect(await nextCashBox('another heartbeat', () => true)).toEqual({ coins: 1, valueYen: 10 });
    expect(collectedEvents().filter((event) => event.payload.commandId === command.commandId)).toHaveLength(1);
    expect(hub.results.filter((event) => event.type === 'command.result' && event.payload.commandId === command.commandId)).toHaveLength(1);
  });

  it('the reset count survives a restart', async () => {
    await stop();
    agent = await start();
    expect(await nextCashBox('a heartbeat after the restart', () => true)).toEqual({ coins: 1, valueYen: 10 });
    expect(collectedEvents()).toHaveLength(2);
  });
});

describe('cash.collected interrupted after the reset was saved', () => {
  const KIOSK = 'kiosk-cash-recover-test';
  let tmp: ReturnType<typeof tempDir>;
  const now = new Date('2025-03-01T10:00:00.000Z');
  const clock: Clock = { now: () => now };

  beforeEach(() => {
    tmp = tempDir('cash-recover');
  });

  afterEach(() => {
    tmp.cleanup();
  });

  function service(store: AgentStore, cashBox: CashBoxCounter | null): CommandService {
    const devices = new DeviceRegistry();
    const executor = new CommandExecutor({
      devices,
      settings: store.settings,
      state: new AgentState(KIOSK, devices, { outOfService: false }),
      config: { refresh: () => ({ ok: true, detail: 'ok' }) },
      cashBox,
    });
    return new CommandService(store, executor, clock, silentLogger);
  }

  it('reports the saved reset once on the next start, and does not reset twice', () => {
    const file = path.join(tmp.dir, 'cash-box.json');
    const store = AgentStore.open(path.join(tmp.dir, 'agent.sqlite'), KIOSK, clock);
    try {
      const before = new CashBoxCounter(file, silentLogger);
      before.add(100);
      before.add(50);
      const command = cashCollected(150, now);
      // What the stopped agent got done: recorded in the inbox, reset saved, result never committed.
      expect(store.inbox.record(command, now)).toBe('new');
      expect(before.collect(command.commandId)).toEqual({ coins: 2, valueYen: 150 });

      const after = new CashBoxCounter(file, silentLogger);
      after.add(10);
      expect(service(store, after).recoverInterrupted()).toBe(1);
      const events = store.outbox.peek(1000);
      expect(events.filter((event) => event.type === 'cash.collected').map((event) => event.payload)).toEqual([
        { commandId: command.commandId, countedYen: 150, recordedCoins: 2, recordedYen: 150 },
      ]);
      expect(events.filter((event) => event.type === 'command.result').map((event) => event.payload)).toEqual([
        { commandId: command.commandId, status: 'succeeded', detail: expect.stringContaining('matches') as unknown },
      ]);
      expect(after.current()).toEqual({ coins: 1, valueYen: 10 });
      expect(service(store, after).recoverInterrupted()).toBe(0);
      expect(store.outbox.peek(1000)).toHaveLength(events.length);
    } finally {
      store.close();
    }
  });

  it('an interrupted command whose reset was never saved is reported failed, with nothing reset', () => {
    const file = path.join(tmp.dir, 'cash-box.json');
    const store = AgentStore.open(path.join(tmp.dir, 'agent.sqlite'), KIOSK, clock);
    try {
      const counter = new CashBoxCounter(file, silentLogger);
      counter.add(500);
      const command = cashCollected(undefined, now);
      expect(store.inbox.record(command, now)).toBe('new');
      expect(service(store, counter).recoverInterrupted()).toBe(1);
      const events = store.outbox.peek(1000);
      expect(events.some((event) => event.type === 'cash.collected')).toBe(false);
      expect(events.find((event) => event.type === 'command.result')?.payload).toMatchObject({ commandId: command.commandId, status: 'failed' });
      expect(counter.current()).toEqual({ coins: 1, valueYen: 500 });
    } finally {
      store.close();
    }
  });

  it('a kiosk without a coin acceptor answers failed', async () => {
    const store = AgentStore.open(path.join(tmp.dir, 'agent.sqlite'), KIOSK, clock);
    try {
      const command = cashCollected(undefined, now);
      const { receipt, followUp } = service(store, null).receive(command);
      expect(receipt).toEqual({ ok: true, duplicate: false });
      await followUp?.();
      expect(store.outbox.peek(1000).find((event) => event.type === 'command.result')?.payload).toEqual({
        commandId: command.commandId,
        status: 'failed',
        detail: 'this kiosk has no coin acceptor, so no cash box count',
      });
    } finally {
      store.close();
    }
  });
});
