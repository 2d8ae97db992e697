import path from 'node:path';
import type { AgentUpdateParams, KioskAuth, LogChunk, LotteryStage } from '@kiosk/protocols';
import { chaosHooks } from './chaos';
import { systemClock, type Clock } from './clock';
import { CommandExecutor, type ConfigRefresher } from './commands/command-executor';
import { CommandService } from './commands/command-service';
import { LogUploader, LogUploadError } from './commands/log-upload';
import type { LogLineSource } from './commands/recent-logs';
import type { AgentConfig } from './config';
import { DeviceRegistry } from './hardware/device-manager';
import { startDeviceServices, type DeviceServices } from './hardware/device-services';
import { startHardware, type KioskHardware } from './hardware/kiosk-hardware';
import type { KioskDrivers } from './hardware/kiosk-drivers';
import type { VirtualBench } from './hardware/virtual-bench';
import type { FetchLike } from './identity/enrolment';
import { ensureIdentity } from './identity/ensure-identity';
import { IdentityFile } from './identity/identity-file';
import { attachKeypadUi } from './input/keypad-ui';
import { KioskSigner } from './identity/kiosk-keys';
import type { Logger } from './logger';
import { agentVersion, repoRoot } from './paths';
import { CupsCompletedJobs } from './panel/cups-jobs';
import { DevicePanel } from './panel/device-panel';
import { attachPanelNamespace } from './panel/panel-namespace';
import { startLottery } from './lottery/start-lottery';
import { CertificateCashPolicy } from './certificates/cash-policy';
import type { CertificateFlowOptions } from './certificates/certificate-flow';
import { openCertificateCash, startCertificates, type RunningCertificates } from './certificates/start-certificates';
import { KioskSessions } from './server/kiosk-sessions';
import { LocalServer } from './server/local-server';
import { startSpeech } from './speech/start-speech';
import { AgentState } from './status/agent-state';
import { AgentStore } from './store/agent-store';
import { HubLink } from './sync/hub-link';
import { HubRequests } from './sync/hub-requests';
import type { HubSession } from './sync/hub-session';
import { OutboxDrain } from './sync/outbox-drain';
import { hubSocketFactory, type HubSocketFactory } from './sync/socket-factory';
import { SyncClient } from './sync/sync-client';
import { buildTelemetry } from './sync/telemetry';
import { RecentLogStore } from './commands/recent-log-store';
import { ActivityInstants } from './sync/activity-store';
import { observeActivity } from './sync/telemetry-activity';
import { WakeSignal } from './sync/wake-signal';
import { startUpdates } from './update/start-updates';

export interface AgentDeps {
  config: AgentConfig;
  logger: Logger;
  /** `config.refresh` re-reads through this. */
  configRefresher: ConfigRefresher;
  clock?: Clock;
  fetch?: FetchLike;
  /** Tests may wrap the production socket factory (e.g. to count or break connections). */
  socketFactory?: (hubUrl: string, handshake: () => KioskAuth, connectTimeoutMs: number) => HubSocketFactory;
  /** Devices to register besides the configured ones (tests). */
  devices?: DeviceRegistry;
  /** Aborts waiting for the hub during first-start enrolment. */
  signal?: AbortSignal;
  /** What the test-only chaos hook does instead of SIGKILL (tests). */
  chaosKill?: () => void;
  /** The certificate flow's timings (tests shorten them). */
  certificateOptions?: Partial<CertificateFlowOptions>;
  /** The agent's recent log lines (`logs.upload`); without it that command fails. */
  recentLogs?: LogLineSource;
  /** Stops the process for its supervisor to restart (`agent.restart`); without it that command fails. */
  requestRestart?: () => void;
}

export interface RunningAgent {
  kioskId: string;
  ui: { port: number; url: string };
  state: AgentState;
  store: AgentStore;
  devices: DeviceRegistry;
  hardware: KioskHardware;
  sessions: KioskSessions;
  deviceServices: DeviceServices;
  /** The demo's device panel (`AGENT_DEVICES=virtual`), else null. */
  panel: DevicePanel | null;
  /** The certificate issuance flow and its money ledger. */
  certificates: RunningCertificates;
  stop(): Promise<void>;
}

/**
 * The composition root: identity, store, devices, state, commands, sync and the local server, wired
 * together with everything injected. `main.ts` adds only the process around it.
 */
export async function startAgent(deps: AgentDeps): Promise<RunningAgent> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const version = agentVersion();
  const backoff = { minMs: config.reconnectMinMs, maxMs: config.reconnectMaxMs };

  const identity = await ensureIdentity({
    file: new IdentityFile(config.identityFile),
    enrolmentCode: config.enrolmentCode,
    hubUrl: config.hubUrls,
    fetch: deps.fetch ?? fetch,
    backoff,
    logger: logger.child({ module: 'identity' }),
    ...(deps.signal ? { signal: deps.signal } : {}),
    redeemed: () => chaosHooks(config.chaos, logger.child({ module: 'chaos' }), deps.chaosKill).enrolmentRedeemed(),
  });
  const { kioskId } = identity;

  const store = AgentStore.open(config.databaseFile, kioskId, clock);
  // What has been started so far, undone in reverse if a later step fails (no stray pcscd, socat, cupsd).
  const undo: Array<() => unknown> = [() => store.close()];
  // The recent log lines (already redacted) survive a restart: restored now, written every second.
  const stopPersistingLogs = deps.recentLogs?.persistTo?.(store.repository((db) => new RecentLogStore(db)));
  if (stopPersistingLogs) undo.push(stopPersistingLogs);
  const unwind = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        // Keep going: one part failing to stop must not leave the others (or the database) open.
        logger.error({ err: error }, 'a part of the agent did not stop cleanly');
      }
    }
  };
  try {
    const hardware = await startHardware({ config, repoRoot, logger: logger.child({ module: 'devices' }), now: () => clock.now() });
    undo.push(() => hardware.stop());
    // Before anything takes a printer from the drivers: the activity counts wrap them.
    const activity = observeActivity({
      drivers: hardware.drivers,
      cashBoxFile: path.join(config.dataDir, 'cash-box.json'),
      instants: store.repository((db) => new ActivityInstants(db)),
      nowMs: () => clock.now().getTime(),
      logger: logger.child({ module: 'activity' }),
    });
    undo.push(() => activity.stop());
    const devices = deps.devices ?? new DeviceRegistry();
    for (const device of hardware.drivers.managed) devices.register(device);
    undo.push(() => devices.close());
    const state = new AgentState(kioskId, devices, { outOfService: store.settings.serviceState().outOfService });

    // The connection a `logs.upload` answer goes out on: the current one, if any.
    let hubSession: HubSession | null = null;
    // `agent.update` offers go to the update service, made once sessions and the ledger exist (below).
    let offerUpdate: ((params: AgentUpdateParams) => { status: 'succeeded' | 'failed'; detail: string }) | null = null;
    const sendLogChunk = (chunk: LogChunk) =>
      hubSession?.open === true ? hubSession.sendLogChunk(chunk) : Promise.reject(new LogUploadError('not connected to the hub'));
    const commands = new CommandService(
      store,
      new CommandExecutor({
        devices,
        settings: store.settings,
        state,
        config: deps.configRefresher,
        logs: deps.recentLogs ? new LogUploader(deps.recentLogs, sendLogChunk, () => clock.now().getTime()) : null,
        canRestart: deps.requestRestart !== undefined,
        cashBox: activity.cashBox,
        updates: { offer: (params) => offerUpdate?.(params) ?? { status: 'failed', detail: 'the agent is still starting' } },
      }),
      clock,
      logger.child({ module: 'commands' }),
      deps.requestRestart,
    );
    commands.recoverInterrupted();
    store.outbox.enqueue({ type: 'agent.started', payload: { agentVersion: version } });

    // Only real changes reach here (the registry drops re-reads of the same state): each is an event.
    undo.push(
      devices.onHealthChange((health) => {
        try {
          store.outbox.enqueue({ type: 'device.health.changed', payload: health });
        } catch (error) {
          logger.error({ err: error, deviceId: health.deviceId }, 'could not record a device health change');
        }
        state.devicesChanged();
      }),
    );

    const sessions = new KioskSessions(state, clock, logger.child({ module: 'sessions' }));
    activity.observeSessions(sessions);
    const cashPolicy = new CertificateCashPolicy();
    const chaos = chaosHooks(config.chaos, logger.child({ module: 'chaos' }), deps.chaosKill);
    // The one owner of money: every coin and payout is its outbox event and its ledger change in one commit.
    const certificateCash = openCertificateCash({
      store,
      cashPolicy,
      activeSession: () => sessions.current()?.sessionId ?? null,
      chaos,
      clock,
      logger: logger.child({ module: 'cash' }),
    });
    const deviceServices = await startDeviceServices({
      cashPolicy,
      cashDesk: certificateCash.desk,
      drivers: hardware.drivers,
      sessions,
      state,
      now: () => clock.now(),
      logger,
    });
    undo.push(() => deviceServices.stop());
    // The one typed request API of the hub session: every feature's hub client asks through it.
    const hubRequests = new HubRequests(() => state.connection().hubConnected, config.ackTimeoutMs);
    const lottery = startLottery({
      municipality: config.municipality,
      store,
      hubRequests,
      deviceServices,
      sessions,
      state,
      receiptPrinter: hardware.drivers.receiptPrinter,
      cardReader: hardware.drivers.cardReader,
      ackTimeoutMs: config.ackTimeoutMs,
      hubPublicUrl: config.hubPublicUrl,
      clock,
      logger: logger.child({ module: 'lottery' }),
    });
    undo.push(() => lottery.stop());
    const certificates = startCertificates({
      kioskId,
      store,
      cash: certificateCash,
      sessions,
      state,
      deviceHealth: () => devices.health(),
      drivers: hardware.drivers,
      pinEntry: deviceServices.pinEntry,
      cashPolicy,
      documentPrinterUri: hardware.bench ? (hardware.bench.peripherals.cups?.printerUri ?? null) : config.devices === 'real' ? config.hardware.documentPrinterUri : null,
      paperTray: hardware.bench?.peripherals.cups?.tray ?? null,
      hubRequests,
      ackTimeoutMs: config.ackTimeoutMs,
      chaos,
      clock,
      logger: logger.child({ module: 'certificates' }),
      options: { issueRetryMs: config.issueRetryMs, ...deps.certificateOptions },
    });
    undo.push(() => certificates.stop());
    // The PIN pad's keys stay PIN keys while a flow asks for a PIN (keypad navigation or not).
    undo.push(
      deviceServices.keypad.watchPinStep(() => certificates.flow.view().screen === 'pin'),
      deviceServices.keypad.watchPinStep(() => LOTTERY_PIN_STAGES.has(lottery.flow.uiState().stage)),
    );

    const panel = hardware.bench ? startPanel(hardware.bench, hardware.drivers, devices, logger.child({ module: 'device-panel' })) : null;
    if (panel) undo.push(() => panel.stop());
    const speech = startSpeech(config.speech, logger.child({ module: 'speech' }));
    const server = new LocalServer({
      port: config.uiPort,
      uiDir: config.uiDir,
      state,
      sessions,
      backlog: () => store.outbox.stats().backlog,
      uiFeatures: [lottery.uiFeature, certificates.uiFeature, speech.uiFeature, (namespace) => attachKeypadUi(namespace, deviceServices.keypad)],
      routes: [(request, response, pathname) => speech.serve(request, response, pathname)],
      ...(panel ? { panel: { dir: config.panelDir, attach: (namespace) => attachPanelNamespace(namespace, panel, logger.child({ module: 'panel-socket' })) } } : {}),
      logger: logger.child({ module: 'ui-server' }),
    });
    const ui = await server.start();
    undo.push(() => server.stop());
    logger.info({ port: ui.port, url: ui.url, kioskId, uiDir: config.uiDir }, 'agent ui listening');

    const updates = startUpdates({
      config,
      state,
      sessions,
      transactions: certificates.transactions,
      devices,
      hubRequests,
      backlog: () => store.outbox.stats().backlog,
      requestRestart: deps.requestRestart ?? null,
      clock,
      logger: logger.child({ module: 'update' }),
    });
    offerUpdate = (params) => updates.offer(params);
    undo.push(() => updates.stop());

    const wake = new WakeSignal();
    const stopWake = store.outbox.onEnqueued(() => wake.notify());
    const syncLogger = logger.child({ module: 'sync' });
    const sync = new SyncClient({
      drain: new OutboxDrain({
        outbox: store.outbox,
        batchSize: config.batchSize,
        pollMs: config.outboxPollMs,
        retryBackoff: backoff,
        wake,
        state,
        chaos: chaosHooks(config.chaos, syncLogger, deps.chaosKill),
        clock,
        logger: syncLogger,
      }),
      commands,
      state,
      heartbeatMs: config.heartbeatMs,
      collectTelemetry: () =>
        buildTelemetry({
          now: clock.now(),
          outbox: store.outbox.stats(),
          devices: devices.health(),
          agentVersion: version,
          uptimeSeconds: process.uptime(),
          rssBytes: process.memoryUsage.rss(),
          outOfService: state.isOutOfService(),
          activity: activity.snapshot(),
        }),
      agentVersion: version,
      clock,
      logger: syncLogger,
    });
    const signer = new KioskSigner(kioskId, identity.privateKeyPem, clock);
    const makeFactory = deps.socketFactory ?? hubSocketFactory;
    const link = new HubLink({
      // One factory per hub of HUB_URL's list (issue 14); the link picks which one each attempt uses.
      hubs: config.hubUrls.map((url) => ({
        url,
        socketFactory: hubRequests.tap(makeFactory(url, () => signer.handshake(), Math.max(config.ackTimeoutMs, 5000))),
      })),
      backoff,
      ackTimeoutMs: config.ackTimeoutMs,
      logger: syncLogger,
      onSession: async (session) => {
        hubSession = session;
        try {
          return await sync.runSession(session);
        } finally {
          if (hubSession === session) hubSession = null;
        }
      },
      onConnectFailed: (refusal) => sync.connectFailed(refusal),
    });
    // A request made mid-connect waits for this link's attempt (its reconnect machine settles the outcome).
    hubRequests.follow(link);
    link.start();
    updates.resume();

    let stopped: Promise<void> | null = null;
    return {
      kioskId,
      ui,
      state,
      store,
      devices,
      hardware,
      sessions,
      deviceServices,
      panel,
      certificates,
      stop: () => {
        // Hub link first (nothing more goes out half-done), then everything else in reverse start order.
        stopped ??= (async () => {
          await link.stop();
          stopWake();
          await unwind();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** The lottery's sign-in stages that take PIN digits (lottery-flow.ts `pinPress`). */
const LOTTERY_PIN_STAGES: ReadonlySet<LotteryStage> = new Set<LotteryStage>(['awaiting-card', 'awaiting-pin', 'awaiting-card-pin']);

/** The demo's device panel over the virtual bench (AGENT_DEVICES=virtual only). */
function startPanel(bench: VirtualBench, drivers: KioskDrivers, devices: DeviceRegistry, logger: Logger): DevicePanel {
  const cups = bench.peripherals.cups;
  const jobs = cups ? new CupsCompletedJobs(cups.printerUri, cups.tray) : null;
  const panel = new DevicePanel({
    bench,
    devices,
    cardReader: drivers.cardReader,
    documents: () => jobs?.list() ?? Promise.resolve([]),
    takeDocument: (jobId) => cups?.tray.take(jobId) ?? Promise.resolve(false),
    logger,
  });
  panel.start();
  return panel;
}
