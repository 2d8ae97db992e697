/**
 * The lottery runner (lottery/lottery-flow.ts) wired as start-lottery.ts wires it, with fakes only where
 * a device or the hub would be: the real agent store on a temporary SQLite file (outbox, lottery cache as
 * a repository on it), the real sessions, agent state, PIN entry and barcode input; the fake receipt
 * printer and card reader behind the real contracts (fake-devices.ts), a scripted hub behind `LotteryHub`
 * (scripted-lottery-hub.ts) and the manual clock. A whole path takes milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { LotteryUiState } from '@kiosk/protocols';
import { BarcodeInput } from '../../src/input/barcode-input';
import { PinEntry } from '../../src/input/pin-entry';
import { LotteryCache } from '../../src/lottery/lottery-cache';
import { LotteryFlow } from '../../src/lottery/lottery-flow';
import { DeviceRegistry } from '../../src/hardware/device-manager';
import { KioskSessions } from '../../src/server/kiosk-sessions';
import { AgentState } from '../../src/status/agent-state';
import { AgentStore } from '../../src/store/agent-store';
import { FakeCardReader, FakeReceiptPrinter } from './fake-devices';
import { KIOSK_ID, ManualClock } from './runner-kiosk';
import { ScriptedLotteryHub } from './scripted-lottery-hub';

/** 10:00 JST on 5 December 2026: the February tennis round's entry window is open. */
export const IN_ENTRY_WINDOW = new Date('2026-12-05T01:00:00.000Z');
export const USER = '10000008';
export const USER_PIN = '1234';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface LotteryKiosk {
  clock: ManualClock;
  hub: ScriptedLotteryHub;
  receipts: FakeReceiptPrinter;
  reader: FakeCardReader;
  state: AgentState;
  sessions: KioskSessions;
  store: AgentStore;
  pinEntry: PinEntry;
  barcodes: BarcodeInput;
  flow: LotteryFlow;
  /** The screen's state, as pushed last. */
  ui(): LotteryUiState;
  close(): Promise<void>;
}

export function openLotteryKiosk(): LotteryKiosk {
  const dir = mkdtempSync(path.join(tmpdir(), 'lottery-runner-'));
  const clock = new ManualClock(IN_ENTRY_WINDOW);
  const hub = new ScriptedLotteryHub(clock);
  hub.knowUser(USER, USER_PIN);
  const receipts = new FakeReceiptPrinter(clock);
  const reader = new FakeCardReader(clock);
  const registry = new DeviceRegistry();
  registry.register(receipts);
  const state = new AgentState(KIOSK_ID, registry, { outOfService: false });
  state.setHubConnected(true, clock.now());
  const sessions = new KioskSessions(state, clock, logger);
  const store = AgentStore.open(path.join(dir, 'agent.sqlite'), KIOSK_ID, clock);
  const pinEntry = new PinEntry();
  const barcodes = new BarcodeInput(() => clock.now(), logger);
  const flow = new LotteryFlow({
    municipality: '豊中市',
    hub,
    cache: store.repository((db) => new LotteryCache(db, store.outbox)),
    outbox: store.outbox,
    pinEntry,
    barcodes,
    sessions,
    receiptPrinter: () => receipts,
    cardReader: reader,
    clock,
    logger,
  });
  let last = flow.uiState();
  flow.onState((state) => (last = state));
  flow.start();
  return {
    clock,
    hub,
    receipts,
    reader,
    state,
    sessions,
    store,
    pinEntry,
    barcodes,
    flow,
    ui: () => last,
    close: () => {
      flow.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
