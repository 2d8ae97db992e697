import path from 'node:path';

export type ToolCommand =
  | { command: 'stats'; dataDir: string }
  | { command: 'enqueue-synthetic'; dataDir: string; count: number; perTransaction: number; kioskId: string | null }
  | { command: 'dead'; dataDir: string }
  | { command: 'requeue-dead'; dataDir: string; seq: number };

export class UsageError extends Error {
  readonly code = 'usage';
}

export const USAGE = `usage: outbox-tool <command> [options]
  stats              --data-dir DIR                      outbox backlog, oldest event, last seq, quarantined count
  enqueue-synthetic  --data-dir DIR --count N [--kiosk-id ID] [--per-transaction K]
                                                         enqueue N device.health.changed events (device "synthetic-load"),
                                                         one commit each unless K > 1
  dead               --data-dir DIR                      list events quarantined after the hub refused them
  requeue-dead       --data-dir DIR --seq N              put quarantined event N back in the send path
--data-dir defaults to $AGENT_DATA_DIR, else <repo>/data/agent.`;

const VALUE_FLAGS = new Set(['--data-dir', '--count', '--kiosk-id', '--per-transaction', '--seq']);

/** Pure: argv (after the script) and environment in, a checked command out, or a UsageError. */
export function parseToolArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, repoRoot: string): ToolCommand {
  const [command, ...rest] = argv;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i] ?? '';
    const value = rest[i + 1];
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option "${flag}"`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    flags.set(flag, value);
  }
  const dataDir = path.resolve(flags.get('--data-dir') ?? env.AGENT_DATA_DIR ?? path.join(repoRoot, 'data', 'agent'));
  const positive = (flag: string, fallback?: number): number => {
    const raw = flags.get(flag);
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw new UsageError(`${flag} is required`);
    }
    if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new UsageError(`${flag} must be a positive integer`);
    return Number(raw);
  };
  switch (command) {
    case 'stats':
    case 'dead':
      return { command, dataDir };
    case 'enqueue-synthetic':
      return {
        command,
        dataDir,
        count: positive('--count'),
        perTransaction: positive('--per-transaction', 1),
        kioskId: flags.get('--kiosk-id') ?? null,
      };
    case 'requeue-dead':
      return { command, dataDir, seq: positive('--seq') };
    default:
      throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  }
}
