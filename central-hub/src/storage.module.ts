import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LOGGER, type Logger } from './logger';
import { ALERT_REPOSITORY, SqliteAlertRepository } from './repositories/alert.repository';
import { AUDIT_REPOSITORY, SqliteAuditRepository } from './repositories/audit.repository';
import { CASH_RECONCILIATION_REPOSITORY, SqliteCashReconciliationRepository } from './repositories/cash-reconciliation.repository';
import { COMMAND_REPOSITORY, SqliteCommandRepository } from './repositories/command.repository';
import { DATABASE, SqliteDatabase } from './repositories/database.repository';
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
 * Storage: each repository interface bound to its SQLite implementation. A PostgreSQL implementation
 * would be bound here instead (by configuration), and no service would change.
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

@Global()
@Module({})
export class StorageModule {
  static forRoot(dataDir: string): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        { provide: SqliteDatabase, useFactory: (log: Logger) => new SqliteDatabase(dataDir, log), inject: [LOGGER] },
        { provide: DATABASE, useExisting: SqliteDatabase },
        ...REPOSITORIES,
      ],
      exports: [DATABASE, ...REPOSITORIES.map((r) => r.provide)],
    };
  }
}
