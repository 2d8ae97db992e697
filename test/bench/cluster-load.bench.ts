/**
 * `npm run bench` (issue 14): the hub as one process and as two, on PostgreSQL joined by Redis, with the
 * same simulated kiosks as the fleet bench (real enrolments, signed handshakes, sockets on loopback).
 * For each fleet size of `BENCH_CLUSTER_KIOSKS` (default 1000,5000; 10000 only when listed there), first
 * against one process, then spread evenly over two: heap per connection after a forced GC and RSS per
 * process, hub CPU (each process and their sum), heartbeat ack p50/p99 (every kiosk every
 * `BENCH_HEARTBEAT_MS`, default 15 s, over `BENCH_PHASE_MS`, default 15 s), and event ack p50/p99 at each
 * aggregate rate of `BENCH_CLUSTER_EVENT_RATES` (default none), then each two-process figure as a ratio
 * to the one-process one. Then the reconnect storm: `BENCH_CLUSTER_STORM_KIOSKS` (default 5000; 0 skips
 * it) kiosks connected over both processes, each listing both hubs the way an agent with `HUB_URL=a,b`
 * does (reconnect-storm.ts's StormKiosk: the agent's reconnect loop, timing and hub rule), process B
 * SIGKILLed, two events queued on every kiosk: seconds until every kiosk is connected again and every
 * event acked, and how many of those events the database holds (each exactly once). Figures, never
 * assertions; skipped with a line when PostgreSQL or Redis cannot be reached.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LinkFailureCause } from '@kiosk/protocols';
import { clusterRedisUrl, redisUnreachable, removeHubKeysFromRedis } from '../support/cluster-redis';
import { freePort, startNode, type NodeProcess } from '../support/processes';
import { TestSystem } from '../support/system';
import { postgresUnreachable } from './engines';
import { CpuMeter, HUB_ENV, Heartbeats, cashCredit, connectKiosk, driveEvents, enrol, heapAfterGc, percentile, quiesce, rssMiB, sleep, type SimulatedKiosk } from './fleet-probes';
import { StormKiosk, waitFor } from './reconnect-storm';

const list = (value: string | undefined, fallback: number[]) => (value ? value.split(',').filter(Boolean).map(Number) : fallback);
const FLEET_SIZES = list(process.env.BENCH_CLUSTER_KIOSKS, [1000, 5000]).sort((a, b) => a - b);
const EVENT_RATES = list(process.env.BENCH_CLUSTER_EVENT_RATES, []);
const STORM_KIOSKS = Number(process.env.BENCH_CLUSTER_STORM_KIOSKS ?? 5000);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 15_000);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 15_000);
const STORM_GIVE_UP_MS = Number(process.env.BENCH_STORM_GIVE_UP_MS ?? 240_000);
/** How long a hub may take, after a fleet connected, to answer a heartbeat promptly before it is measured anyway. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 300_000);

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const p50p99 = (sorted: readonly number[]) => `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ratio = (two: number, one: number) => (one > 0 && Number.isFinite(two) ? `${(two / one).toFixed(2)}x` : 'n/a');
const percent = (share: number) => `${(share * 100).toFixed(0)}%`;

/** One hub process of the pair. */
interface Hub {
  name: string;
  url: string;
  process: NodeProcess;
  /** Its heap with no kiosk connected, after GC (read again before each configuration). */
  heapEmpty: number;
}

/**
 * The hubs' warnings and errors (log level 40 and up) since the last call, most frequent first: what a
 * phase with failed heartbeats or timeouts must be read with.
 */
function newWarnings(hubs: readonly Hub[], seen: Map<Hub, number>): string {
  const counts = new Map<string, number>();
  for (const hub of hubs) {
    const from = seen.get(hub) ?? 0;
    for (const entry of hub.process.logs.slice(from)) {
      if (entry.level < 40) continue;
      // What failed and why, when the line says (a background task's name, its error's message).
      const detail = [entry.what, (entry.err as { message?: unknown } | undefined)?.message ?? entry.err].filter((part) => typeof part === 'string').join(': ');
      const key = `${hub.name}: ${entry.msg}${detail ? ` (${detail.slice(0, 160)})` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    seen.set(hub, hub.process.logs.length);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4);
  return top.length === 0 ? '' : `\n    hub warnings: ${top.map(([msg, n]) => `${n}× ${msg}`).join('; ')}`;
}
const warningsSeen = new Map<Hub, number>();

/** What one phase measured, for the ratios. */
interface Figures {
  heapPerConnection: number;
  rssMiB: number;
  cpu: number;
  heartbeatP50: number;
  heartbeatP99: number;
  events: Map<number, { p50: number; p99: number; ackedPerSecond: number }>;
}

/** Hub A is `system`'s hub; hub B a second process on its database, its admin token and its offline lottery key. */
async function startHubB(system: TestSystem, env: Record<string, string>): Promise<NodeProcess> {
  const dataDir = path.join(system.dir, 'hub-b');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const offlineKey = path.join(system.hubDataDir, 'lottery-offline-key.pem');
  if (existsSync(offlineKey)) copyFileSync(offlineKey, path.join(dataDir, 'lottery-offline-key.pem'));
  const hub = startNode('hub-b', 'central-hub/dist/main.js', {
    HUB_PORT: String(await freePort()),
    HUB_DATA_DIR: dataDir,
    HUB_ADMIN_TOKEN: system.adminToken(),
    ...system.hubDatabaseEnv(),
    ...env,
  });
  await hub.waitForLog((entry) => entry.msg === 'hub listening');
  return hub;
}

/** Kiosks `from`..`to` (not yet connected) connected and greeted, kiosk i to hub i mod n; returns the retries. */
async function connectRange(kiosks: readonly SimulatedKiosk[], hubs: readonly Hub[], from: number, to: number): Promise<number> {
  let retries = 0;
  for (let i = from; i < to; i += 100) {
    const wave = kiosks.slice(i, Math.min(to, i + 100));
    const attempts = await Promise.all(wave.map((kiosk, j) => connectKiosk(hubs[(i + j) % hubs.length]?.url ?? '', kiosk)));
    retries += attempts.reduce((sum, n) => sum + n - 1, 0);
  }
  return retries;
}

/** One fleet size against `hubs` (kiosks 0..size-1 connected, evenly spread), heartbeating. */
async function measure(hubs: readonly Hub[], kiosks: readonly SimulatedKiosk[], size: number, heartbeats: Heartbeats): Promise<Figures> {
  // Each hub works off what the connections queued (status evaluations, leases) before it answers promptly.
  const settled = await Promise.all(hubs.map((_, h) => (kiosks[h] ? quiesce(kiosks[h], SETTLE_MS) : Promise.resolve(0))));
  const settledS = settled.map((seconds) => (seconds === null ? `busy after ${SETTLE_MS / 1000} s` : `${seconds.toFixed(1)} s`));
  const heaps = await Promise.all(hubs.map((hub) => heapAfterGc(hub.process)));
  const perConnection = hubs.map((hub, i) => ((heaps[i] ?? 0) - hub.heapEmpty) / (size / hubs.length));
  const rss = hubs.map((hub) => rssMiB(hub.process.pid, 'VmRSS'));
  const label = `${hubs.length} process${hubs.length > 1 ? 'es' : ''}, ${size} kiosks`;
  const figures: Figures = {
    heapPerConnection: perConnection.reduce((a, b) => a + b, 0) / hubs.length,
    rssMiB: rss.reduce((a, b) => a + b, 0),
    cpu: 0,
    heartbeatP50: NaN,
    heartbeatP99: NaN,
    events: new Map(),
  };
  const each = (values: readonly string[]) => (hubs.length > 1 ? ` (${hubs.map((hub, i) => `${hub.name} ${values[i]}`).join(', ')})` : '');
  console.log(`${label}: answering heartbeats within 50 ms after ${settledS.join(' / ')}`);
  console.log(`${label}: heap ${kib(figures.heapPerConnection)} per connection${each(perConnection.map(kib))}; RSS ${figures.rssMiB} MiB${each(rss.map((mib) => `${mib} MiB`))}`);
  for (const rate of [0, ...EVENT_RATES]) {
    if (kiosks[0]) await quiesce(kiosks[0]);
    heartbeats.take();
    const meters = hubs.map((hub) => new CpuMeter(hub.process.pid));
    const run = rate === 0 ? (await sleep(PHASE_MS), null) : await driveEvents(kiosks.slice(0, size), rate, 1, PHASE_MS);
    const cpu = meters.map((meter) => meter.read());
    const beats = heartbeats.take();
    const hubCpu = cpu.reduce((sum, reading) => sum + reading.hub, 0);
    const open = kiosks.slice(0, size).filter((kiosk) => kiosk.socket?.connected).length;
    const events = run ? ` event ack ${p50p99(run.latencies)} (${run.ackedPerSecond.toFixed(0)}/s acked, ${run.timeouts} timed out, ${run.refused} refused);` : '';
    console.log(
      `  ${rate === 0 ? 'heartbeats only' : `${rate} events/s`}:${events} heartbeat ack ${p50p99(beats.latencies)} (${beats.failed} failed); hub CPU ${percent(hubCpu)}${each(cpu.map((reading) => percent(reading.hub)))}, driver ${percent(cpu[0]?.driver ?? 0)}; ${open} of ${size} sockets open${newWarnings(hubs, warningsSeen)}`,
    );
    if (rate === 0) {
      figures.cpu = hubCpu;
      figures.heartbeatP50 = percentile(beats.latencies, 50);
      figures.heartbeatP99 = percentile(beats.latencies, 99);
    } else if (run) {
      figures.events.set(rate, { p50: percentile(run.latencies, 50), p99: percentile(run.latencies, 99), ackedPerSecond: run.ackedPerSecond });
    }
  }
  return figures;
}

/** Each fleet size against `hubs`; every kiosk is disconnected again at the end. */
async function runFleet(hubs: readonly Hub[], kiosks: readonly SimulatedKiosk[]): Promise<Map<number, Figures>> {
  const results = new Map<number, Figures>();
  const heartbeats = new Heartbeats(HEARTBEAT_MS);
  let connected = 0;
  for (const hub of hubs) hub.heapEmpty = await heapAfterGc(hub.process);
  try {
    for (const size of FLEET_SIZES) {
      const started = performance.now();
      const retries = await connectRange(kiosks, hubs, connected, size);
      console.log(`${hubs.length} process${hubs.length > 1 ? 'es' : ''}: ${size - connected} kiosks connected + hello in ${((performance.now() - started) / 1000).toFixed(1)} s (${retries} connect retries)${newWarnings(hubs, warningsSeen)}`);
      for (const kiosk of kiosks.slice(connected, size)) heartbeats.start(kiosk);
      connected = size;
      results.set(size, await measure(hubs, kiosks, size, heartbeats));
    }
  } finally {
    heartbeats.stop();
    for (const kiosk of kiosks.slice(0, connected)) {
      kiosk.socket?.close();
      delete kiosk.socket;
    }
  }
  return results;
}

function printRatios(one: Map<number, Figures>, two: Map<number, Figures>): void {
  console.log('two processes against one (same kiosks): heap per connection, RSS (sum), hub CPU (sum), heartbeat ack p50 / p99, event ack p99 per rate');
  for (const size of FLEET_SIZES) {
    const a = one.get(size);
    const b = two.get(size);
    if (!a || !b) continue;
    const events = [...b.events].map(([rate, figures]) => `, ${rate}/s p99 ${ratio(figures.p99, a.events.get(rate)?.p99 ?? NaN)}`).join('');
    console.log(
      `  ${size} kiosks: heap/connection ${ratio(b.heapPerConnection, a.heapPerConnection)}, RSS ${ratio(b.rssMiB, a.rssMiB)}, CPU ${ratio(b.cpu, a.cpu)}, heartbeat p50 ${ratio(b.heartbeatP50, a.heartbeatP50)} / p99 ${ratio(b.heartbeatP99, a.heartbeatP99)}${events}`,
    );
  }
}

/**
 * The storm: `kiosks` connected over both hubs (half listing A first, half B first), B SIGKILLed, two
 * events queued on every kiosk. B stays down: its kiosks must find A.
 */
async function storm(system: TestSystem, hubs: readonly [Hub, Hub], kiosks: readonly SimulatedKiosk[]): Promise<void> {
  const [hubA, hubB] = hubs;
  const failures = new Map<LinkFailureCause['kind'], number>();
  const fleet = kiosks.map((kiosk, i) => new StormKiosk(i % 2 === 0 ? [hubA.url, hubB.url] : [hubB.url, hubA.url], kiosk, failures));
  try {
    const connecting = performance.now();
    for (let i = 0; i < fleet.length; i += 250) {
      const wave = fleet.slice(i, i + 250);
      for (const kiosk of wave) kiosk.start();
      await waitFor(() => wave.every((kiosk) => kiosk.connected), 120_000);
    }
    const onB = (kiosk: StormKiosk, i: number) => (i % 2 === 0 ? kiosk.hub === 1 : kiosk.hub === 0);
    const before = fleet.filter((kiosk) => kiosk.connected).length;
    const beforeOnB = fleet.filter((kiosk, i) => kiosk.connected && onB(kiosk, i)).length;
    console.log(`reconnect storm over two processes: ${fleet.length} kiosks, ${before} connected (${beforeOnB} on B) in ${((performance.now() - connecting) / 1000).toFixed(1)} s`);
    failures.clear();

    const stranded = fleet.filter((kiosk, i) => onB(kiosk, i));
    const killed = performance.now();
    hubB.process.kill('SIGKILL');
    await hubB.process.exited;
    // What B's kiosks queue while they have no hub (sent once a session is up again, as the agent's outbox does).
    const queued = stranded.flatMap((kiosk) => {
      const events = [cashCredit(kiosk.kiosk), cashCredit(kiosk.kiosk)];
      kiosk.outbox.push(...events);
      return events.map((event) => event.id);
    });
    const connectedS = await waitFor(() => fleet.every((kiosk, i) => kiosk.connected && !onB(kiosk, i)), STORM_GIVE_UP_MS);
    const doneS = await waitFor(() => fleet.every((kiosk) => kiosk.done), Math.max(1000, STORM_GIVE_UP_MS - (performance.now() - killed)));
    const allDoneS = doneS === null ? null : (performance.now() - killed) / 1000;
    const cpu = new CpuMeter(hubA.process.pid);
    await sleep(2000);
    const stored = await system.hubRecords.row<{ rows: number; distinct: number }>(
      'SELECT count(*) AS "rows", count(DISTINCT event_id) AS "distinct" FROM events WHERE event_id = ANY(?)',
      queued,
    );
    const behind = fleet.filter((kiosk) => !kiosk.done).length;
    const undelivered = fleet.reduce((sum, kiosk) => sum + kiosk.outbox.length, 0);
    const causes = [...failures].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
    const seconds = (value: number | null) => (value === null ? `not within ${STORM_GIVE_UP_MS / 1000} s` : `${value.toFixed(1)} s`);
    console.log(`  B SIGKILLed with ${stranded.length} kiosks; every kiosk connected to A again after ${seconds(connectedS)}; every queued event acked after ${seconds(allDoneS)}`);
    console.log(`  ${queued.length} events queued during the storm (2 per kiosk of B): ${stored?.rows ?? 0} stored (${stored?.distinct ?? 0} distinct ids, ${(stored?.rows ?? 0) - (stored?.distinct ?? 0)} twice); ${undelivered} undelivered, ${behind} kiosks never came back; failed attempts: ${causes}`);
    const warnings = newWarnings(hubs, warningsSeen);
    if (warnings) console.log(`  during the storm, ${warnings.trimStart()}`);
    console.log(`  A afterwards: RSS ${rssMiB(hubA.process.pid, 'VmRSS')} MiB (peak ${rssMiB(hubA.process.pid, 'VmHWM')} MiB), CPU ${percent(cpu.read().hub)} with ${fleet.length} kiosks idle`);
  } finally {
    await Promise.all(fleet.map((kiosk) => kiosk.stop()));
  }
}

async function main(): Promise<void> {
  const unreachable = (await postgresUnreachable()) ?? (await redisUnreachable());
  if (unreachable) {
    console.log(`cluster bench skipped: ${unreachable}`);
    return;
  }
  const env = { ...HUB_ENV, HUB_REDIS_URL: clusterRedisUrl };
  const system = new TestSystem('postgres');
  const hubs: Hub[] = [];
  try {
    const a = await system.startHub(env);
    hubs.push({ name: 'A', url: system.hubUrl, process: a, heapEmpty: 0 });
    const needed = Math.max(...FLEET_SIZES, STORM_KIOSKS);
    const enrolling = performance.now();
    const kiosks: SimulatedKiosk[] = [];
    for (let i = 0; i < needed; i += 50) kiosks.push(...(await Promise.all(Array.from({ length: Math.min(50, needed - i) }, () => enrol(system)))));
    console.log(`cluster bench, hubs on PostgreSQL + Redis: sizes ${FLEET_SIZES.join(', ')}; heartbeat every ${HEARTBEAT_MS / 1000} s; ${PHASE_MS / 1000} s per phase; events ${EVENT_RATES.join(', ') || 'none'}; storm ${STORM_KIOSKS}`);
    console.log(`  ${needed} kiosks enrolled in ${((performance.now() - enrolling) / 1000).toFixed(1)} s; hub heap with no kiosk connected, after GC: ${((await heapAfterGc(a)) / 1024 / 1024).toFixed(1)} MiB`);

    const one = await runFleet(hubs, kiosks);
    const b = await startHubB(system, env);
    hubs.push({ name: 'B', url: `http://127.0.0.1:${String(b.logs.find((entry) => entry.msg === 'hub listening')?.port)}`, process: b, heapEmpty: 0 });
    const two = await runFleet(hubs, kiosks);
    printRatios(one, two);
    const [hubA, hubB] = hubs;
    if (STORM_KIOSKS > 0 && hubA && hubB) await storm(system, [hubA, hubB], kiosks.slice(0, STORM_KIOSKS));
  } finally {
    await Promise.all(hubs.slice(1).map((hub) => hub.process.stop()));
    await system.close();
    removeHubKeysFromRedis();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
