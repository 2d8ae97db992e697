import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AGENT_NAMESPACE } from '@kiosk/protocols';

/**
 * The points of an agent's connect at which the hub's next answer can be held back (issue 12):
 * - `websocket`: the hub's answer to the websocket upgrade;
 * - `namespace`: the hub's CONNECT packet for `/agent` (the kiosk authentication passed);
 * - `hello`: the first ACK packet on `/agent`, the hello ack.
 */
export type HandshakeStage = 'websocket' | 'namespace' | 'hello';

/**
 * Server frames are not masked and socket.io does not compress them, so a packet's text shows in the
 * byte stream as it is: `40/agent,` is the namespace CONNECT, `43/agent,` the first ACK.
 */
const MARKERS: Record<Exclude<HandshakeStage, 'websocket'>, Buffer> = {
  namespace: Buffer.from(`40${AGENT_NAMESPACE},`),
  hello: Buffer.from(`43${AGENT_NAMESPACE},`),
};

interface Pair {
  client: Socket;
  hub: Socket;
}

/**
 * A TCP proxy on loopback between agents and the hub that can stop the hub's side of one connection at a
 * chosen handshake stage: what the hub sent from that point on is held (never reaches the agent), as if
 * the hub froze there. The test then kills the hub (the proxy closes the agent's side when the hub's
 * goes) or leaves it frozen. Test only; everything it opens, `close()` closes.
 */
export class HandshakeProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<Pair>();
  private hold: { stage: HandshakeStage; reached: () => void } | null = null;
  connections = 0;
  port = 0;

  constructor(private readonly hubPort: () => number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** The next connection stops at `stage`; resolves once it got there (the hub's packet is held). */
  holdNext(stage: HandshakeStage): Promise<void> {
    return new Promise((resolve) => {
      this.hold = { stage, reached: resolve };
    });
  }

  /** Cuts every connection (as a network blip would); the agents reconnect through the proxy. */
  dropAll(): void {
    for (const pair of this.pairs) this.end(pair);
  }

  async close(): Promise<void> {
    this.hold = null;
    this.dropAll();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.connections += 1;
    const hub = createConnection({ host: '127.0.0.1', port: this.hubPort() });
    const pair: Pair = { client, hub };
    this.pairs.add(pair);
    const hold = this.hold;
    this.hold = null;
    let holding = false;
    let tail: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (!holding) hub.write(chunk);
    });
    hub.on('data', (chunk: Buffer) => {
      if (holding) return;
      if (hold && this.reached(hold.stage, Buffer.concat([tail, chunk]))) {
        // From here on the agent hears nothing more from the hub (and the hub nothing from the agent).
        holding = true;
        hold.reached();
        return;
      }
      tail = chunk.subarray(Math.max(0, chunk.length - 16));
      client.write(chunk);
    });
    for (const socket of [client, hub]) {
      socket.on('close', () => this.end(pair));
      socket.on('error', () => this.end(pair));
    }
  }

  private reached(stage: HandshakeStage, bytes: Buffer): boolean {
    return stage === 'websocket' ? true : bytes.includes(MARKERS[stage]);
  }

  private end(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.hub.destroy();
  }
}
