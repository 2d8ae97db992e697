import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { ReceiptPrinter } from '@kiosk/devices';
import type { KioskDrivers } from '../hardware/kiosk-drivers';
import { AgentStore } from '../store/agent-store';
import { ActivityInstants } from './activity-store';
import { observeActivity } from './telemetry-activity';

const HOUR = 3_600_000;

/** Only what observeActivity touches: a receipt printer that confirms every job. */
function driversWithReceiptPrinter(): KioskDrivers {
  const receiptPrinter = { print: () => Promise.resolve() } as Partial<ReceiptPrinter> as ReceiptPrinter;
  return {
    cardReader: null,
    receiptPrinter,
    documentPrinter: null,
    coinAcceptor: null,
    coinDispenser: null,
    barcodeScanner: null,
    pinPad: null,
    managed: [],
    stop: () => Promise.resolve(),
  };
}

describe('activity counts across a restart (the agent store reopened)', () => {
  const logger = pino({ level: 'silent' });
  let dir: string;
  let nowMs = 10 * HOUR;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'activity-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function open(): { store: AgentStore; drivers: KioskDrivers; monitor: ReturnType<typeof observeActivity> } {
    const store = AgentStore.open(path.join(dir, 'agent.db'), 'kiosk-activity', { now: () => new Date(nowMs) });
    const drivers = driversWithReceiptPrinter();
    const monitor = observeActivity({
      drivers,
      cashBoxFile: path.join(dir, 'cash-box.json'),
      instants: store.repository((db) => new ActivityInstants(db)),
      nowMs: () => nowMs,
      logger,
    });
    return { store, drivers, monitor };
  }

  it('reports the last hour counted before the restart, and forgets what fell out of the hour', async () => {
    const first = open();
    await first.drivers.receiptPrinter?.print({ lines: [{ text: 'A' }] });
    nowMs += 30 * 60_000;
    await first.drivers.receiptPrinter?.print({ lines: [{ text: 'B' }] });
    expect(first.monitor.snapshot().receiptPrints).toBe(2);
    first.monitor.stop();
    first.store.close();

    nowMs += 10 * 60_000;
    const second = open();
    expect(second.monitor.snapshot()).toMatchObject({ receiptPrints: 2, cardReads: 0, transactions: 0, cashBox: null });
    second.monitor.stop();
    second.store.close();

    // 70 minutes after the first print, 40 after the second: only the second is in the hour.
    nowMs += 30 * 60_000;
    const third = open();
    expect(third.monitor.snapshot().receiptPrints).toBe(1);
    const left = third.store.repository((db) => new ActivityInstants(db)).after(0);
    expect(left).toEqual([{ kind: 'receiptPrints', atMs: 10 * HOUR + 30 * 60_000 }]);
    third.monitor.stop();
    third.store.close();
  });
});
