/**
 * `npm run bench`: figures for the spine, printed, never asserted.
 * - the outbox's durable enqueue rate (one event per transaction, synchronous=FULL) against raw SQLite
 *   doing the same, as a ratio;
 * - draining a 100,000-event backlog from a real agent to a real hub until every event is acked:
 *   events/s, duplicates, peak RSS of both processes; against raw SQLite inserting the same rows in
 *   batches, as the ceiling.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestSystem } from '../support/system';
import { repoRoot, waitUntil } from '../support/processes';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const DURABLE_SAMPLE = Number(process.env.BENCH_DURABLE_SAMPLE ?? 2_000);

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

function rawSqlite(rows: number, perTransaction: number): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-raw-'));
  const db = new Database(path.join(dir, 'raw.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT UNIQUE, type TEXT, occurred_at TEXT, payload_json TEXT)');
    const insert = db.prepare('INSERT INTO events (event_id, type, occurred_at, payload_json) VALUES (?, ?, ?, ?)');
    const payload = JSON.stringify({ deviceId: 'synthetic-load', kind: 'receipt-printer', status: 'ok', reasons: [], since: new Date().toISOString() });
    const batch = db.transaction((count: number) => {
      for (let i = 0; i < count; i++) insert.run(randomUUID(), 'device.health.changed', new Date().toISOString(), payload);
    });
    const started = performance.now();
    for (let done = 0; done < rows; done += perTransaction) batch(Math.min(perTransaction, rows - done));
    return rate(rows, performance.now() - started);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function timeTool(system: TestSystem, args: string[]): number {
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

async function main(): Promise<void> {
  const system = new TestSystem();
  try {
    await system.startHub();
    await system.startAgent();
    const { kioskId } = system.identity();
    await system.agent?.stop();

    // 1. Durable enqueue: the tool's own start-up is measured with `stats` and taken off.
    const startup = timeTool(system, ['stats']);
    const enqueueMs = timeTool(system, ['enqueue-synthetic', '--count', String(DURABLE_SAMPLE)]) - startup;
    const durableRate = rate(DURABLE_SAMPLE, enqueueMs);
    const rawDurable = rawSqlite(DURABLE_SAMPLE, 1);
    console.log(`outbox durable enqueue: ${durableRate} events/s (one commit each, synchronous=FULL)`);
    console.log(`raw SQLite, one row per commit: ${rawDurable} rows/s  → outbox/raw ratio ${(durableRate / rawDurable).toFixed(2)}`);

    // 2. Drain a backlog of BACKLOG events end to end.
    const remaining = BACKLOG - system.outboxStats().backlog;
    execFileSync(process.execPath, [path.join(repoRoot, 'edge-agent/dist/tools/outbox-tool.js'), 'enqueue-synthetic', '--count', String(remaining), '--per-transaction', '1000', '--data-dir', system.agentDataDir], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' },
    });
    const { lastSeq, backlog } = system.outboxStats();
    const started = performance.now();
    const agent = await system.startAgent({ AGENT_BATCH_SIZE: '1000' });
    await waitUntil('the backlog is drained', async () => (await system.storedEvents(kioskId)).ackedThroughSeq >= lastSeq + 1, 600_000, 50);
    const drainMs = performance.now() - started;
    const stored = await system.storedEvents(kioskId);
    const drainRate = rate(backlog, drainMs);
    const rawBatched = rawSqlite(BACKLOG, 1000);
    const hubRss = system.hub ? peakRssMiB(system.hub.pid) : NaN;
    const agentRss = peakRssMiB(agent.pid);
    console.log(`drain of ${backlog} events to the hub (agent start → all acked): ${drainRate} events/s in ${(drainMs / 1000).toFixed(1)} s`);
    console.log(`stored rows ${stored.rows}, distinct ids ${stored.distinctIds}, duplicates ${stored.rows - stored.distinctIds}, acked through seq ${stored.ackedThroughSeq}`);
    console.log(`peak RSS: agent ${agentRss} MiB, hub ${hubRss} MiB`);
    console.log(`raw SQLite, 1000 rows per commit: ${rawBatched} rows/s  → drain/raw ratio ${(drainRate / rawBatched).toFixed(2)}`);
    console.log(`target: drain ≥ 5000 events/s with 0 duplicates → ${drainRate >= 5000 && stored.rows === stored.distinctIds ? 'met' : 'NOT met'}`);
  } finally {
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
