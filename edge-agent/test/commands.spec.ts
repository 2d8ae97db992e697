/** The persistent inbox and command handling, on a real SQLite file. */
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { HubCommand } from '@kiosk/protocols';
import type { Clock } from '../src/clock';
import { CommandExecutor } from '../src/commands/command-executor';
import { CommandService } from '../src/commands/command-service';
import { DeviceRegistry } from '../src/hardware/device-manager';
import { ScriptedDevice } from './support/scripted-device';
import { AgentState } from '../src/status/agent-state';
import { AgentStore } from '../src/store/agent-store';
import { silentLogger, tempDir } from './support/agent-harness';

const KIOSK = 'kiosk-command-test';

describe('hub commands through the persistent inbox', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: AgentStore;
  let devices: DeviceRegistry;
  let state: AgentState;
  let service: CommandService;
  let printer: ScriptedDevice;
  let now = new Date('2025-03-01T10:00:00.000Z');
  const clock: Clock = { now: () => now };
  let refreshes = 0;

  function build(): void {
    store = AgentStore.open(path.join(tmp.dir, 'agent.sqlite'), KIOSK, clock);
    devices = new DeviceRegistry();
    printer = new ScriptedDevice('receipt-1', 'receipt-printer', clock);
    devices.register(printer);
    state = new AgentState(KIOSK, devices, { outOfService: store.settings.serviceState().outOfService });
    const executor = new CommandExecutor({
      devices,
      settings: store.settings,
      state,
      config: { refresh: () => ((refreshes += 1), { ok: true, detail: 'configuration re-read' }) },
    });
    service = new CommandService(store, executor, clock, silentLogger);
  }

  function command<T extends HubCommand['type']>(type: T, params: Extract<HubCommand, { type: T }>['params'], expiresInMs = 60_000): HubCommand {
    return {
      commandId: uuidv7(),
      type,
      params,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + expiresInMs).toISOString(),
    } as HubCommand;
  }

  /** Receives like the socket handler does: ack first, then the follow-up. */
  async function receive(input: unknown) {
    const { receipt, followUp } = service.receive(input);
    await followUp?.();
    return receipt;
  }

  function results() {
    return store.outbox.peek(1000).filter((event) => event.type === 'command.result').map((event) => event.payload);
  }

  beforeEach(() => {
    tmp = tempDir('commands');
    now = new Date('2025-03-01T10:00:00.000Z');
    refreshes = 0;
    build();
  });

  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('records a command before acting, acks it, and reports the result through the outbox', async () => {
    const ping = command('ping', {});
    const { receipt, followUp } = service.receive(ping);
    expect(receipt).toEqual({ ok: true, duplicate: false });
    // Recorded (committed) already, before any action ran.
    expect(store.inbox.stateOf(ping.commandId)).toEqual({ state: 'received', outcome: null });
    expect(results()).toEqual([]);
    await followUp?.();
    expect(store.inbox.stateOf(ping.commandId)).toEqual({ state: 'done', outcome: 'succeeded' });
    expect(results()).toEqual([{ commandId: ping.commandId, status: 'succeeded', detail: 'pong' }]);
  });

  it('acks a replay as a duplicate and does not act again, even after a restart', async () => {
    const print = command('device.test-print', { deviceId: 'receipt-1' });
    expect(await receive(print)).toEqual({ ok: true, duplicate: false });
    expect(await receive(print)).toEqual({ ok: true, duplicate: true });
    store.close();
    build();
    expect(await receive(print)).toEqual({ ok: true, duplicate: true });
    // Only the first reception printed (the rebuilt registry's printer has printed nothing).
    expect(printer.testPrints).toBe(0);
    expect(results()).toEqual([{ commandId: print.commandId, status: 'succeeded', detail: 'test page printed on receipt-1' }]);
  });

  it('answers an expired command "expired" without acting on it', async () => {
    const print = command('device.test-print', { deviceId: 'receipt-1' }, 1000);
    now = new Date(now.getTime() + 5000);
    expect(await receive(print)).toEqual({ ok: true, duplicate: false });
    expect(printer.testPrints).toBe(0);
    expect(results()).toEqual([{ commandId: print.commandId, status: 'expired', detail: expect.stringContaining('expired') }]);
  });

  it('refuses a malformed command with a structured error and records nothing', async () => {
    const bad = { ...command('ping', {}), params: { surprise: true } };
    const receipt = await receive(bad);
    expect(receipt).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(store.inbox.stateOf(bad.commandId)).toBeNull();
    expect(results()).toEqual([]);
  });

  it('persists service.set with its result, updates the status, and survives a restart', async () => {
    const pushed: boolean[] = [];
    state.onStatus((status) => pushed.push(status.outOfService));
    await receive(command('service.set', { inService: false, reason: 'maintenance' }));
    expect(state.isOutOfService()).toBe(true);
    expect(pushed).toEqual([true]);
    expect(store.settings.serviceState()).toEqual({ outOfService: true, reason: 'maintenance' });
    store.close();
    build();
    expect(state.status().outOfService).toBe(true);
    await receive(command('service.set', { inService: true }));
    expect(store.settings.serviceState()).toEqual({ outOfService: false, reason: null });
    expect(results().map((result) => result.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('runs device commands on the device, and fails clearly for a device this kiosk does not have', async () => {
    await receive(command('device.test-print', { deviceId: 'receipt-1' }));
    await receive(command('device.reset', { deviceId: 'receipt-1' }));
    await receive(command('device.test-print', { deviceId: 'cash-1' }));
    expect(printer.testPrints).toBe(1);
    expect(printer.resets).toBe(1);
    expect(results()).toEqual([
      expect.objectContaining({ status: 'succeeded' }),
      expect.objectContaining({ status: 'succeeded', detail: 'receipt-1 reset' }),
      expect.objectContaining({ status: 'failed', detail: 'no device "cash-1" on this kiosk' }),
    ]);
  });

  it('re-reads the configuration on config.refresh', async () => {
    await receive(command('config.refresh', {}));
    expect(refreshes).toBe(1);
    expect(results()).toEqual([expect.objectContaining({ status: 'succeeded', detail: 'configuration re-read' })]);
  });

  it('reports a command interrupted by a stop as failed on the next start, without running it again', async () => {
    const print = command('device.test-print', { deviceId: 'receipt-1' });
    const { followUp } = service.receive(print);
    expect(followUp).not.toBeNull();
    // The agent "stops" here: the follow-up never runs.
    store.close();
    build();
    expect(service.recoverInterrupted()).toBe(1);
    expect(printer.testPrints).toBe(0);
    expect(store.inbox.stateOf(print.commandId)).toEqual({ state: 'done', outcome: 'failed' });
    expect(results()).toEqual([expect.objectContaining({ commandId: print.commandId, status: 'failed' })]);
    expect(service.recoverInterrupted()).toBe(0);
  });
});
