/**
 * Operator and test tool over the agent's outbox, through the same Outbox class the agent uses (so the
 * same seq counter, validation and durability). Safe to run while the agent runs: SQLite serialises the
 * two writers and the agent notices new rows within its poll interval.
 *
 *   node edge-agent/dist/tools/outbox-tool.js stats --data-dir DIR
 *   node edge-agent/dist/tools/outbox-tool.js enqueue-synthetic --data-dir DIR --count N [--kiosk-id ID] [--per-transaction K]
 *   node edge-agent/dist/tools/outbox-tool.js dead --data-dir DIR
 *   node edge-agent/dist/tools/outbox-tool.js requeue-dead --data-dir DIR --seq N
 *
 * Prints one JSON line on stdout; errors go to stderr with exit code 2 (usage) or 1 (anything else).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NewOutboxEvent } from '@kiosk/protocols';
import { systemClock } from '../clock';
import { IdentityFile } from '../identity/identity-file';
import { repoRoot } from '../paths';
import { AgentStore } from '../store/agent-store';
import { parseToolArgs, USAGE, UsageError, type ToolCommand } from './tool-args';

/** Placeholder id for read-only commands on a store whose kiosk never enrolled; never written anywhere. */
const UNENROLLED = 'unenrolled-kiosk';

export function runTool(command: ToolCommand): unknown {
  const databaseFile = path.join(command.dataDir, 'agent.sqlite');
  const identity = new IdentityFile(path.join(command.dataDir, 'identity.json')).load();
  if (command.command !== 'enqueue-synthetic' && !existsSync(databaseFile)) {
    throw new Error(`no agent database at ${databaseFile}`);
  }
  let kioskId = identity?.kioskId ?? UNENROLLED;
  if (command.command === 'enqueue-synthetic') {
    const chosen = command.kioskId ?? identity?.kioskId;
    if (chosen === undefined) throw new UsageError(`no identity.json in ${command.dataDir}: pass --kiosk-id`);
    kioskId = chosen;
  }
  const store = AgentStore.open(databaseFile, kioskId, systemClock);
  try {
    switch (command.command) {
      case 'stats':
        return store.outbox.stats();
      case 'dead':
        return { dead: store.outbox.listDead() };
      case 'requeue-dead':
        return { seq: command.seq, requeued: store.outbox.requeueDead(command.seq) };
      case 'enqueue-synthetic': {
        let firstSeq = 0;
        let lastSeq = 0;
        for (let done = 0; done < command.count; ) {
          const size = Math.min(command.perTransaction, command.count - done);
          const stored = store.outbox.enqueueAll(Array.from({ length: size }, () => syntheticEvent()));
          if (firstSeq === 0) firstSeq = stored[0]?.seq ?? 0;
          lastSeq = stored[stored.length - 1]?.seq ?? lastSeq;
          done += size;
        }
        return { enqueued: command.count, firstSeq, lastSeq };
      }
    }
  } finally {
    store.close();
  }
}

function syntheticEvent(): NewOutboxEvent {
  return {
    type: 'device.health.changed',
    payload: { deviceId: 'synthetic-load', kind: 'receipt-printer', status: 'ok', reasons: [], since: new Date().toISOString() },
  };
}

function main(): void {
  let command: ToolCommand;
  try {
    command = parseToolArgs(process.argv.slice(2), process.env, repoRoot);
  } catch (error) {
    process.stderr.write(`outbox-tool: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(`${JSON.stringify(runTool(command))}\n`);
  } catch (error) {
    process.stderr.write(`outbox-tool: ${(error as Error).message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

if (require.main === module) main();
