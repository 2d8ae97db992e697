/**
 * `npm run bench`: one hub process and a growing fleet of simulated kiosks (real enrolments, real signed
 * handshakes, real sockets on loopback) heartbeating to it while a technician console stays connected.
 * For each fleet size in `BENCH_KIOSKS` (default 1000,2000; the full run is 1000,5000,10000) it prints:
 * heap per connection after a forced GC, RSS, hub CPU, heartbeat ack p50/p99, console `fleet.overview`
 * latency, and event ack p50/p99 at each aggregate rate of `BENCH_EVENT_RATES` (500,1000,2000 events/s,
 * batches of `BENCH_EVENTS_PER_BATCH`, default 1). Figures, never assertions: the machine is shared, so
 * compare runs made in the same conditions, by their ratios. The driver's own CPU is printed too: when it
 * nears one core the client, not the hub, is what is measured. `BENCH_HUB_CPU_PROFILE=<file>` writes a
 * CPU profile (.cpuprofile, for Chrome DevTools) of the hub during the first fleet size's load phases.
 * Then the reconnect storm (reconnect-storm.ts) with `BENCH_STORM_KIOSKS` kiosks (default 1000; the
 * issue's figure is 5000; 0 skips it). `BENCH_KIOSKS=none` runs the storm alone. `BENCH_HUB_MAIN=<path
 * to another build's central-hub/dist/main.js>` runs it all against that build (an earlier commit), so
 * before and after are measured by the same bench on the same machine. `BENCH_ENGINE=postgres` (issue 13)
 * runs the hub on PostgreSQL, in a database of its own dropped afterwards (skipped, with a line saying
 * so, when the server cannot be reached); the default is SQLite.
 */
import { io, type Socket } from 'socket.io-client';
import { CONSOLE_NAMESPACE, type ConsoleToHubEvents, type HubToConsoleEvents } from '@kiosk/protocols';
import { TestSystem } from '../support/system';
import { reconnectStorm } from './reconnect-storm';
import { postgresUnreachable, type HubEngine } from './engines';
import {
  CpuMeter,
  HUB_ENV,
  Heartbeats,
  connectKiosk,
  driveEvents,
  enrol,
  heapAfterGc,
  percentile,
  quiesce,
  rssMiB,
  sleep,
  type SimulatedKiosk,
} from './fleet-probes';

const list = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map(Number) : fallback);
const FLEET_SIZES = process.env.BENCH_KIOSKS === 'none' ? [] : list(process.env.BENCH_KIOSKS, [1000, 2000]).sort((a, b) => a - b);
const STORM_KIOSKS = Number(process.env.BENCH_STORM_KIOSKS ?? 1000);
const HUB_MAIN = process.env.BENCH_HUB_MAIN || undefined;
const EVENT_RATES = list(process.env.BENCH_EVENT_RATES, [500, 1000, 2000]);
const EVENTS_PER_BATCH = Number(process.env.BENCH_EVENTS_PER_BATCH ?? 1);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 15_000);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 15_000);
const ENGINE: HubEngine = process.env.BENCH_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
if (![undefined, '', 'sqlite', 'postgres'].includes(process.env.BENCH_ENGINE)) throw new Error(`BENCH_ENGINE: unknown engine ${process.env.BENCH_ENGINE}`);

type ConsoleSocket = Socket<HubToConsoleEvents, ConsoleToHubEvents>;

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const p50p99 = (sorted: readonly number[]) => `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Asks the console's `fleet.overview` once a second until `stop` resolves; returns the sorted latencies. */
async function pollOverview(consoleSocket: ConsoleSocket, stop: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void stop.finally(() => (done = true));
  while (!done) {
    const asked = performance.now();
    await consoleSocket
      .timeout(10_000)
      .emitWithAck('fleet.overview')
      .then(() => latencies.push(performance.now() - asked))
      .catch(() => latencies.push(10_000));
    await sleep(1000);
  }
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  if (ENGINE === 'postgres') {
    const unreachable = await postgresUnreachable();
    if (unreachable) {
      console.log(`fleet bench on postgres skipped: ${unreachable}`);
      return;
    }
  }
  const system = new TestSystem(ENGINE);
  const kiosks: SimulatedKiosk[] = [];
  const heartbeats = new Heartbeats(HEARTBEAT_MS);
  let consoleSocket: ConsoleSocket | undefined;
  try {
    const hub = await system.startHub(HUB_ENV, HUB_MAIN);
    consoleSocket = io(`${system.hubUrl}${CONSOLE_NAMESPACE}`, { transports: ['websocket'], auth: { token: system.adminToken() } });
    await new Promise<void>((resolve, reject) => {
      consoleSocket?.once('connect', resolve);
      consoleSocket?.once('connect_error', reject);
    });
    const heapEmpty = await heapAfterGc(hub);
    if (HUB_MAIN) console.log(`hub build: ${HUB_MAIN}`);
    console.log(`fleet bench, hub on ${ENGINE}: sizes ${FLEET_SIZES.join(', ')}; heartbeat every ${HEARTBEAT_MS / 1000} s; ${PHASE_MS / 1000} s per phase; events ${EVENT_RATES.join(', ')}/s in batches of ${EVENTS_PER_BATCH}`);
    console.log(`  hub heap with no kiosk connected, after GC: ${mib(heapEmpty)}`);

    for (const size of FLEET_SIZES) {
      const added: SimulatedKiosk[] = [];
      for (let i = kiosks.length; i < size; i += 50) {
        added.push(...(await Promise.all(Array.from({ length: Math.min(50, size - i) }, () => enrol(system)))));
      }
      const connectStarted = performance.now();
      let retries = 0;
      for (let i = 0; i < added.length; i += 100) {
        const attempts = await Promise.all(added.slice(i, i + 100).map((kiosk) => connectKiosk(system.hubUrl, kiosk)));
        retries += attempts.reduce((sum, n) => sum + n - 1, 0);
      }
      const connectS = (performance.now() - connectStarted) / 1000;
      kiosks.push(...added);
      for (const kiosk of added) heartbeats.start(kiosk);
      await sleep(2000);
      const heap = await heapAfterGc(hub);
      console.log(`${size} kiosks (${added.length} connected + hello in ${connectS.toFixed(1)} s, ${retries} connect retries)`);
      console.log(`  heap after GC ${mib(heap)}: ${((heap - heapEmpty) / size / 1024).toFixed(1)} KiB per connection; RSS ${rssMiB(hub.pid, 'VmRSS')} MiB`);

      // Heartbeats only, then each event rate on top of them.
      for (const rate of [0, ...EVENT_RATES]) {
        if (kiosks[0]) await quiesce(kiosks[0]);
        heartbeats.take();
        const cpu = new CpuMeter(hub.pid);
        const work = rate === 0 ? sleep(PHASE_MS) : driveEvents(kiosks, rate, EVENTS_PER_BATCH, PHASE_MS);
        const overview = await pollOverview(consoleSocket, work);
        const run = await work;
        const { hub: hubCpu, driver } = cpu.read();
        const beats = heartbeats.take();
        const label = rate === 0 ? '  heartbeats only:' : `  ${rate} events/s:`;
        const events = run
          ? ` event ack ${p50p99(run.latencies)} (${run.ackedPerSecond.toFixed(0)}/s acked, ${run.timeouts} timed out, ${run.refused} refused);`
          : '';
        console.log(
          `${label}${events} heartbeat ack ${p50p99(beats.latencies)} (${beats.failed} failed); overview p50 ${ms(percentile(overview, 50))}; hub CPU ${(hubCpu * 100).toFixed(0)}%, driver ${(driver * 100).toFixed(0)}%`,
        );
      }
      const heapAfter = await heapAfterGc(hub);
      console.log(`  after the load: heap after GC ${mib(heapAfter)}, RSS ${rssMiB(hub.pid, 'VmRSS')} MiB (peak ${rssMiB(hub.pid, 'VmHWM')} MiB)`);
    }

    if (STORM_KIOSKS > 0) {
      heartbeats.stop();
      for (const kiosk of kiosks) kiosk.socket?.close();
      consoleSocket.close();
      for (let i = kiosks.length; i < STORM_KIOSKS; i += 50) {
        kiosks.push(...(await Promise.all(Array.from({ length: Math.min(50, STORM_KIOSKS - i) }, () => enrol(system)))));
      }
      // BENCH_STORM_CPU_PROFILE=<file>: a CPU profile of the restarted hub, from its start to the storm's end.
      const profile = process.env.BENCH_STORM_CPU_PROFILE;
      await reconnectStorm(system, kiosks.slice(0, STORM_KIOSKS), profile ? { ...HUB_ENV, BENCH_HUB_START_PROFILE: profile } : HUB_ENV, HUB_MAIN);
      if (profile && system.hub) await heapAfterGc(system.hub);
    }
  } finally {
    heartbeats.stop();
    for (const kiosk of kiosks) kiosk.socket?.close();
    consoleSocket?.close();
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
