import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { LimitsConfig } from '../config';
import type { Logger } from '../logger';

type EngineSocket = Socket['conn'];

/** The client address a limit is counted against (the TCP peer; no proxy header is trusted). */
export function peerAddress(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * What a socket.io client costs the hub before it has authenticated on a namespace (the agent's signed
 * handshake, the console's session token: both namespaces authenticate in their middleware, so a
 * namespace `connection` means an authenticated peer):
 *
 * - bytes: at most `preAuthSocketBytes` on the TCP connection (counted as they arrive, before the
 *   websocket layer assembles a frame or socket.io parses one); beyond that the connection is destroyed,
 *   so an oversized or deeply nested frame from a stranger is never buffered whole nor parsed. After
 *   authentication the server's `maxHttpBufferSize` (socket-options.ts) is the only bound.
 * - connections: at most `preAuthConnectsPerAddress` per address and window that have not authenticated;
 *   an authenticated connection gives its point back, so a fleet behind one address that reconnects
 *   in turn is not throttled, while a stranger opening connections is refused at the upgrade (HTTP 403).
 * - the default namespace `/` (which has no middleware) is closed.
 * - a connection whose client left its last namespace is closed.
 */
export class SocketGuard {
  private readonly log: Logger;
  private readonly connects: RateLimiterMemory | undefined;
  private readonly authenticated = new WeakSet<EngineSocket>();
  /** How many namespaces each connection has joined and not left. */
  private readonly namespaces = new WeakMap<EngineSocket, number>();

  constructor(
    private readonly limits: LimitsConfig,
    root: Logger,
  ) {
    this.log = root.child({ module: 'socket-guard' });
    this.connects =
      limits.preAuthConnectsPerAddress > 0
        ? new RateLimiterMemory({ points: limits.preAuthConnectsPerAddress, duration: Math.ceil(limits.preAuthConnectWindowMs / 1000) })
        : undefined;
  }

  /** engine.io's `allowRequest`: refuses an address over its unauthenticated connections. */
  readonly allowRequest = (request: IncomingMessage, answer: (error: string | null | undefined, success: boolean) => void): void => {
    if (!this.connects) return answer(null, true);
    const address = peerAddress(request);
    this.connects.consume(address).then(
      () => answer(null, true),
      (refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) this.log.error({ err: refusal instanceof Error ? refusal.message : String(refusal) }, 'connection limiter failed');
        else this.log.warn({ code: 'rate_limited', address }, 'socket connection refused: too many unauthenticated connections');
        answer('too many connections', false);
      },
    );
  };

  attach(io: Server): void {
    io.of('/').use((_socket, next) => next(new Error('no such namespace')));
    io.engine.on('connection', (conn: EngineSocket) => this.watch(conn));
    io.on('new_namespace', (namespace) => {
      namespace.on('connection', (socket: Socket) => {
        this.admit(socket.conn);
        this.closeWhenLeft(socket);
      });
    });
  }

  /** Counts what the connection sends until it authenticates. */
  private watch(conn: EngineSocket): void {
    const tcp = conn.request.socket;
    let received = 0;
    const count = (chunk: Buffer): void => {
      if (this.authenticated.has(conn)) {
        tcp.off('data', count);
        return;
      }
      received += chunk.length;
      if (received <= this.limits.preAuthSocketBytes) return;
      tcp.off('data', count);
      this.log.warn({ code: 'too_large', address: peerAddress(conn.request), bytes: received }, 'unauthenticated socket sent too much; closed');
      tcp.destroy();
    };
    tcp.on('data', count);
  }

  /**
   * A client that leaves its last namespace (a DISCONNECT packet) has its connection closed: socket.io
   * would keep it open with no namespace, and drop whatever the client sends on it unanswered (the
   * fuzzer found a console probe left without an answer or a close). A real client closes the connection
   * itself when its last socket disconnects, so nothing legitimate is cut.
   */
  private closeWhenLeft(socket: Socket): void {
    this.namespaces.set(socket.conn, (this.namespaces.get(socket.conn) ?? 0) + 1);
    socket.once('disconnect', (reason) => {
      const left = (this.namespaces.get(socket.conn) ?? 1) - 1;
      this.namespaces.set(socket.conn, left);
      if (left === 0 && reason === 'client namespace disconnect') socket.conn.close();
    });
  }

  private admit(conn: EngineSocket): void {
    if (this.authenticated.has(conn)) return;
    this.authenticated.add(conn);
    const address = peerAddress(conn.request);
    this.connects?.reward(address, 1).catch((error: unknown) => {
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'connection limiter failed');
    });
  }
}

/** Nest's socket.io adapter, with the guard on the one server both namespaces share. */
export class GuardedIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly guard: SocketGuard,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, allowRequest: this.guard.allowRequest }) as Server;
    this.guard.attach(server);
    return server;
  }
}
