import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  AlertAckResultSchema,
  AlertListResultSchema,
  AuditPageResultSchema,
  CONSOLE_NAMESPACE,
  CommandSendResultSchema,
  KioskDetailResultSchema,
  KioskListResultSchema,
  KioskSummarySchema,
  MeResultSchema,
  OverviewResultSchema,
  hubToConsoleSchemas,
  type ConsoleToHubEvents,
  type HubToConsoleEvents,
} from '@kiosk/protocols';

/** What each request answers, parsed with the protocol's own schemas. */
const RESULTS = {
  'kiosks.list': z.array(KioskSummarySchema),
  'session.me': MeResultSchema,
  'fleet.overview': OverviewResultSchema,
  'fleet.kiosks': KioskListResultSchema,
  'kiosk.detail': KioskDetailResultSchema,
  'alerts.list': AlertListResultSchema,
  'alert.ack': AlertAckResultSchema,
  'command.send': CommandSendResultSchema,
  'audit.page': AuditPageResultSchema,
} satisfies Record<keyof ConsoleToHubEvents, z.ZodType>;
type Request = keyof typeof RESULTS;
type PayloadOf<E extends Request> = Parameters<ConsoleToHubEvents[E]> extends [infer P, unknown] ? [P] : [];
/** socket.io's emitWithAck, without the event map (its typing of acks is not what these tests check). */
type LooseEmitter = { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> } };

export type ConsoleClientSocket = Socket<HubToConsoleEvents, ConsoleToHubEvents>;
type PushEvent = keyof HubToConsoleEvents;
type PushOf<E extends PushEvent> = Parameters<HubToConsoleEvents[E]>[0];

/**
 * A technician console over the real socket.io client: signs in with a token, keeps every push
 * (each checked with the protocol's schema), and lets a test wait for one.
 */
export class ConsoleClient {
  readonly pushes: { event: PushEvent; payload: unknown }[] = [];

  private constructor(readonly socket: ConsoleClientSocket) {
    for (const event of Object.keys(hubToConsoleSchemas) as PushEvent[]) {
      socket.on(event, (payload: unknown) => {
        this.pushes.push({ event, payload: hubToConsoleSchemas[event].parse(payload) });
      });
    }
    // A batch is also kept kiosk by kiosk, so a test waits for one kiosk's update whichever way it came.
    socket.on('kiosks.updated', (kiosks) => {
      for (const kiosk of kiosks) this.pushes.push({ event: 'kiosk.updated', payload: kiosk });
    });
  }

  /** Resolves with the client, or rejects with the hub's refusal (`{ code, message }`). */
  static connect(url: string, token: string | undefined): Promise<ConsoleClient> {
    const socket: ConsoleClientSocket = io(`${url}${CONSOLE_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: token === undefined ? {} : { token },
      timeout: 5000,
    });
    const client = new ConsoleClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(client));
      socket.once('connect_error', (error: Error & { data?: { error?: { code: string; message: string } } }) => {
        socket.close();
        reject(Object.assign(new Error(error.message), { refusal: error.data?.error ?? { code: 'transport', message: error.message } }));
      });
    });
  }

  /** The first push (already received or still to come) of `event` that `match` accepts. */
  async waitFor<E extends PushEvent>(event: E, match: (payload: PushOf<E>) => boolean = () => true, timeoutMs = 5000): Promise<PushOf<E>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.pushes.find((push) => push.event === event && match(push.payload as PushOf<E>));
      if (found) return found.payload as PushOf<E>;
      if (Date.now() > deadline) throw new Error(`no ${event} push matched within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  received<E extends PushEvent>(event: E, match: (payload: PushOf<E>) => boolean = () => true): PushOf<E>[] {
    return this.pushes.filter((push) => push.event === event && match(push.payload as PushOf<E>)).map((push) => push.payload as PushOf<E>);
  }

  /** Sends a request and parses its answer with the protocol schema. */
  async request<E extends Request>(event: E, ...payload: PayloadOf<E>): Promise<z.infer<(typeof RESULTS)[E]>> {
    const raw = await (this.socket as unknown as LooseEmitter).timeout(5000).emitWithAck(event, ...payload);
    return RESULTS[event].parse(raw) as z.infer<(typeof RESULTS)[E]>;
  }

  /** Sends anything at all (for refusal tests); resolves with the raw answer. */
  raw(event: string, ...args: unknown[]): Promise<unknown> {
    return (this.socket as unknown as LooseEmitter).timeout(5000).emitWithAck(event, ...args);
  }

  close(): void {
    this.socket.close();
  }
}
