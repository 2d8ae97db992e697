/**
 * `npm run bench`: figures for the spine, printed, never asserted.
 * - the outbox's durable enqueue rate (one event per transaction, synchronous=FULL) against raw SQLite
 *   doing the same, as a ratio (the agent's store: SQLite whatever the hub's engine);
 * - for each of the hub's engines (issue 13; `BENCH_ENGINES`, default sqlite,postgres): draining a
 *   100,000-event backlog (`BENCH_BACKLOG`) from a real agent to a real hub until every event is acked:
 *   events/s, duplicates, peak RSS of both processes; against that engine's raw batched insert ceiling
 *   (engines.ts) measured in the same run, as a ratio (goal ≥ 0.5). PostgreSQL gets a database of its own,
 *   dropped afterwards, and is skipped with a line saying so when the server cannot be reached.
 * `BENCH_HUB_MAIN=<another build's central-hub/dist/main.js>` drains into that build (an earlier commit;
 * SQLite only unless BENCH_ENGINES says otherwise).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TestSystem } from '../support/system';
import { repoRoot, waitUntil } from '../support/processes';
import { CEILING_METHOD, benchEngines, postgresUnreachable, rawCeiling, rawSqliteCeiling, type HubEngine } from './engines';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const DURABLE_SAMPLE = Number(process.env.BENCH_DURABLE_SAMPLE ?? 2_000);
const BATCH = 1000;
const HUB_MAIN = process.env.BENCH_HUB_MAIN || undefined;
const ENGINES = benchEngines(HUB_MAIN ? ['sqlite'] : undefined);

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

function outboxTool(system: TestSystem, args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, [path.join(repoRoot, 'edge-agent/dist/tools/outbox-tool.js'), ...args, '--data-dir', system.agentDataDir], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' },
  });
  return performance.now() - started;
}

function peakRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kib / 1024);
  } catch {
    return NaN;
  }
}

/** The agent's durable enqueue, one event per commit, against raw SQLite doing the same. */
function durableEnqueue(system: TestSystem): void {
  // The tool's own start-up is measured with `stats` and taken off.
  const startup = outboxTool(system, ['stats']);
  const enqueueMs = outboxTool(system, ['enqueue-synthetic', '--count', String(DURABLE_SAMPLE)]) - startup;
  const durableRate = rate(DURABLE_SAMPLE, enqueueMs);
  const rawDurable = rawSqliteCeiling(DURABLE_SAMPLE, 1);
  console.log(`outbox durable enqueue: ${durableRate} events/s (one commit each, synchronous=FULL)`);
  console.log(`raw SQLite, one row per commit: ${rawDurable} rows/s  → outbox/raw ratio ${(durableRate / rawDurable).toFixed(2)}`);
}

interface DrainFigures {
  engine: HubEngine;
  drainRate: number;
  ceiling: number;
}

/**
 * One agent's backlog of BACKLOG events drained into a hub storing on `engine`, agent start to last
 * ack, then the engine's raw ceiling; `first` also measures the agent's durable enqueue on the way.
 */
async function drain(engine: HubEngine, first: boolean): Promise<DrainFigures> {
  const system = new TestSystem(engine);
  try {
    await system.startHub({}, HUB_MAIN);
    await system.startAgent();
    const { kioskId } = system.identity();
    await system.agent?.stop();
    if (first) durableEnqueue(system);

    const remaining = BACKLOG - system.outboxStats().backlog;
    outboxTool(system, ['enqueue-synthetic', '--count', String(remaining), '--per-transaction', String(BATCH)]);
    const { lastSeq, backlog } = system.outboxStats();
    const started = performance.now();
    const agent = await system.startAgent({ AGENT_BATCH_SIZE: String(BATCH) });
    // Only the kiosk's acked-through seq is polled (one indexed row), so the poll costs the hub little.
    const ackedThrough = async () => (await system.hubRecords.value<number>('SELECT acked_through_seq FROM kiosks WHERE kiosk_id = ?', kioskId)) ?? 0;
    await waitUntil('the backlog is drained', async () => (await ackedThrough()) >= lastSeq + 1, 600_000, 50);
    const drainMs = performance.now() - started;
    const hubRss = system.hub ? peakRssMiB(system.hub.pid) : NaN;
    const agentRss = peakRssMiB(agent.pid);
    const stored = await system.storedEvents(kioskId);
    await system.agent?.stop();
    await system.hub?.stop();
    const drainRate = rate(backlog, drainMs);
    const ceiling = await rawCeiling(engine, BACKLOG, BATCH);
    console.log(`[${engine}] drain of ${backlog} events to the hub (agent start → all acked): ${drainRate} events/s in ${(drainMs / 1000).toFixed(1)} s`);
    console.log(`[${engine}] stored rows ${stored.rows}, distinct ids ${stored.distinctIds}, duplicates ${stored.rows - stored.distinctIds}, acked through seq ${stored.ackedThroughSeq}`);
    console.log(`[${engine}] peak RSS: agent ${agentRss} MiB, hub ${hubRss} MiB`);
    console.log(`[${engine}] raw ceiling (${CEILING_METHOD[engine]}; ${BATCH} rows per transaction, events' columns and unique keys): ${ceiling} rows/s`);
    console.log(`[${engine}] → drain/raw ratio ${(drainRate / ceiling).toFixed(2)} (goal ≥ 0.5); drain ≥ 5000 events/s with 0 duplicates: ${drainRate >= 5000 && stored.rows === stored.distinctIds ? 'met' : 'NOT met'}`);
    return { engine, drainRate, ceiling };
  } finally {
    await system.close();
  }
}

async function main(): Promise<void> {
  if (HUB_MAIN) console.log(`hub build: ${HUB_MAIN}`);
  const figures: DrainFigures[] = [];
  for (const [index, engine] of ENGINES.entries()) {
    if (engine === 'postgres') {
      const unreachable = await postgresUnreachable();
      if (unreachable) {
        console.log(`[postgres] skipped: ${unreachable}`);
        continue;
      }
    }
    figures.push(await drain(engine, index === 0));
  }
  if (figures.length > 1) {
    console.log(
      `drain/raw by engine: ${figures.map(({ engine, drainRate, ceiling }) => `${engine} ${(drainRate / ceiling).toFixed(2)} (${drainRate} of ${ceiling}/s)`).join('; ')}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
