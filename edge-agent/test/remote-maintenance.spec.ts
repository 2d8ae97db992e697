/**
 * The two maintenance commands on a real SQLite inbox: `agent.restart` stops the process once and is
 * reported succeeded by the next one (a replay never restarts again), and `logs.upload` sends the last
 * N minutes of the agent's own (redacted) log lines in chunks before its result.
 */
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { HubCommand, LogChunk, SimpleAck } from '@kiosk/protocols';
import type { Clock } from '../src/clock';
import { CommandExecutor } from '../src/commands/command-executor';
import { CommandService } from '../src/commands/command-service';
import { LogUploader } from '../src/commands/log-upload';
import { RecentLogLines } from '../src/commands/recent-logs';
import { DeviceRegistry } from '../src/hardware/device-manager';
import { createLogger } from '../src/logger';
import { AgentState } from '../src/status/agent-state';
import { AgentStore } from '../src/store/agent-store';
import { silentLogger, tempDir } from './support/agent-harness';

const KIOSK = 'kiosk-maintenance-test';

describe('remote maintenance commands', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: AgentStore;
  let now = new Date('2025-03-01T10:00:00.000Z');
  const clock: Clock = { now: () => now };
  let restarts: number;
  let chunks: LogChunk[];
  let hubAnswer: (chunk: LogChunk) => SimpleAck;
  let recent: RecentLogLines;

  function service(options: { canRestart?: boolean } = {}): CommandService {
    const devices = new DeviceRegistry();
    const state = new AgentState(KIOSK, devices, { outOfService: false });
    const send = (chunk: LogChunk): Promise<SimpleAck> => {
      chunks.push(chunk);
      return Promise.resolve(hubAnswer(chunk));
    };
    const executor = new CommandExecutor({
      devices,
      settings: store.settings,
      state,
      config: { refresh: () => ({ ok: true, detail: 'ok' }) },
      logs: new LogUploader(recent, send, () => now.getTime()),
      canRestart: options.canRestart ?? true,
    });
    return new CommandService(store, executor, clock, silentLogger, () => (restarts += 1));
  }

  function command<T extends HubCommand['type']>(type: T, params: Extract<HubCommand, { type: T }>['params']): HubCommand {
    return { commandId: uuidv7(), type, params, issuedAt: now.toISOString(), expiresAt: new Date(now.getTime() + 60_000).toISOString() } as HubCommand;
  }

  async function receive(commands: CommandService, input: HubCommand) {
    const { receipt, followUp } = commands.receive(input);
    await followUp?.();
    return receipt;
  }

  function results() {
    return store.outbox.peek(1000).filter((event) => event.type === 'command.result').map((event) => event.payload);
  }

  beforeEach(() => {
    tmp = tempDir('maintenance');
    now = new Date('2025-03-01T10:00:00.000Z');
    restarts = 0;
    chunks = [];
    hubAnswer = () => ({ ok: true });
    recent = new RecentLogLines({ maxLines: 100_000, maxBytes: 64 * 1024 * 1024 }, () => now.getTime());
    store = AgentStore.open(path.join(tmp.dir, 'agent.sqlite'), KIOSK, clock);
  });

  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  describe('agent.restart', () => {
    it('restarts once, leaves the command pending, and the next process reports it succeeded; a replay never restarts again', async () => {
      const restart = command('agent.restart', {});
      expect(await receive(service(), restart)).toEqual({ ok: true, duplicate: false });
      expect(restarts).toBe(1);
      // Recorded, not completed: the result is the next process's to give.
      expect(store.inbox.stateOf(restart.commandId)).toEqual({ state: 'received', outcome: null });
      expect(results()).toEqual([]);

      // The hub lost the receipt and sends it again before the process is gone: nothing happens.
      expect(await receive(service(), restart)).toEqual({ ok: true, duplicate: true });
      expect(restarts).toBe(1);

      // The next process.
      store.close();
      store = AgentStore.open(path.join(tmp.dir, 'agent.sqlite'), KIOSK, clock);
      const next = service();
      expect(next.recoverInterrupted()).toBe(1);
      expect(results()).toEqual([{ commandId: restart.commandId, status: 'succeeded', detail: `agent restarted (now pid ${process.pid})` }]);
      expect(store.inbox.stateOf(restart.commandId)).toEqual({ state: 'done', outcome: 'succeeded' });

      // A replay to the new process, and another start: no restart, no second result.
      expect(await receive(next, restart)).toEqual({ ok: true, duplicate: true });
      expect(next.recoverInterrupted()).toBe(0);
      expect(restarts).toBe(1);
      expect(results()).toHaveLength(1);
    });

    it('still reports other interrupted commands failed, not succeeded', () => {
      store.inbox.record(command('device.test-print', { deviceId: 'receipt-1' }), now);
      service().recoverInterrupted();
      expect(results()).toEqual([expect.objectContaining({ status: 'failed' })]);
    });

    it('fails without a supervisor, and does not stop', async () => {
      const restart = command('agent.restart', {});
      await receive(service({ canRestart: false }), restart);
      expect(restarts).toBe(0);
      expect(results()).toEqual([{ commandId: restart.commandId, status: 'failed', detail: 'this agent runs without a supervisor to start it again' }]);
    });
  });

  describe('logs.upload', () => {
    function logAt(at: string, msg: string): void {
      now = new Date(at);
      recent.push(`${JSON.stringify({ time: at, msg })}\n`);
    }

    it('sends the lines of the last N minutes only, in order, then reports succeeded', async () => {
      logAt('2025-03-01T09:40:00.000Z', 'too old');
      logAt('2025-03-01T09:55:00.000Z', 'first');
      logAt('2025-03-01T09:59:00.000Z', 'second');
      now = new Date('2025-03-01T10:00:00.000Z');
      const upload = command('logs.upload', { minutes: 5 });
      await receive(service(), upload);
      expect(chunks).toHaveLength(1);
      expect(chunks[0]).toMatchObject({ commandId: upload.commandId, index: 0, final: true });
      expect(chunks[0]?.lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['first', 'second']);
      expect(results()).toEqual([
        { commandId: upload.commandId, status: 'succeeded', detail: 'uploaded 2 log lines from the last 5 min in 1 chunk' },
      ]);
    });

    it('chunks a long log, keeps the newest lines when over the bound, and sends an empty final chunk when there is nothing', async () => {
      for (let i = 0; i < 1200; i++) recent.push(JSON.stringify({ msg: `line ${i}` }));
      const upload = command('logs.upload', { minutes: 60 });
      await receive(service(), upload);
      expect(chunks.map((c) => [c.index, c.final, c.lines.length])).toEqual([
        [0, false, 200],
        [1, false, 500],
        [2, true, 500],
      ]);
      const sent = chunks.flatMap((c) => c.lines.map((line) => (JSON.parse(line) as { msg: string }).msg));
      expect(sent[0]).toBe('line 0');
      expect(sent.at(-1)).toBe('line 1199');

      chunks = [];
      const empty = new RecentLogLines();
      const uploader = new LogUploader(empty, (chunk) => (chunks.push(chunk), Promise.resolve({ ok: true })), () => now.getTime());
      expect(await uploader.upload(uuidv7(), 5)).toBe('uploaded 0 log lines from the last 5 min in 1 chunk');
      expect(chunks).toEqual([expect.objectContaining({ index: 0, final: true, lines: [] })]);
    });

    it('fails the command when the hub refuses a chunk (no later chunk is sent)', async () => {
      for (let i = 0; i < 600; i++) recent.push(`{"msg":"line ${i}"}`);
      hubAnswer = (chunk) => (chunk.index === 0 ? { ok: false, error: { code: 'conflict', message: 'already finished' } } : { ok: true });
      const upload = command('logs.upload', { minutes: 10 });
      await receive(service(), upload);
      expect(chunks).toHaveLength(1);
      expect(results()).toEqual([
        { commandId: upload.commandId, status: 'failed', detail: 'logs.upload failed: the hub refused log chunk 0: conflict already finished' },
      ]);
    });
  });

  describe('the log lines kept for an upload', () => {
    it('are redacted by the logger before they are kept: no PIN, password or personal field survives', () => {
      const written: string[] = [];
      const logger = createLogger('info', recent, { write: (line: string) => written.push(line) });
      logger.info({ pin: '1234', card: { pin: '5678' }, password: 'hunter2-secret', address: '大阪府豊中市中桜塚3-1-1', sessionId: 's-1' }, 'oops');
      const kept = recent.since(0);
      expect(kept).toHaveLength(1);
      expect(written).toEqual([`${kept[0]}\n`]);
      for (const secret of ['1234', '5678', 'hunter2-secret', '豊中市中桜塚']) expect(kept[0]).not.toContain(secret);
      expect(JSON.parse(kept[0] as string)).toMatchObject({ pin: '[redacted]', card: { pin: '[redacted]' }, sessionId: 's-1', msg: 'oops' });
    });

    it('stay within their line and byte bounds, oldest first out', () => {
      const ring = new RecentLogLines({ maxLines: 3, maxBytes: 1000 }, () => 0);
      for (const n of [1, 2, 3, 4]) ring.push(`line ${n}\n`);
      expect(ring.since(0)).toEqual(['line 2', 'line 3', 'line 4']);
      const small = new RecentLogLines({ maxLines: 100, maxBytes: 10 }, () => 0);
      small.push('aaaaaa');
      small.push('bbbbbb');
      expect(small.since(0)).toEqual(['bbbbbb']);
      const long = new RecentLogLines();
      long.push('x'.repeat(10_000));
      expect(long.since(0)[0]).toHaveLength(4000);
    });
  });
});
