import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { RedisConfig } from './config';
import { LOGGER, type Logger } from './logger';
import { HUB_CLUSTER, HubCluster } from './repositories/cluster.repository';

/** Closes the Redis connections after the socket.io server closed (Nest disposes servers before shutdown hooks). */
class ClusterCloser implements OnApplicationShutdown {
  constructor(@Inject(HUB_CLUSTER) private readonly cluster: HubCluster | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.cluster?.close();
  }
}

/**
 * Several hub processes (issue 14): the connection to Redis when HUB_REDIS_URL is set, else null (the
 * single-process hub, everything in memory). The socket.io adapter (gateways/cluster-io-adapter.ts)
 * and kiosk presence (WebsocketRepository) use it.
 */
@Global()
@Module({})
export class ClusterModule {
  static forRoot(redis: RedisConfig | null): DynamicModule {
    return {
      module: ClusterModule,
      providers: [
        { provide: HUB_CLUSTER, useFactory: (log: Logger) => (redis ? HubCluster.connect(redis, log) : null), inject: [LOGGER] },
        ClusterCloser,
      ],
      exports: [HUB_CLUSTER],
    };
  }
}
