import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import type { HubConfig } from './config';
import { ProtocolExceptionFilter } from './controllers/exception.filter';
import { securityHeaders } from './controllers/security-headers';
import { ClusteredIoAdapter } from './gateways/cluster-io-adapter';
import { AgentGateway } from './gateways/agent.gateway';
import type { DrainReport } from './gateways/socket-drain';
import { GuardedIoAdapter, SocketGuard } from './gateways/socket-guard';
import { PinoNestLogger, createRootLogger, type Logger } from './logger';
import { AdminTokenFile } from './repositories/admin-token.repository';
import { HUB_CLUSTER, type HubCluster } from './repositories/cluster.repository';
import { SystemClock, type Clock } from './repositories/clock.repository';
import { NodeProcessControl, type ProcessControl } from './repositories/process.repository';
import { PromMetrics } from './repositories/metrics.repository';
import { makeDataDirPrivate } from './repositories/private-files';
import { CryptoRandom, type Random } from './repositories/random.repository';
import { TimerScheduler, type Scheduler } from './repositories/scheduler.repository';

export interface HubHandle {
  /** `http://host:port`, the base of REST, `/console/` and the socket.io namespaces. */
  url: string;
  port: number;
  adminToken: string;
  logger: Logger;
  /** Stops accepting, disconnects every socket, closes the database. Safe to call twice. */
  close(): Promise<void>;
  /**
   * The graceful stop (SIGTERM, issue 14): stops accepting connections, lets every kiosk's message in
   * flight finish and be acked (an event batch is committed, then acked), disconnects each kiosk once it
   * has nothing in flight (its agent reconnects with its backoff: to the next hub of its HUB_URL list, or
   * through the load balancer to another process), then closes as `close()` does. The wait for answers
   * in flight is bounded by `drainMs` (default 8 s); kiosks still busy then are cut off (what they had
   * sent is resent and deduplicated by event id). Logged; safe to call twice.
   */
  shutdown(options?: { drainMs?: number }): Promise<DrainReport>;
}

export const DEFAULT_DRAIN_MS = 8_000;

/** Seams for tests; production passes none of them. */
export interface HubOverrides {
  clock?: Clock;
  random?: Random;
  processControl?: ProcessControl;
  /** Runs the periodic sweep and pruning; a test passes one it drives by hand. */
  scheduler?: Scheduler;
  /** Where the JSON log lines go instead of stdout. */
  logDestination?: DestinationStream;
}

function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Builds the hub, listens, logs "hub listening" with the actual url and port. */
export async function createHub(config: HubConfig, overrides: HubOverrides = {}): Promise<HubHandle> {
  const logger = createRootLogger(config.logLevel, overrides.logDestination);
  const random = overrides.random ?? new CryptoRandom();
  makeDataDirPrivate(config.dataDir, config.database.engine);
  let adminToken = config.adminToken;
  if (adminToken === undefined) {
    const tokenFile = new AdminTokenFile(config.dataDir);
    const { token, created } = tokenFile.loadOrCreate(random);
    if (created) logger.info({ file: tokenFile.file }, 'admin token generated');
    adminToken = token;
  }

  // Until the hub listens (its port may be ephemeral), the configured one stands in.
  const listening: { url?: string } = {};
  const publicUrl = () => config.publicUrl ?? listening.url ?? httpUrl(config.host, config.port);

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      config,
      adminToken,
      logger,
      clock: overrides.clock ?? new SystemClock(),
      random,
      processControl: overrides.processControl ?? new NodeProcessControl(),
      scheduler: overrides.scheduler ?? new TimerScheduler(logger),
      metrics: new PromMetrics(),
      publicUrl,
    }),
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  app.useGlobalFilters(new ProtocolExceptionFilter(logger));
  const guard = new SocketGuard(config.limits, logger);
  // Several processes (HUB_REDIS_URL, issue 14): socket.io through Redis; else the one in-memory server.
  const cluster = app.get<string, HubCluster | null>(HUB_CLUSTER);
  app.useWebSocketAdapter(cluster ? new ClusteredIoAdapter(app, guard, cluster) : new GuardedIoAdapter(app, guard));
  app.disable('x-powered-by');
  app.use(securityHeaders());
  // Console files first; what is not a file falls through to ConsoleController (SPA routes, 503).
  app.useStaticAssets(config.consoleDir, { prefix: '/console/', index: 'index.html', fallthrough: true });
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }

  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = httpUrl(config.host, port);
  listening.url = url;
  logger.info({ url, port, publicUrl: publicUrl() }, 'hub listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= app.close());
  let shuttingDown: Promise<DrainReport> | undefined;
  const shutdown = async (drainMs: number): Promise<DrainReport> => {
    const started = Date.now();
    const server = app.getHttpServer() as HttpServer;
    // Stop accepting: new TCP connections are refused (a load balancer's health check fails, an agent
    // moves to its next hub); established connections, the kiosks' websockets among them, stay open.
    server.close();
    server.closeIdleConnections();
    logger.info({ drainMs }, 'hub draining: no new connections; kiosks leave once their messages in flight are answered');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
    let report: DrainReport = { sockets: 0, waitedFor: 0, cutOff: 0 };
    try {
      report = await app.get(AgentGateway).drain(deadline);
    } catch (error) {
      // Never a reason not to close: the sockets go with the servers below.
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'hub drain failed; closing');
    } finally {
      clearTimeout(timer);
    }
    const log = report.cutOff > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
    log({ ...report, ms: Date.now() - started }, report.cutOff > 0 ? 'hub drained at its deadline: kiosks cut off mid-message' : 'hub drained: every kiosk disconnected after its acks');
    await close();
    return report;
  };
  return {
    url,
    port,
    adminToken,
    logger,
    close,
    shutdown: ({ drainMs = DEFAULT_DRAIN_MS } = {}) => (shuttingDown ??= shutdown(drainMs)),
  };
}
