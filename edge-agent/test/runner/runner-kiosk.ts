/**
 * The certificate runner (certificates/certificate-flow.ts) wired as agent.ts wires it, with fakes only
 * where a device or the hub would be: the real agent store on a temporary SQLite file (outbox, ledger,
 * cash desk in one commit), the real sessions, agent state, device services (coin gate, PIN entry) and
 * device registry; fake drivers behind the real contracts (fake-devices.ts), a scripted hub behind
 * `CertificateHub` (scripted-hub.ts) and a manual clock whose `wait` moves time instead of sleeping.
 * Everything runs in microtasks and immediate turns: a whole flow takes milliseconds.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { VirtualJpkiCard } from '@kiosk/devices/virtual';
import type { CardAuthFailureReason, CertificateOrder, CertificateScreen } from '@kiosk/protocols';
import { CertificateCashPolicy } from '../../src/certificates/cash-policy';
import { CertificateFlow } from '../../src/certificates/certificate-flow';
import { noCertificateChaos, type CertificateFlowOptions } from '../../src/certificates/certificate-flow-deps';
import { openCertificateCash } from '../../src/certificates/start-certificates';
import type { CertificateTransactions } from '../../src/certificates/transaction-store';
import type { Clock } from '../../src/clock';
import { DeviceRegistry } from '../../src/hardware/device-manager';
import { startDeviceServices } from '../../src/hardware/device-services';
import { KioskSessions } from '../../src/server/kiosk-sessions';
import { AgentState } from '../../src/status/agent-state';
import { AgentStore } from '../../src/store/agent-store';
import { FakeCardReader, FakeCoinAcceptor, FakeDocumentPrinter, FakeHoppers, FakeReceiptPrinter, myNumberCard } from './fake-devices';
import { ScriptedHub } from './scripted-hub';

export const KIOSK_ID = '0193a0b0-0000-7000-8000-0000000000aa';
/** 12:00 JST on a weekday in December: open. */
export const NOON_JST = new Date('2026-12-07T03:00:00.000Z');
/** 23:00 JST that day: closing time. */
export const CLOSING_JST = new Date('2026-12-07T14:00:00.000Z');
export const PIN = '4711';
export const RESIDENCE_X1: CertificateOrder = { options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: false }, copies: 1 };
export const RESIDENCE_X2: CertificateOrder = { ...RESIDENCE_X1, copies: 2 };

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** "Now" that moves only when the test (or an injected wait) moves it. */
export class ManualClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date): void {
    this.at = new Date(at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** One key pair for every card of a test file (an RSA key takes a while to make; signing is what matters). */
let cardKey: { privateKey: KeyObject; publicKey: KeyObject } | null = null;

/** A DER SEQUENCE standing in for the user-authentication certificate: the card stack reads bytes. */
function certificateBytes(): Buffer {
  const body = randomBytes(600);
  return Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
}

export interface RunnerKioskOptions {
  at?: Date;
  flow?: Partial<CertificateFlowOptions>;
}

/** The devices, hub and clock a test plays (`Parts`), and the agent parts it looks at. */
export interface RunnerKiosk extends Parts {
  state: AgentState;
  sessions: KioskSessions;
  store: AgentStore;
  transactions: CertificateTransactions;
  flow: CertificateFlow;
  /** Every screen the flow published, in order. */
  screens: CertificateScreen[];
  /** Stops the flow and the device services, closes the database, removes the files. */
  close(): Promise<void>;
  /** Restarts the agent on the same database file and devices (the previous runner stopped first). */
  restart(): Promise<RunnerKiosk>;
}

/** Builds a certificate kiosk as agent.ts does, on fakes; `start` settles what an earlier run left. */
export async function openRunnerKiosk(options: RunnerKioskOptions = {}, reuse?: { dir: string; parts: Parts }): Promise<RunnerKiosk> {
  const dir = reuse?.dir ?? mkdtempSync(path.join(tmpdir(), 'certificate-runner-'));
  const parts = reuse?.parts ?? newParts(options.at ?? NOON_JST);
  const { clock, reader, acceptor, hoppers, printer, receipts, hub } = parts;
  const registry = new DeviceRegistry();
  for (const device of [reader, acceptor, hoppers, printer, receipts]) registry.register(device);
  const state = new AgentState(KIOSK_ID, registry, { outOfService: false });
  state.setHubConnected(hub.up, clock.now());
  const sessions = new KioskSessions(state, clock, logger);
  const store = AgentStore.open(path.join(dir, 'agent.sqlite'), KIOSK_ID, clock);
  const cashPolicy = new CertificateCashPolicy();
  const cash = openCertificateCash({
    store,
    cashPolicy,
    activeSession: () => sessions.current()?.sessionId ?? null,
    chaos: { coinCommitted: () => undefined, moneyStep: () => undefined },
    clock,
    logger,
  });
  const services = await startDeviceServices({
    cashPolicy,
    cashDesk: cash.desk,
    drivers: { cardReader: reader, coinAcceptor: acceptor, coinDispenser: hoppers, documentPrinter: printer, receiptPrinter: receipts, barcodeScanner: null, pinPad: null, managed: registry.list(), stop: () => Promise.resolve() },
    sessions,
    state,
    now: () => clock.now(),
    logger,
  });
  const flow = new CertificateFlow({
    kioskId: KIOSK_ID,
    sessions,
    state,
    deviceHealth: () => registry.health(),
    drivers: { cardReader: reader, coinAcceptor: acceptor, coinDispenser: hoppers, documentPrinter: printer, receiptPrinter: receipts },
    pinEntry: services.pinEntry,
    hub,
    transactions: cash.transactions,
    cashDesk: cash.desk,
    outbox: store.outbox,
    cashPolicy,
    printJobs: null,
    chaos: noCertificateChaos,
    clock,
    // Time passes only when the runner waits: a 60 s retry window takes no real time.
    wait: (ms) => {
      clock.advance(ms);
      return Promise.resolve();
    },
    logger,
    options: options.flow ?? {},
  });
  const screens: CertificateScreen[] = [];
  flow.onView((view) => {
    if (screens.at(-1) !== view.screen) screens.push(view.screen);
  });
  flow.start();
  let closed = false;
  const stop = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await flow.stop();
    await services.stop();
    store.close();
  };
  return {
    ...parts,
    state,
    sessions,
    store,
    transactions: cash.transactions,
    flow,
    screens,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      return openRunnerKiosk(options, { dir, parts });
    },
  };
}

/** What outlives an agent restart: the devices, the hub and the clock. */
interface Parts {
  clock: ManualClock;
  reader: FakeCardReader;
  acceptor: FakeCoinAcceptor;
  hoppers: FakeHoppers;
  printer: FakeDocumentPrinter;
  receipts: FakeReceiptPrinter;
  hub: ScriptedHub;
  /** The resident's card (PIN `PIN`), known to the hub. */
  card: VirtualJpkiCard;
  /** A fresh card the hub knows, refusing it for `refusal` when given (revoked, …). */
  newCard(refusal?: CardAuthFailureReason): VirtualJpkiCard;
}

function newParts(at: Date): Parts {
  const clock = new ManualClock(at);
  const hub = new ScriptedHub(clock, CLOSING_JST);
  cardKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = cardKey;
  const newCard = (refusal?: CardAuthFailureReason): VirtualJpkiCard => {
    const certificate = certificateBytes();
    hub.knowCard(certificate, key.publicKey, refusal ?? null);
    return myNumberCard(certificate, key.privateKey, PIN);
  };
  return {
    clock,
    reader: new FakeCardReader(clock),
    acceptor: new FakeCoinAcceptor(clock),
    hoppers: new FakeHoppers(clock),
    printer: new FakeDocumentPrinter(clock),
    receipts: new FakeReceiptPrinter(clock),
    hub,
    card: newCard(),
    newCard,
  };
}
