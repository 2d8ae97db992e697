import type { CardReaderDriver, ReceiptPrinter } from '@kiosk/devices';
import type { Municipality } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { DeviceServices } from '../hardware/device-services';
import { runDetached, type Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';
import type { UiFeature } from '../server/ui-namespace';
import type { AgentState } from '../status/agent-state';
import type { AgentStore } from '../store/agent-store';
import type { HubRequests } from '../sync/hub-requests';
import { LotteryHubClient } from './hub-client';
import { LotteryCache } from './lottery-cache';
import { LotteryFlow } from './lottery-flow';
import { attachLotteryUi } from './lottery-namespace';

export interface LotteryDeps {
  /** The municipality the terminal serves (AgentConfig.municipality). */
  municipality: Municipality;
  /** The agent's database: the cache is a repository on it, offline entries go to its outbox. */
  store: AgentStore;
  /** The agent's one typed request API of the hub session (shared by every feature's hub client). */
  hubRequests: HubRequests;
  deviceServices: DeviceServices;
  sessions: KioskSessions;
  state: AgentState;
  receiptPrinter: ReceiptPrinter | null;
  /** Sign-in with a linked My Number card (the same reader as certificate issuance). */
  cardReader?: CardReaderDriver | null;
  ackTimeoutMs: number;
  /** The hub's public address for citizens (config `hubPublicUrl`), shown on 抽選結果の検証. */
  hubPublicUrl?: string;
  clock: Clock;
  logger: Logger;
}

export interface RunningLottery {
  hub: LotteryHubClient;
  /** Its part of `/ui`, for the local server. */
  uiFeature: UiFeature;
  flow: LotteryFlow;
  stop(): void;
}

/** The street terminal's lottery flow, wired: hub client, cache, runner, `/ui` handlers, offline-key refresh. */
export function startLottery(deps: LotteryDeps): RunningLottery {
  const { store } = deps;
  const hub = new LotteryHubClient(deps.hubRequests, deps.ackTimeoutMs);
  const flow = new LotteryFlow({
    municipality: deps.municipality,
    hub,
    cache: store.repository((db) => new LotteryCache(db, store.outbox)),
    outbox: store.outbox,
    pinEntry: deps.deviceServices.pinEntry,
    barcodes: deps.deviceServices.barcodes,
    sessions: deps.sessions,
    receiptPrinter: () => deps.receiptPrinter,
    cardReader: deps.cardReader ?? null,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.hubPublicUrl ? { hubPublicUrl: deps.hubPublicUrl } : {}),
  });
  flow.start();
  let wasConnected = false;
  const stopConnection = deps.state.onConnection((connection) => {
    if (connection.hubConnected && !wasConnected) runDetached(deps.logger, 'lottery refresh after connect', () => flow.refreshAfterConnect());
    wasConnected = connection.hubConnected;
  });
  return {
    hub,
    uiFeature: (ui) => attachLotteryUi(ui, flow, deps.logger),
    flow,
    stop: () => {
      stopConnection();
      flow.stop();
    },
  };
}
