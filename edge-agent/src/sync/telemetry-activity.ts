import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ACTIVITY_WINDOW_SECONDS, type KioskActivity } from '@kiosk/protocols';
import type { DocumentPrinter, ReceiptPrinter } from '@kiosk/devices';
import type { KioskDrivers } from '../hardware/kiosk-drivers';
import type { Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';
import { ACTIVITY_KINDS, type ActivityInstants, type ActivityKind } from './activity-store';

export type { ActivityKind };

/**
 * Counts of what happened within the last `windowMs` (a rolling hour), from instants recorded as things
 * happen. Kept in memory for the counts; `observeActivity` also writes each instant to the agent's
 * database and restores the last hour from it at start, so a restart does not zero the counts. Bounded
 * per kind (a kiosk does not read 100,000 cards an hour; beyond that the oldest instants go).
 */
export class ActivityWindow {
  private readonly instants = new Map<ActivityKind, number[]>(ACTIVITY_KINDS.map((kind) => [kind, []]));

  constructor(
    readonly windowMs: number = ACTIVITY_WINDOW_SECONDS * 1000,
    private readonly maxPerKind = 100_000,
  ) {}

  record(kind: ActivityKind, atMs: number): void {
    const list = this.instants.get(kind) as number[];
    list.push(atMs);
    if (list.length > this.maxPerKind) list.splice(0, list.length - this.maxPerKind);
  }

  counts(nowMs: number): Record<ActivityKind, number> {
    const from = nowMs - this.windowMs;
    const result = {} as Record<ActivityKind, number>;
    for (const kind of ACTIVITY_KINDS) {
      const list = this.instants.get(kind) as number[];
      const firstInside = list.findIndex((at) => at > from);
      list.splice(0, firstInside === -1 ? list.length : firstInside);
      result[kind] = list.filter((at) => at <= nowMs).length;
    }
    return result;
  }
}

const TallySchema = z.strictObject({ coins: z.int().nonnegative(), valueYen: z.int().nonnegative() });
export type CashBoxTally = z.infer<typeof TallySchema>;
/** The file: the tally, and the last emptying (so a `cash.collected` interrupted by a crash is not applied twice). */
const CashBoxFileSchema = TallySchema.extend({
  lastCollection: z.strictObject({ commandId: z.string().min(1), recorded: TallySchema }).optional(),
});
type CashBoxFile = z.infer<typeof CashBoxFileSchema>;

/**
 * Coins in the cash box and their value, kept in a small file beside the agent's database so a restart
 * does not forget them (written whole and renamed into place: never half-written). Counted from the
 * coin acceptor's credits since the last `cash.collected` command (a technician emptied the box).
 */
export class CashBoxCounter {
  private state: CashBoxFile;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    this.state = this.load();
  }

  add(coinYen: number): void {
    this.state = { ...this.state, coins: this.state.coins + 1, valueYen: this.state.valueYen + coinYen };
    try {
      this.save(this.state);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not save the cash box count');
    }
  }

  current(): CashBoxTally {
    return { coins: this.state.coins, valueYen: this.state.valueYen };
  }

  /**
   * The box was emptied (command `commandId`): returns what had been counted and starts again from zero,
   * saved before returning (throws, changing nothing, when it cannot be saved). The same command again
   * returns the first answer without resetting a second time.
   */
  collect(commandId: string): CashBoxTally {
    const last = this.collectedBy(commandId);
    if (last) return last;
    const recorded = this.current();
    const next: CashBoxFile = { coins: 0, valueYen: 0, lastCollection: { commandId, recorded } };
    this.save(next);
    this.state = next;
    return { ...recorded };
  }

  /** What command `commandId` recorded, if it is the emptying this count started from. */
  collectedBy(commandId: string): CashBoxTally | null {
    const last = this.state.lastCollection;
    return last?.commandId === commandId ? { ...last.recorded } : null;
  }

  private save(content: CashBoxFile): void {
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify(content)}\n`, { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }

  private load(): CashBoxFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return { coins: 0, valueYen: 0 };
    }
    try {
      return CashBoxFileSchema.parse(JSON.parse(text));
    } catch {
      this.logger.warn({ file: this.file }, 'cash box count file unreadable; counting from zero');
      return { coins: 0, valueYen: 0 };
    }
  }
}

/** The same printer, counting each job it confirms (test pages go through the registry, not here). */
function countingPrinter<P extends ReceiptPrinter | DocumentPrinter>(printer: P, method: 'print' | 'printPdf', onPrinted: () => void): P {
  return new Proxy(printer, {
    get(target, property): unknown {
      if (property === method) {
        return async (...args: unknown[]): Promise<unknown> => {
          const print = Reflect.get(target, method, target) as (...a: unknown[]) => Promise<unknown>;
          const result = await print.apply(target, args);
          onPrinted();
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface ActivityMonitor {
  /** The cash box count (`cash.collected` resets it); null without a coin acceptor. */
  readonly cashBox: CashBoxCounter | null;
  /** Counts each session begun (a session is the kiosk's transaction). */
  observeSessions(sessions: KioskSessions): void;
  snapshot(): KioskActivity;
  stop(): void;
}

/**
 * Watches what the agent already sees: card insertions in the selected reader, print jobs the printers
 * confirmed, sessions begun, coins credited. Printers are counted by swapping `drivers`' printers for
 * counting wrappers, so call this before anything takes a printer from `drivers`. With `instants`, each
 * instant is also written to the agent's database (older than the window pruned) and the last hour is
 * restored from it here, so the counts survive a restart.
 */
export function observeActivity(deps: {
  drivers: KioskDrivers;
  cashBoxFile: string;
  instants?: ActivityInstants;
  nowMs: () => number;
  logger: Logger;
}): ActivityMonitor {
  const { drivers, nowMs, instants, logger } = deps;
  const window = new ActivityWindow();
  if (instants) {
    try {
      const from = nowMs() - window.windowMs;
      instants.pruneUpTo(from);
      for (const instant of instants.after(from)) window.record(instant.kind, instant.atMs);
    } catch (error) {
      logger.warn({ err: error }, 'could not restore the activity counts; counting from now');
    }
  }
  const recordNow = (kind: ActivityKind): void => {
    const atMs = nowMs();
    window.record(kind, atMs);
    if (!instants) return;
    try {
      instants.pruneUpTo(atMs - window.windowMs);
      instants.record({ kind, atMs });
    } catch (error) {
      // A count is telemetry, not money: losing one across a restart is better than failing the print.
      logger.warn({ err: error, kind }, 'could not save an activity instant');
    }
  };
  const record = (kind: ActivityKind) => () => recordNow(kind);
  if (drivers.receiptPrinter) drivers.receiptPrinter = countingPrinter(drivers.receiptPrinter, 'print', record('receiptPrints'));
  if (drivers.documentPrinter) drivers.documentPrinter = countingPrinter(drivers.documentPrinter, 'printPdf', record('documentPrints'));
  const cashBox = drivers.coinAcceptor ? new CashBoxCounter(deps.cashBoxFile, logger) : null;
  const onCardInserted = ({ selected }: { selected: boolean }): void => {
    if (selected) recordNow('cardReads');
  };
  drivers.cardReader?.on('card-inserted', onCardInserted);
  const stops: Array<() => void> = [() => drivers.cardReader?.off('card-inserted', onCardInserted)];
  const stopCredits = drivers.coinAcceptor?.onCredit((credit) => cashBox?.add(credit.coinYen));
  if (stopCredits) stops.push(stopCredits);
  return {
    cashBox,
    observeSessions(sessions) {
      let lastSessionId: string | null = null;
      stops.push(
        sessions.onChange((session) => {
          if (session !== null && session.sessionId !== lastSessionId) recordNow('transactions');
          lastSessionId = session?.sessionId ?? null;
        }),
      );
    },
    snapshot() {
      return { windowSeconds: window.windowMs / 1000, ...window.counts(nowMs()), cashBox: cashBox?.current() ?? null };
    },
    stop() {
      for (const stop of stops.splice(0)) stop();
    },
  };
}
