import type { INestApplicationContext } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import type { HubCluster } from '../repositories/cluster.repository';
import { GuardedIoAdapter, type SocketGuard } from './socket-guard';

/**
 * Nest's socket.io adapter for several hub processes (issue 14): the guarded server, with socket.io's
 * Redis Streams adapter, so that a room broadcast (a console push, a command to a kiosk's room and its
 * ack) reaches the sockets of every process. The stream resumes after a Redis disconnection without
 * losing packets. Stream and channel names carry the hub's key prefix (one hub per prefix).
 */
export class ClusteredIoAdapter extends GuardedIoAdapter {
  constructor(
    app: INestApplicationContext,
    guard: SocketGuard,
    private readonly cluster: HubCluster,
  ) {
    super(app, guard);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options);
    const prefix = this.cluster.socketIoPrefix;
    server.adapter(createAdapter(this.cluster.client, { streamName: prefix, channelPrefix: prefix, sessionKeyPrefix: `${prefix}:session:` }));
    return server;
  }

  override async close(server: Parameters<GuardedIoAdapter['close']>[0]): Promise<void> {
    await this.cluster.quiesce();
    await super.close(server);
  }
}
