import {
  CONSOLE_NAMESPACE,
  hubToConsoleSchemas,
  KioskSummarySchema,
  type ConsoleToHubEvents,
  type HubToConsoleEvents,
  type KioskSummary,
} from '@kiosk/protocols';
import { io, type Socket } from 'socket.io-client';
import type { ReportProblem } from '../shared/background';
import { asLinkError, LinkError } from '../shared/link-errors';
import type { Timers } from '../shared/timers';
import { applySnapshot } from './fleet';

export type ConsoleSocket = Socket<HubToConsoleEvents, ConsoleToHubEvents>;
export type HubLinkState = 'connecting' | 'up' | 'down';

export interface HubLinkEvents {
  link(state: HubLinkState): void;
  /** The full list, replacing whatever was shown. */
  snapshot(kiosks: KioskSummary[]): void;
  updated(kiosk: KioskSummary): void;
}

/** The console page is served by the hub, so the hub is the page's own origin. */
export function consoleSocket(url: string = CONSOLE_NAMESPACE): ConsoleSocket {
  return io(url, { autoConnect: false, transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000 });
}

/**
 * The console's socket to the hub: on every (re)connect it fetches the whole list, and applies live
 * `kiosk.updated` pushes on top. Pushes that arrive while the list is in flight are held back and
 * applied after it, so an older snapshot never overwrites a newer update. Every row is parsed with the
 * protocol schema; a malformed row is reported and left out.
 */
export class HubLink {
  #fetching = false;
  #heldBack: KioskSummary[] = [];
  #retry: unknown = null;
  #rejoin: unknown = null;

  constructor(
    private readonly socket: ConsoleSocket,
    private readonly events: HubLinkEvents,
    private readonly report: ReportProblem,
    private readonly timers: Timers,
    private readonly ackTimeoutMs = 10_000,
    private readonly retryMs = 5_000,
    private readonly rejoinMs = 1_000,
  ) {}

  start(): void {
    this.socket.on('connect', () => {
      this.events.link('up');
      this.#fetch();
    });
    this.socket.on('disconnect', (reason) => {
      this.events.link('down');
      // socket.io does not reconnect by itself when the server hung up on us; the console should.
      if (reason === 'io server disconnect' && this.#rejoin === null) {
        this.#rejoin = this.timers.set(() => {
          this.#rejoin = null;
          if (!this.socket.connected) this.socket.connect();
        }, this.rejoinMs);
      }
    });
    this.socket.on('connect_error', () => this.events.link('down'));
    this.socket.on('kiosk.updated', (raw: unknown) => {
      const parsed = hubToConsoleSchemas['kiosk.updated'].safeParse(raw);
      if (!parsed.success) {
        this.report('kiosk.updated', new LinkError('malformed', 'kiosk.updated: does not match KioskSummarySchema'));
      } else if (this.#fetching) {
        this.#heldBack.push(parsed.data);
      } else {
        this.events.updated(parsed.data);
      }
    });
    this.socket.connect();
  }

  stop(): void {
    for (const handle of [this.#retry, this.#rejoin]) if (handle !== null) this.timers.clear(handle);
    this.#retry = null;
    this.#rejoin = null;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  #fetch(): void {
    if (this.#fetching) return;
    this.#fetching = true;
    this.#heldBack = [];
    this.socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('kiosks.list')
      .then(
        (raw: unknown) => this.#accept(raw),
        (error: unknown) => this.#failed(asLinkError(error, 'kiosks.list')),
      );
  }

  #accept(raw: unknown): void {
    if (!Array.isArray(raw)) {
      this.#failed(new LinkError('malformed', 'kiosks.list: ack is not an array'));
      return;
    }
    const rows: KioskSummary[] = [];
    let rejected = 0;
    for (const item of raw) {
      const parsed = KioskSummarySchema.safeParse(item);
      if (parsed.success) rows.push(parsed.data);
      else rejected += 1;
    }
    if (rejected > 0) this.report('kiosks.list', new LinkError('malformed', `kiosks.list: ${rejected} malformed row(s) left out`));
    const heldBack = this.#heldBack;
    this.#fetching = false;
    this.#heldBack = [];
    this.events.snapshot(applySnapshot(rows, heldBack));
  }

  #failed(error: LinkError): void {
    this.report('kiosks.list', error);
    const heldBack = this.#heldBack;
    this.#fetching = false;
    this.#heldBack = [];
    for (const kiosk of heldBack) this.events.updated(kiosk);
    // A lost answer while still connected: ask again later (a reconnect asks anyway).
    if (this.socket.connected && this.#retry === null) {
      this.#retry = this.timers.set(() => {
        this.#retry = null;
        if (this.socket.connected) this.#fetch();
      }, this.retryMs);
    }
  }
}
