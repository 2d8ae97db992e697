import type { DeviceHealth } from '@kiosk/protocols';
import { CashDesk } from '../cash/cash-desk';
import type { ChaosHooks } from '../chaos';
import type { Clock } from '../clock';
import type { PinEntry } from '../input/pin-entry';
import type { Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';
import type { UiFeature } from '../server/ui-namespace';
import type { AgentState } from '../status/agent-state';
import type { AgentStore } from '../store/agent-store';
import type { HubRequests } from '../sync/hub-requests';
import type { CertificateCashPolicy } from './cash-policy';
import { CertificateFlow } from './certificate-flow';
import type { CertificateDrivers, CertificateFlowOptions } from './certificate-flow-deps';
import { attachCertificatesUi } from './certificates-namespace';
import { CertificateHubClient } from './hub-certificates';
import { CupsJobHistory, type PaperTray } from './print-job-history';
import { CertificateTransactions, type CertificateCredit } from './transaction-store';

/** The certificate kiosk's money: its ledger and the cash desk that alone writes money to it and the outbox. */
export interface CertificateCash {
  desk: CashDesk<CertificateCredit>;
  transactions: CertificateTransactions;
}

/**
 * Opens the ledger and the cash desk over the agent's database. Created before the device services, which
 * attach the desk to the acceptor and hoppers: from then on every coin and payout is one commit.
 */
export function openCertificateCash(deps: {
  store: AgentStore;
  cashPolicy: CertificateCashPolicy;
  activeSession: () => string | null;
  chaos: Pick<ChaosHooks, 'coinCommitted' | 'moneyStep'>;
  clock: Clock;
  logger: Logger;
}): CertificateCash {
  const transactions = deps.store.repository((db) => new CertificateTransactions(db, deps.clock, deps.chaos));
  const desk = new CashDesk<CertificateCredit>({
    store: deps.store,
    ledger: transactions,
    owner: deps.cashPolicy,
    activeSession: deps.activeSession,
    chaos: deps.chaos,
    logger: deps.logger,
  });
  return { desk, transactions };
}

export interface CertificatesDeps {
  kioskId: string;
  store: AgentStore;
  cash: CertificateCash;
  sessions: KioskSessions;
  state: AgentState;
  deviceHealth: () => DeviceHealth[];
  drivers: CertificateDrivers;
  pinEntry: PinEntry;
  /** Created before the device services, which ask it whose money a coin is. */
  cashPolicy: CertificateCashPolicy;
  /** The A4 printer's CUPS queue (for purging a session's print job), or null. */
  documentPrinterUri: string | null;
  /** The demo's A4 output tray: a session's paper still in it is taken at the wipe (null on real hardware). */
  paperTray: PaperTray | null;
  /** The agent's one typed request API of the hub session (shared by every feature's hub client). */
  hubRequests: HubRequests;
  ackTimeoutMs: number;
  chaos: ChaosHooks;
  clock: Clock;
  logger: Logger;
  options?: Partial<CertificateFlowOptions>;
}

export interface RunningCertificates {
  hub: CertificateHubClient;
  /** Its part of `/ui`, for the local server. */
  uiFeature: UiFeature;
  flow: CertificateFlow;
  transactions: CertificateTransactions;
  /** The flow's say over the cash services (tests of the device services stand in for a payment step with it). */
  cashPolicy: CertificateCashPolicy;
  stop(): Promise<void>;
}

/** The certificate kiosk's issuance flow, wired: ledger, hub client, flow (recovering what a crash left), `/ui`. */
export function startCertificates(deps: CertificatesDeps): RunningCertificates {
  const hub = new CertificateHubClient(deps.hubRequests, deps.ackTimeoutMs);
  const { transactions, desk } = deps.cash;
  const flow = new CertificateFlow({
    kioskId: deps.kioskId,
    sessions: deps.sessions,
    state: deps.state,
    deviceHealth: deps.deviceHealth,
    drivers: deps.drivers,
    pinEntry: deps.pinEntry,
    hub,
    transactions,
    cashDesk: desk,
    outbox: deps.store.outbox,
    cashPolicy: deps.cashPolicy,
    printJobs: deps.documentPrinterUri ? new CupsJobHistory(deps.documentPrinterUri, deps.paperTray) : null,
    chaos: deps.chaos,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.options ? { options: deps.options } : {}),
  });
  flow.start();
  return {
    hub,
    uiFeature: (ui) => attachCertificatesUi(ui, flow, deps.logger),
    flow,
    transactions,
    cashPolicy: deps.cashPolicy,
    stop: () => flow.stop(),
  };
}
