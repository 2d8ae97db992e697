import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback in front of a hub whose gate the test opens: while it is shut, connections
 * are accepted and held, nothing passing either way (a kiosk whose reconnect is slow to get through);
 * once open, each held and each new connection is piped to the hub. `close()` ends every connection.
 */
export class GatedProxy {
  private server: Server | null = null;
  private open = false;
  private readonly held: Socket[] = [];
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections accepted and waiting for the gate. */
  get waiting(): number {
    return this.held.length;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      if (this.open) this.pipe(client);
      else {
        client.pause();
        this.held.push(client);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  openGate(): void {
    this.open = true;
    for (const client of this.held.splice(0)) if (!client.destroyed) this.pipe(client);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private pipe(client: Socket): void {
    const hub = createConnection(this.target);
    this.sockets.add(hub);
    hub.on('close', () => {
      this.sockets.delete(hub);
      client.destroy();
    });
    hub.on('error', () => hub.destroy());
    client.on('close', () => hub.destroy());
    client.pipe(hub);
    hub.pipe(client);
    client.resume();
  }
}
