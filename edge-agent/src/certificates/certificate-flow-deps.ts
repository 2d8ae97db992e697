import type { DeviceHealth } from '@kiosk/protocols';
import type { CardReaderDriver, CoinAcceptor, CoinDispenser, DocumentPrinter, ReceiptPrinter } from '@kiosk/devices';
import type { CashDesk } from '../cash/cash-desk';
import type { MoneyStep } from '../chaos';
import type { Clock } from '../clock';
import type { PinEntry } from '../input/pin-entry';
import type { Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';
import type { AgentState } from '../status/agent-state';
import type { Outbox } from '../store/outbox';
import type { CertificateCashPolicy } from './cash-policy';
import type { CertificateHub } from './hub-certificates';
import type { PrintJobHistory } from './print-job-history';
import type { CertificateCredit, CertificateTransactions } from './transaction-store';

/** Test-only fault injection points (chaos.ts: KIOSK_CHAOS=agent-crash-after-payment / agent-crash-before-print / agent-crash-at-money-step:N). */
export interface CertificateChaos {
  /** The fee is recorded as paid; nothing was issued yet. */
  certificatePaid(): void;
  /** The hub issued; nothing was printed yet. */
  certificateIssued(): void;
  /** A money step outside the ledger (the hub's answer, a print) happened, not yet recorded. */
  moneyStep(step: MoneyStep): void;
}

/** No fault injection (production, and tests that do not crash the agent). */
export const noCertificateChaos: CertificateChaos = { certificatePaid: () => undefined, certificateIssued: () => undefined, moneyStep: () => undefined };

export interface CertificateDrivers {
  cardReader: CardReaderDriver | null;
  coinAcceptor: CoinAcceptor | null;
  coinDispenser: CoinDispenser | null;
  documentPrinter: DocumentPrinter | null;
  receiptPrinter: ReceiptPrinter | null;
}

export interface CertificateFlowOptions {
  /** How long an issue whose answer was lost is retried (same transaction id) before the fee is refunded. */
  issueRetryMs: number;
  /** How long one A4 print may take before it counts as failed. */
  printTimeoutMs: number;
  /** How long a restarted agent waits for the hopper before settling what it owes. */
  hopperWaitMs: number;
}

export const DEFAULT_FLOW_OPTIONS: CertificateFlowOptions = { issueRetryMs: 60_000, printTimeoutMs: 300_000, hopperWaitMs: 15_000 };

/** What the certificate flow is given: the kiosk's session and state, its drivers, the hub, the ledger and cash desk, the clock. */
export interface CertificateFlowDeps {
  kioskId: string;
  sessions: KioskSessions;
  state: AgentState;
  deviceHealth: () => DeviceHealth[];
  drivers: CertificateDrivers;
  pinEntry: PinEntry;
  hub: CertificateHub;
  transactions: CertificateTransactions;
  /** The one owner of money: coins come from it, change and refunds go through it. */
  cashDesk: CashDesk<CertificateCredit>;
  outbox: Outbox;
  cashPolicy: CertificateCashPolicy;
  printJobs: PrintJobHistory | null;
  chaos: CertificateChaos;
  clock: Clock;
  /** Waits `ms` (injected with the clock; the real one by default). */
  wait?: (ms: number) => Promise<void>;
  logger: Logger;
  options?: Partial<CertificateFlowOptions>;
}

/** A screen command's answer. */
export type CommandAck = { ok: true } | { ok: false; error: { code: 'conflict' | 'not_found' | 'out_of_service' | 'internal'; message: string } };
