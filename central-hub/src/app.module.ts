import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { CertificateCalendarModule } from './certificate-calendar.module';
import { CertificatesModule } from './certificates.module';
import { ClusterModule } from './cluster.module';
import { ADMIN_TOKEN, HUB_CONFIG, type HubConfig } from './config';
import { FleetModule } from './fleet.module';
import { LOGGER, type Logger } from './logger';
import { LotteryDemoModule } from './lottery-demo.module';
import { LotteryModule } from './lottery.module';
import { LotteryPublicModule } from './lottery-public.module';
import { ReleasesModule } from './releases.module';
import { CLOCK, type Clock } from './repositories/clock.repository';
import { METRICS, type Metrics } from './repositories/metrics.repository';
import { PROCESS_CONTROL, type ProcessControl } from './repositories/process.repository';
import { RANDOM, type Random } from './repositories/random.repository';
import { SCHEDULER, type Scheduler } from './repositories/scheduler.repository';
import { WebsocketRepository } from './repositories/websocket.repository';
import { StorageModule } from './storage.module';

/** Everything the composition root (create-hub.ts) decides: configuration and the process's side effects. */
export interface HubRuntime {
  config: HubConfig;
  adminToken: string;
  logger: Logger;
  clock: Clock;
  random: Random;
  processControl: ProcessControl;
  scheduler: Scheduler;
  metrics: Metrics;
  /** The hub's public base URL; a function because with an ephemeral port it is known only once listening. */
  publicUrl: () => string;
}

@Global()
@Module({})
class RuntimeModule {
  static forRoot(runtime: HubRuntime): DynamicModule {
    const providers = [
      { provide: HUB_CONFIG, useValue: runtime.config },
      { provide: ADMIN_TOKEN, useValue: runtime.adminToken },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: CLOCK, useValue: runtime.clock },
      { provide: RANDOM, useValue: runtime.random },
      { provide: PROCESS_CONTROL, useValue: runtime.processControl },
      { provide: SCHEDULER, useValue: runtime.scheduler },
      { provide: METRICS, useValue: runtime.metrics },
      // The live sockets: shared by the fleet's gateways and by every service that pushes to consoles.
      { provide: WebsocketRepository, useClass: WebsocketRepository },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static forRoot(runtime: HubRuntime): DynamicModule {
    const { certificates } = runtime.config;
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot(runtime),
        ClusterModule.forRoot(runtime.config.redis),
        StorageModule.forRoot(runtime.config.database, runtime.config.dataDir),
        AuthModule,
        FleetModule,
        LotteryModule,
        LotteryDemoModule,
        LotteryPublicModule,
        CertificateCalendarModule,
        ReleasesModule,
        CertificatesModule.forRoot({
          factsFile: certificates.factsFile,
          trust: { anchorFiles: certificates.trustAnchorFiles, crlFiles: certificates.crlFiles },
          verifyBaseUrl: runtime.publicUrl,
          seedSyntheticResidents: certificates.seedResidents,
          demoServiceTime: certificates.demoServiceTime,
          specimen: certificates.specimen ?? certificates.seedResidents,
        }),
      ],
    };
  }
}
