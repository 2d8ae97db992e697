import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import { UI_NAMESPACE, type AgentToUiEvents, type UiToAgentEvents } from '@kiosk/protocols';
import { runDetached, type Logger } from '../logger';
import type { AgentState } from '../status/agent-state';
import type { KioskSessions } from './kiosk-sessions';
import { StaticFiles, plain } from './static-handler';
import { isLoopbackHost, isLoopbackOrigin } from './static-files';
import { attachUiNamespace } from './ui-namespace';

/** The only address the local server binds: the kiosk screen is on this machine and nothing else may reach it. */
export const LOCAL_HOST = '127.0.0.1';

export interface LocalServerDeps {
  port: number;
  uiDir: string;
  state: AgentState;
  sessions: KioskSessions;
  /** Outbox backlog for /health. */
  backlog: () => number;
  logger: Logger;
}

export interface HealthReport {
  status: 'ok';
  hubConnected: boolean;
  backlog: number;
  outOfService: boolean;
  /** Set while the hub refuses this kiosk in a way a technician must fix. */
  hubRefusal: string | null;
}

/**
 * Plain node:http on 127.0.0.1: the built kiosk UI, `GET /health`, and socket.io's `/ui` namespace
 * (websocket and polling, since it is only ever loopback and polling helps when debugging in a browser).
 */
export class LocalServer {
  private readonly http: HttpServer;
  private readonly io: Server<UiToAgentEvents, AgentToUiEvents>;
  private readonly files: StaticFiles;
  private detachUi: (() => void) | null = null;

  constructor(private readonly deps: LocalServerDeps) {
    this.files = new StaticFiles(deps.uiDir);
    this.http = createServer((request, response) => runDetached(deps.logger, 'ui http request', () => this.handle(request, response)));
    this.io = new Server<UiToAgentEvents, AgentToUiEvents>(this.http, {
      serveClient: false,
      transports: ['websocket', 'polling'],
      cors: { origin: (origin, callback) => callback(null, isLoopbackOrigin(origin)) },
      allowRequest: (request, callback) => callback(null, isLoopbackHost(request.headers.host) && isLoopbackOrigin(request.headers.origin)),
    });
  }

  async start(): Promise<{ port: number; url: string }> {
    this.detachUi = attachUiNamespace(this.io.of(UI_NAMESPACE), this.deps.state, this.deps.sessions);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.deps.port, LOCAL_HOST, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const address = this.http.address();
    if (address === null || typeof address === 'string') throw new Error('local server has no TCP address');
    return { port: address.port, url: `http://${LOCAL_HOST}:${address.port}/` };
  }

  health(): HealthReport {
    const connection = this.deps.state.connection();
    return {
      status: 'ok',
      hubConnected: connection.hubConnected,
      backlog: this.deps.backlog(),
      outOfService: this.deps.state.isOutOfService(),
      hubRefusal: connection.hubRefusal,
    };
  }

  async stop(): Promise<void> {
    this.detachUi?.();
    if (!this.http.listening) return;
    const closed = new Promise<void>((resolve) => this.http.once('close', () => resolve()));
    await this.io.close();
    // Keep-alive browser connections would otherwise hold the close open.
    this.http.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isLoopbackHost(request.headers.host)) return plain(response, 403, 'forbidden host');
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    if (pathname === '/health') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(this.health()));
      return;
    }
    try {
      await this.files.serve(request, response, pathname);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'serving a kiosk UI file failed');
      if (!response.headersSent) plain(response, 500, 'internal error');
      else response.destroy();
    }
  }
}
