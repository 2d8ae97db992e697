/**
 * The lottery's hub client on a real socket.io connection (loopback): a request made while the link is
 * still connecting (the first sign-in after the terminal started, issue 13) waits for that attempt and
 * goes to the hub once it has greeted us; with no attempt under way, or one that fails, it is
 * `hub_unreachable` at once (so an offline sign-in does not wait).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { AGENT_NAMESPACE, LotterySignInSchema, type LotterySignInAck } from '@kiosk/protocols';
import type { AgentSocket } from '../sync/hub-session';
import { HubUnreachableError, LotteryHubClient } from './hub-client';

const SIGNED_IN: LotterySignInAck = {
  ok: true,
  sessionToken: 'A'.repeat(43),
  expiresAt: '2026-12-07T05:00:00.000Z',
  user: { municipality: '豊中市', expiresOn: '2029-03-31', certificateLinked: false },
};
const SIGN_IN = { userNumber: '10000016', pin: '2345' };
/** Long enough that a request still waiting for it would outlive the test (which then fails). */
const ACK_TIMEOUT_MS = 600_000;

/** A hub that answers `lottery.signIn` and tells the test when an agent's socket has connected. */
class LotteryHubStub {
  private readonly http: HttpServer = createServer();
  private readonly io = new Server(this.http, { transports: ['websocket'] });
  private connected: Array<() => void> = [];
  signIns = 0;

  async start(): Promise<string> {
    this.io.of(AGENT_NAMESPACE).on('connection', (socket) => {
      socket.on('lottery.signIn', (request: unknown, ack: (reply: unknown) => void) => {
        LotterySignInSchema.parse(request);
        this.signIns += 1;
        ack(SIGNED_IN);
      });
      for (const resolve of this.connected.splice(0)) resolve();
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  nextConnection(): Promise<void> {
    return new Promise((resolve) => this.connected.push(resolve));
  }

  async stop(): Promise<void> {
    await this.io.close();
  }
}

/** A socket the way the agent's link makes one for each attempt (socket-factory.ts), to `url`. */
const attemptSocket = (url: string): AgentSocket =>
  io(`${url}${AGENT_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false }) as AgentSocket;

describe('LotteryHubClient', () => {
  const hub = new LotteryHubStub();
  const sockets: AgentSocket[] = [];
  let url = '';

  beforeAll(async () => {
    url = await hub.start();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => hub.stop());

  /** The client, its link's `ready` (the hub's hello ack) as a flag, and the link opening one attempt. */
  function client(to: string): { client: LotteryHubClient; greeted: (ready: boolean) => void; open: () => AgentSocket } {
    let ready = false;
    const hubClient = new LotteryHubClient(() => ready, ACK_TIMEOUT_MS);
    const factory = hubClient.tap(() => attemptSocket(to));
    return {
      client: hubClient,
      greeted: (value) => (ready = value),
      open: () => {
        const socket = factory();
        sockets.push(socket);
        socket.connect();
        return socket;
      },
    };
  }

  it('sends a request made mid-connect once the hub has greeted the agent', async () => {
    const { client: hubClient, greeted, open } = client(url);
    const connected = hub.nextConnection();
    open();
    // The person pressed Enter before the connection was through (before the hub even saw the socket).
    const reply = hubClient.request('lottery.signIn', SIGN_IN);
    await connected;
    greeted(true);
    await expect(reply).resolves.toEqual(SIGNED_IN);
    expect(hub.signIns).toBe(1);
  });

  it('is hub_unreachable at once when no attempt is under way', async () => {
    const { client: hubClient, open } = client(url);
    await expect(hubClient.request('lottery.signIn', SIGN_IN)).rejects.toBeInstanceOf(HubUnreachableError);
    // The link closed the attempt's socket (it failed, or the session ended): it is waited for no longer.
    open().close();
    await expect(hubClient.request('lottery.signIn', SIGN_IN)).rejects.toBeInstanceOf(HubUnreachableError);
  });

  it('stops waiting when the attempt under way fails', async () => {
    const closed = new LotteryHubStub();
    const closedUrl = await closed.start();
    await closed.stop();
    const { client: hubClient, open } = client(closedUrl);
    const socket = open();
    // What the link does with a refused attempt: close its socket (reconnect-loop.ts).
    socket.on('connect_error', () => socket.close());
    await expect(hubClient.request('lottery.signIn', SIGN_IN)).rejects.toBeInstanceOf(HubUnreachableError);
  });
});
