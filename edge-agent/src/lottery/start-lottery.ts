import type { CardReaderDriver, ReceiptPrinter } from '@kiosk/devices';
import type { Municipality } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { DeviceServices } from '../hardware/device-services';
import { runDetached, type Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';
import type { UiFeature } from '../server/ui-namespace';
import type { AgentState } from '../status/agent-state';
import { openDatabase } from '../store/database';
import type { Outbox } from '../store/outbox';
import { LotteryHubClient } from './hub-client';
import { LotteryCache } from './lottery-cache';
import { attachLotteryUi } from './lottery-namespace';
import { LotteryService } from './lottery-service';

export interface LotteryDeps {
  /** The municipality the terminal serves (AgentConfig.municipality). */
  municipality: Municipality;
  /** The agent's SQLite file: the lottery opens its own connection for its cache (WAL: no blocking). */
  databaseFile: string;
  outbox: Outbox;
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
  /** Wrap the sync link's socket factory with `hub.tap` so lottery requests share the hub connection. */
  hub: LotteryHubClient;
  /** Its part of `/ui`, for the local server. */
  uiFeature: UiFeature;
  service: LotteryService;
  stop(): void;
}

/** The street terminal's lottery flow, wired: hub client, cache, service, `/ui` handlers, offline-key refresh. */
export function startLottery(deps: LotteryDeps): RunningLottery {
  const db = openDatabase(deps.databaseFile);
  const hub = new LotteryHubClient(() => deps.state.connection().hubConnected, deps.ackTimeoutMs);
  const service = new LotteryService({
    municipality: deps.municipality,
    hub,
    cache: new LotteryCache(db),
    outbox: deps.outbox,
    pinEntry: deps.deviceServices.pinEntry,
    barcodes: deps.deviceServices.barcodes,
    sessions: deps.sessions,
    receiptPrinter: () => deps.receiptPrinter,
    cardReader: deps.cardReader ?? null,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.hubPublicUrl ? { hubPublicUrl: deps.hubPublicUrl } : {}),
  });
  service.start();
  let wasConnected = false;
  const stopConnection = deps.state.onConnection((connection) => {
    if (connection.hubConnected && !wasConnected) runDetached(deps.logger, 'lottery refresh after connect', () => service.refreshAfterConnect());
    wasConnected = connection.hubConnected;
  });
  return {
    hub,
    uiFeature: (ui) => attachLotteryUi(ui, service, deps.logger),
    service,
    stop: () => {
      stopConnection();
      service.stop();
      if (db.open) db.close();
    },
  };
}
