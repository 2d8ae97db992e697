import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from './logger';
import { ALERT_REPOSITORY, KyselyAlertRepository } from './repositories/alert.repository';
import { AUDIT_REPOSITORY, KyselyAuditRepository } from './repositories/audit.repository';
import { CASH_RECONCILIATION_REPOSITORY, KyselyCashReconciliationRepository } from './repositories/cash-reconciliation.repository';
import { CASH_VOUCHER_REPOSITORY, KyselyCashVoucherRepository } from './repositories/cash-vouchers.repository';
import { COMMAND_REPOSITORY, KyselyCommandRepository } from './repositories/command.repository';
import { DATABASE } from './repositories/database.repository';
import type { DatabaseConfig } from './config';
import type { HubStore } from './storage/hub-store';
import { JOB_LEADERSHIP, openJobLeadership, type JobLeadership } from './storage/job-leadership';
import { openHubStore } from './storage/open-hub-store';
import { ENROLMENT_REPOSITORY, KyselyEnrolmentRepository } from './repositories/enrolment.repository';
import { EVENT_REPOSITORY, KyselyEventRepository } from './repositories/event.repository';
import { KIOSK_REPOSITORY, KyselyKioskRepository } from './repositories/kiosk.repository';
import { LOGIN_THROTTLE_REPOSITORY, KyselyLoginThrottleRepository } from './repositories/login-throttle.repository';
import { NONCE_REPOSITORY, KyselyNonceRepository } from './repositories/nonce.repository';
import { SESSION_REPOSITORY, KyselySessionRepository } from './repositories/session.repository';
import { STATUS_REPOSITORY, KyselyStatusRepository } from './repositories/status.repository';
import { KyselyTelemetryRepository, TELEMETRY_REPOSITORY } from './repositories/telemetry.repository';
import { KyselyUserRepository, USER_REPOSITORY } from './repositories/user.repository';
import { LOG_UPLOAD_REPOSITORY, KyselyLogUploadRepository } from './repositories/log-upload.repository';
import { KyselyRetentionRepository, RETENTION_REPOSITORY } from './repositories/retention.repository';

/**
 * Storage: the `HubStore` the configuration names (embedded SQLite or PostgreSQL, issue 13) and each
 * repository interface bound to its implementation, written once against the store.
 */
const REPOSITORIES = [
  { provide: KIOSK_REPOSITORY, useClass: KyselyKioskRepository },
  { provide: EVENT_REPOSITORY, useClass: KyselyEventRepository },
  { provide: ENROLMENT_REPOSITORY, useClass: KyselyEnrolmentRepository },
  { provide: NONCE_REPOSITORY, useClass: KyselyNonceRepository },
  { provide: COMMAND_REPOSITORY, useClass: KyselyCommandRepository },
  { provide: STATUS_REPOSITORY, useClass: KyselyStatusRepository },
  { provide: TELEMETRY_REPOSITORY, useClass: KyselyTelemetryRepository },
  { provide: ALERT_REPOSITORY, useClass: KyselyAlertRepository },
  { provide: USER_REPOSITORY, useClass: KyselyUserRepository },
  { provide: SESSION_REPOSITORY, useClass: KyselySessionRepository },
  { provide: LOGIN_THROTTLE_REPOSITORY, useClass: KyselyLoginThrottleRepository },
  { provide: AUDIT_REPOSITORY, useClass: KyselyAuditRepository },
  { provide: LOG_UPLOAD_REPOSITORY, useClass: KyselyLogUploadRepository },
  { provide: CASH_RECONCILIATION_REPOSITORY, useClass: KyselyCashReconciliationRepository },
  { provide: CASH_VOUCHER_REPOSITORY, useClass: KyselyCashVoucherRepository },
  { provide: RETENTION_REPOSITORY, useClass: KyselyRetentionRepository },
];

/**
 * Closes the store after the HTTP and socket servers closed, so no request is cut mid-write; and gives
 * up the process's job leadership (the scheduler stopped before, in SweepService.onModuleDestroy).
 */
class StoreCloser implements OnApplicationShutdown {
  constructor(
    private readonly store: HubStore,
    private readonly leadership: JobLeadership,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.leadership.close();
    await this.store.close();
  }
}

@Global()
@Module({})
export class StorageModule {
  static forRoot(database: DatabaseConfig, dataDir: string): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        { provide: DATABASE, useFactory: (log: Logger) => openHubStore(database, dataDir, log), inject: [LOGGER] },
        // Which once-only jobs this process runs (issue 14): all of them on SQLite; on PostgreSQL one process each.
        { provide: JOB_LEADERSHIP, useFactory: (log: Logger) => openJobLeadership(database, log), inject: [LOGGER] },
        { provide: StoreCloser, useFactory: (store: HubStore, leadership: JobLeadership) => new StoreCloser(store, leadership), inject: [DATABASE, JOB_LEADERSHIP] },
        ...REPOSITORIES,
      ],
      exports: [DATABASE, JOB_LEADERSHIP, ...REPOSITORIES.map((r) => r.provide)],
    };
  }
}
