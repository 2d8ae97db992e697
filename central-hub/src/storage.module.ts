import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from './logger';
import { ALERT_REPOSITORY, SqliteAlertRepository } from './repositories/alert.repository';
import { AUDIT_REPOSITORY, SqliteAuditRepository } from './repositories/audit.repository';
import { CASH_RECONCILIATION_REPOSITORY, SqliteCashReconciliationRepository } from './repositories/cash-reconciliation.repository';
import { COMMAND_REPOSITORY, SqliteCommandRepository } from './repositories/command.repository';
import { DATABASE } from './repositories/database.repository';
import type { DatabaseConfig } from './config';
import type { HubStore } from './storage/hub-store';
import { openHubStore } from './storage/open-hub-store';
import { ENROLMENT_REPOSITORY, SqliteEnrolmentRepository } from './repositories/enrolment.repository';
import { EVENT_REPOSITORY, SqliteEventRepository } from './repositories/event.repository';
import { KIOSK_REPOSITORY, SqliteKioskRepository } from './repositories/kiosk.repository';
import { LOGIN_THROTTLE_REPOSITORY, SqliteLoginThrottleRepository } from './repositories/login-throttle.repository';
import { NONCE_REPOSITORY, SqliteNonceRepository } from './repositories/nonce.repository';
import { SESSION_REPOSITORY, SqliteSessionRepository } from './repositories/session.repository';
import { STATUS_REPOSITORY, SqliteStatusRepository } from './repositories/status.repository';
import { SqliteTelemetryRepository, TELEMETRY_REPOSITORY } from './repositories/telemetry.repository';
import { SqliteUserRepository, USER_REPOSITORY } from './repositories/user.repository';
import { LOG_UPLOAD_REPOSITORY, SqliteLogUploadRepository } from './repositories/log-upload.repository';

/**
 * Storage: the `HubStore` the configuration names (embedded SQLite or PostgreSQL, issue 13) and each
 * repository interface bound to its implementation, written once against the store.
 */
const REPOSITORIES = [
  { provide: KIOSK_REPOSITORY, useClass: SqliteKioskRepository },
  { provide: EVENT_REPOSITORY, useClass: SqliteEventRepository },
  { provide: ENROLMENT_REPOSITORY, useClass: SqliteEnrolmentRepository },
  { provide: NONCE_REPOSITORY, useClass: SqliteNonceRepository },
  { provide: COMMAND_REPOSITORY, useClass: SqliteCommandRepository },
  { provide: STATUS_REPOSITORY, useClass: SqliteStatusRepository },
  { provide: TELEMETRY_REPOSITORY, useClass: SqliteTelemetryRepository },
  { provide: ALERT_REPOSITORY, useClass: SqliteAlertRepository },
  { provide: USER_REPOSITORY, useClass: SqliteUserRepository },
  { provide: SESSION_REPOSITORY, useClass: SqliteSessionRepository },
  { provide: LOGIN_THROTTLE_REPOSITORY, useClass: SqliteLoginThrottleRepository },
  { provide: AUDIT_REPOSITORY, useClass: SqliteAuditRepository },
  { provide: LOG_UPLOAD_REPOSITORY, useClass: SqliteLogUploadRepository },
  { provide: CASH_RECONCILIATION_REPOSITORY, useClass: SqliteCashReconciliationRepository },
];

/** Closes the store after the HTTP and socket servers closed, so no request is cut mid-write. */
class StoreCloser implements OnApplicationShutdown {
  constructor(private readonly store: HubStore) {}
  async onApplicationShutdown(): Promise<void> {
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
        { provide: StoreCloser, useFactory: (store: HubStore) => new StoreCloser(store), inject: [DATABASE] },
        ...REPOSITORIES,
      ],
      exports: [DATABASE, ...REPOSITORIES.map((r) => r.provide)],
    };
  }
}
