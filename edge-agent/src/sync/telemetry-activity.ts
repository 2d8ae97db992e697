import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ACTIVITY_WINDOW_SECONDS, type KioskActivity } from '@kiosk/protocols';
import type { DocumentPrinter, ReceiptPrinter } from '@kiosk/devices';
import type { KioskDrivers } from '../hardware/kiosk-drivers';
import type { Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';

export type ActivityKind = 'cardReads' | 'receiptPrints' | 'documentPrints' | 'transactions';
const KINDS: readonly ActivityKind[] = ['cardReads', 'receiptPrints', 'documentPrints', 'transactions'];

/**
 * Counts of what happened within the last `windowMs` (a rolling hour), from instants recorded as things
 * happen. In memory: after a restart the counts start again from that moment. Bounded per kind (a
 * kiosk does not read 100,000 cards an hour; beyond that the oldest instants go).
 */
export class ActivityWindow {
  private readonly instants = new Map<ActivityKind, number[]>(KINDS.map((kind) => [kind, []]));

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
    for (const kind of KINDS) {
      const list = this.instants.get(kind) as number[];
      const firstInside = list.findIndex((at) => at > from);
      list.splice(0, firstInside === -1 ? list.length : firstInside);
      result[kind] = list.filter((at) => at <= nowMs).length;
    }
    return result;
  }
}

const CashBoxFileSchema = z.strictObject({ coins: z.int().nonnegative(), valueYen: z.int().nonnegative() });
export type CashBoxTally = z.infer<typeof CashBoxFileSchema>;

/**
 * Coins in the cash box and their value, kept in a small file beside the agent's database so a restart
 * does not forget them (written whole and renamed into place: never half-written). Counted from the
 * coin acceptor's credits since the file was created; there is no "cash box emptied" signal yet, so a
 * technician's emptying does not reset it.
 */
export class CashBoxCounter {
  private tally: CashBoxTally;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    this.tally = this.load();
  }

  add(coinYen: number): void {
    this.tally = { coins: this.tally.coins + 1, valueYen: this.tally.valueYen + coinYen };
    try {
      writeFileSync(`${this.file}.tmp`, `${JSON.stringify(this.tally)}\n`, { mode: 0o600 });
      renameSync(`${this.file}.tmp`, this.file);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not save the cash box count');
    }
  }

  current(): CashBoxTally {
    return { ...this.tally };
  }

  private load(): CashBoxTally {
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
  /** Counts each session begun (a session is the kiosk's transaction). */
  observeSessions(sessions: KioskSessions): void;
  snapshot(): KioskActivity;
  stop(): void;
}

/**
 * Watches what the agent already sees: card insertions in the selected reader, print jobs the printers
 * confirmed, sessions begun, coins credited. Printers are counted by swapping `drivers`' printers for
 * counting wrappers, so call this before anything takes a printer from `drivers`.
 */
export function observeActivity(deps: { drivers: KioskDrivers; cashBoxFile: string; nowMs: () => number; logger: Logger }): ActivityMonitor {
  const { drivers, nowMs } = deps;
  const window = new ActivityWindow();
  const record = (kind: ActivityKind) => () => window.record(kind, nowMs());
  if (drivers.receiptPrinter) drivers.receiptPrinter = countingPrinter(drivers.receiptPrinter, 'print', record('receiptPrints'));
  if (drivers.documentPrinter) drivers.documentPrinter = countingPrinter(drivers.documentPrinter, 'printPdf', record('documentPrints'));
  const cashBox = drivers.coinAcceptor ? new CashBoxCounter(deps.cashBoxFile, deps.logger) : null;
  const onCardInserted = ({ selected }: { selected: boolean }): void => {
    if (selected) window.record('cardReads', nowMs());
  };
  drivers.cardReader?.on('card-inserted', onCardInserted);
  const stops: Array<() => void> = [() => drivers.cardReader?.off('card-inserted', onCardInserted)];
  const stopCredits = drivers.coinAcceptor?.onCredit((credit) => cashBox?.add(credit.coinYen));
  if (stopCredits) stops.push(stopCredits);
  return {
    observeSessions(sessions) {
      let lastSessionId: string | null = null;
      stops.push(
        sessions.onChange((session) => {
          if (session !== null && session.sessionId !== lastSessionId) window.record('transactions', nowMs());
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
