import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import { DEVICE_PANEL_NAMESPACE, UI_NAMESPACE, type AgentToPanelEvents, type AgentToUiEvents, type PanelToAgentEvents, type UiToAgentEvents } from '@kiosk/protocols';
import type { Namespace } from 'socket.io';
import { runDetached, type Logger } from '../logger';
import type { AgentState } from '../status/agent-state';
import type { KioskSessions } from './kiosk-sessions';
import { StaticFiles, plain } from './static-handler';
import { isLoopbackHost, isLoopbackOrigin } from './static-files';
import { attachUiNamespace, type UiFeature } from './ui-namespace';

/** The only address the local server binds: the kiosk screen is on this machine and nothing else may reach it. */
export const LOCAL_HOST = '127.0.0.1';

export interface LocalServerDeps {
  port: number;
  uiDir: string;
  state: AgentState;
  sessions: KioskSessions;
  /** Outbox backlog for /health. */
  backlog: () => number;
  /** The demo's device panel (AGENT_DEVICES=virtual only): its build and its socket namespace. */
  panel?: PanelHosting;
  /** Services' own parts of `/ui` (the lottery flow). */
  uiFeatures?: readonly UiFeature[];
  /** Extra loopback routes (spoken guidance's `/speech/*.wav`): each answers true when the path was its own. */
  routes?: readonly LocalRoute[];
  logger: Logger;
}

export type LocalRoute = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<boolean>;

export type PanelNamespace = Namespace<PanelToAgentEvents, AgentToPanelEvents>;

export interface PanelHosting {
  dir: string;
  /** Wires the `/panel` namespace; returns the function that detaches it. */
  attach(namespace: PanelNamespace): () => void;
}

/** Where the device panel is mounted; `/panel` itself redirects here, so the app's relative URLs resolve. */
export const PANEL_PATH = '/panel/';

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
  private readonly panelFiles: StaticFiles | null;
  private detachUi: (() => void) | null = null;
  private detachPanel: (() => void) | null = null;

  constructor(private readonly deps: LocalServerDeps) {
    this.files = new StaticFiles(deps.uiDir);
    this.panelFiles = deps.panel ? new StaticFiles(deps.panel.dir, 'device panel') : null;
    this.http = createServer((request, response) => runDetached(deps.logger, 'ui http request', () => this.handle(request, response)));
    this.io = new Server<UiToAgentEvents, AgentToUiEvents>(this.http, {
      serveClient: false,
      transports: ['websocket', 'polling'],
      cors: { origin: (origin, callback) => callback(null, isLoopbackOrigin(origin)) },
      allowRequest: (request, callback) => callback(null, isLoopbackHost(request.headers.host) && isLoopbackOrigin(request.headers.origin)),
    });
  }

  async start(): Promise<{ port: number; url: string }> {
    this.detachUi = attachUiNamespace(this.io.of(UI_NAMESPACE), this.deps.state, this.deps.sessions, this.deps.uiFeatures);
    // No panel, no namespace: on a production kiosk a `/panel` socket is refused as an unknown namespace.
    // The cast: socket.io types events per server, not per namespace; this one speaks the panel's maps.
    if (this.deps.panel) this.detachPanel = this.deps.panel.attach(this.io.of(DEVICE_PANEL_NAMESPACE) as PanelNamespace);
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
    this.detachPanel?.();
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
      for (const route of this.deps.routes ?? []) if (await route(request, response, pathname)) return;
      if (this.panelFiles && (pathname === '/panel' || pathname.startsWith(PANEL_PATH))) {
        if (pathname === '/panel') {
          const query = (request.url ?? '').slice(pathname.length);
          return plain(response, 301, 'moved', { location: `${PANEL_PATH}${query}` });
        }
        await this.panelFiles.serve(request, response, pathname.slice(PANEL_PATH.length - 1));
        return;
      }
      await this.files.serve(request, response, pathname);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'serving a kiosk UI file failed');
      if (!response.headersSent) plain(response, 500, 'internal error');
      else response.destroy();
    }
  }
}
