/**
 * The fleet bench's instruments: simulated kiosks (real enrolment, signed handshake, hello), their
 * heartbeats, an open-loop event driver at a fixed aggregate rate, and readings of the hub process
 * (heap after a forced GC through heap-probe-preload.cjs, RSS, CPU). Figures only; nothing asserts.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BatchAckSchema,
  EnrolResponseSchema,
  HelloAckSchema,
  PROTOCOL_VERSION,
  SimpleAckSchema,
  type OutboxEvent,
  type Telemetry,
} from '@kiosk/protocols';
import { connectAgentSocket, signedAuth, uuidv7, type AgentSocket } from '../support/kiosk-client';
import { repoRoot, type NodeProcess } from '../support/processes';
import type { TestSystem } from '../support/system';

const ACK_TIMEOUT_MS = 10_000;

/**
 * The hub's environment for the bench: the heap probe preloaded (SIGUSR2: GC, then a `bench heap` log
 * line; `BENCH_HUB_CPU_PROFILE=<file>`: a CPU profile of the first fleet size's load phases).
 */
export const HUB_ENV = {
  // BENCH_HUB_NODE_OPTIONS: more options for the hub's node (e.g. `--require <repo>/test/bench/hub-load-probe.cjs`: CPU wait, GC, event-loop delay, slowest SQL).
  NODE_OPTIONS: [`--require ${path.join(repoRoot, 'test/bench/heap-probe-preload.cjs')}`, process.env.BENCH_HUB_NODE_OPTIONS ?? ''].join(' ').trim(),
  // Every simulated kiosk connects from 127.0.0.1; a real fleet comes from many addresses.
  HUB_PREAUTH_CONNECTS_PER_ADDRESS: '0',
  // The bench signs in with the admin token; no demo administrator (an earlier build logs it differently).
  HUB_DEMO_ADMIN: '0',
  ...(process.env.BENCH_HUB_CPU_PROFILE ? { BENCH_HUB_CPU_PROFILE: process.env.BENCH_HUB_CPU_PROFILE } : {}),
  ...(process.env.BENCH_HUB_PROBE_OUT ? { BENCH_HUB_PROBE_OUT: process.env.BENCH_HUB_PROBE_OUT } : {}),
  // Group-commit lanes on PostgreSQL (issue 12): `HUB_DATABASE_COMMIT_LANES=1` measures one group after another.
  ...(process.env.HUB_DATABASE_COMMIT_LANES ? { HUB_DATABASE_COMMIT_LANES: process.env.HUB_DATABASE_COMMIT_LANES } : {}),
};

export interface SimulatedKiosk {
  kioskId: string;
  privateKey: KeyObject;
  socket?: AgentSocket;
  /** Last outbox seq this kiosk sent. */
  seq: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** utime + stime of a process, in clock ticks (100 per second on Linux). */
export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

export function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
}

/** CPU share (of one core) of a process and of this driver process over a stretch of time. */
export class CpuMeter {
  private readonly ticks: number;
  private readonly own = process.cpuUsage();
  private readonly started = performance.now();
  constructor(private readonly pid: number) {
    this.ticks = cpuTicks(pid);
  }
  read(): { hub: number; driver: number; seconds: number } {
    const seconds = (performance.now() - this.started) / 1000;
    const own = process.cpuUsage(this.own);
    return { hub: (cpuTicks(this.pid) - this.ticks) / 100 / seconds, driver: (own.user + own.system) / 1e6 / seconds, seconds };
  }
}

/** The hub's heap after two forced full GCs (heap-probe-preload.cjs), in bytes. */
export async function heapAfterGc(hub: NodeProcess): Promise<number> {
  const probe = hub.logs.filter((entry) => entry.msg === 'bench heap').length + 1;
  const reading = hub.waitForLog((entry) => entry.msg === 'bench heap' && entry.probe === probe, 60_000);
  process.kill(hub.pid, 'SIGUSR2');
  return Number((await reading).heapUsed);
}

export async function enrol(system: TestSystem): Promise<SimulatedKiosk> {
  const code = await system.createEnrolmentCode();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const response = await fetch(`${system.hubUrl}/api/kiosks/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }),
  });
  if (response.status !== 201) throw new Error(`enrol: HTTP ${response.status}`);
  return { kioskId: EnrolResponseSchema.parse(await response.json()).kioskId, privateKey, seq: 0 };
}

/** Connects and says hello; a transport failure or an unanswered hello (a loaded machine) is retried. Returns the attempts. */
export async function connectKiosk(hubUrl: string, kiosk: SimulatedKiosk): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const { socket, refusal } = await connectAgentSocket(hubUrl, signedAuth(kiosk.kioskId, kiosk.privateKey));
    if ((refusal?.code === 'transport' || refusal?.code === 'timeout') && attempt < 10) {
      await sleep(500 * attempt);
      continue;
    }
    if (refusal) throw new Error(`${kiosk.kioskId} refused: ${refusal.code}`);
    const hello = await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: 'bench' })
      .catch(() => null);
    // No hello ack in time (a loaded machine): a fresh attempt, as the agent's connect deadline makes one.
    if (hello === null && attempt < 10) {
      socket.close();
      await sleep(500 * attempt);
      continue;
    }
    HelloAckSchema.parse(hello);
    kiosk.socket = socket;
    return attempt;
  }
}

function telemetry(): Telemetry {
  return {
    sentAt: new Date().toISOString(),
    outbox: { backlog: 0, oldestOccurredAt: null, lastSeq: 0 },
    devices: [],
    agent: { version: 'bench', uptimeSeconds: process.uptime(), rssBytes: 0, outOfService: false },
  };
}

/** Every kiosk heartbeats every `intervalMs`, each at its own random phase, as real ones do. */
export class Heartbeats {
  latencies: number[] = [];
  failed = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  constructor(private readonly intervalMs: number) {}

  start(kiosk: SimulatedKiosk): void {
    const beat = () => {
      const sent = performance.now();
      kiosk.socket
        ?.timeout(ACK_TIMEOUT_MS)
        .emitWithAck('telemetry', telemetry())
        .then((ack) => {
          if (SimpleAckSchema.parse(ack).ok) this.latencies.push(performance.now() - sent);
          else this.failed += 1;
        })
        .catch(() => {
          this.failed += 1;
        });
    };
    this.timers.push(
      setTimeout(() => {
        beat();
        this.timers.push(setInterval(beat, this.intervalMs));
      }, Math.random() * this.intervalMs),
    );
  }

  /** The latencies and failures since the last call. */
  take(): { latencies: number[]; failed: number } {
    const taken = { latencies: this.latencies.sort((a, b) => a - b), failed: this.failed };
    this.latencies = [];
    this.failed = 0;
    return taken;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}

/**
 * Waits until the hub answers a heartbeat within 50 ms (at most `timeoutMs`), so work still queued from an
 * overloaded phase (acks the driver already gave up on) does not count against the next one. Resolves
 * with the seconds it waited, or null when the hub was still busy at the end.
 */
export async function quiesce(kiosk: SimulatedKiosk, timeoutMs = 60_000): Promise<number | null> {
  const started = performance.now();
  while (performance.now() < started + timeoutMs) {
    const sent = performance.now();
    const answered = await kiosk.socket
      ?.timeout(60_000)
      .emitWithAck('telemetry', telemetry())
      .then(() => true)
      .catch(() => false);
    if (answered && performance.now() - sent < 50) return (performance.now() - started) / 1000;
    await sleep(500);
  }
  return null;
}

export function cashCredit(kiosk: SimulatedKiosk): OutboxEvent {
  kiosk.seq += 1;
  return {
    id: uuidv7(),
    kioskId: kiosk.kioskId,
    seq: kiosk.seq,
    type: 'cash.credit',
    occurredAt: new Date().toISOString(),
    payload: { transactionId: uuidv7(), coinYen: 100 },
  };
}

export interface EventRun {
  batches: number;
  events: number;
  latencies: number[];
  refused: number;
  timeouts: number;
  /** Events acked per second, over the sending time plus the wait for the last acks. */
  ackedPerSecond: number;
}

/**
 * Open loop: `perSecond` events in batches of `perBatch` (one `cash.credit` each, with its ledger row),
 * from the kiosks in turn, for `durationMs`; then waits for the acks still out (at most their timeout).
 */
export async function driveEvents(kiosks: readonly SimulatedKiosk[], perSecond: number, perBatch: number, durationMs: number): Promise<EventRun> {
  const run: EventRun = { batches: 0, events: 0, latencies: [], refused: 0, timeouts: 0, ackedPerSecond: 0 };
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let acked = 0;
  const started = performance.now();
  const send = (kiosk: SimulatedKiosk, socket: AgentSocket) => {
    const events = Array.from({ length: perBatch }, () => cashCredit(kiosk));
    const sent = performance.now();
    const pending = socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('events', { events })
      .then((ack) => {
        if (BatchAckSchema.parse(ack).ok) {
          run.latencies.push(performance.now() - sent);
          acked += perBatch;
        } else run.refused += 1;
      })
      .catch(() => {
        run.timeouts += 1;
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
    run.batches += 1;
    run.events += perBatch;
  };
  for (let now = started; now - started < durationMs; now = performance.now()) {
    const due = Math.floor(((now - started) / 1000) * (perSecond / perBatch)) - run.batches;
    for (let i = 0; i < due; i++) {
      const kiosk = kiosks[next++ % kiosks.length];
      if (kiosk?.socket) send(kiosk, kiosk.socket);
    }
    await sleep(5);
  }
  await Promise.all([...inFlight]);
  run.ackedPerSecond = acked / ((performance.now() - started) / 1000);
  run.latencies.sort((a, b) => a - b);
  return run;
}
