import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LOGGER, type Logger } from './logger';
import { COMMAND_REPOSITORY, SqliteCommandRepository } from './repositories/command.repository';
import { DATABASE, SqliteDatabase } from './repositories/database.repository';
import { ENROLMENT_REPOSITORY, SqliteEnrolmentRepository } from './repositories/enrolment.repository';
import { EVENT_REPOSITORY, SqliteEventRepository } from './repositories/event.repository';
import { KIOSK_REPOSITORY, SqliteKioskRepository } from './repositories/kiosk.repository';
import { NONCE_REPOSITORY, SqliteNonceRepository } from './repositories/nonce.repository';

/**
 * Storage: each repository interface bound to its SQLite implementation. A PostgreSQL implementation
 * would be bound here instead (by configuration), and no service would change.
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(dataDir: string): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        { provide: SqliteDatabase, useFactory: (log: Logger) => new SqliteDatabase(dataDir, log), inject: [LOGGER] },
        { provide: DATABASE, useExisting: SqliteDatabase },
        { provide: KIOSK_REPOSITORY, useClass: SqliteKioskRepository },
        { provide: EVENT_REPOSITORY, useClass: SqliteEventRepository },
        { provide: ENROLMENT_REPOSITORY, useClass: SqliteEnrolmentRepository },
        { provide: NONCE_REPOSITORY, useClass: SqliteNonceRepository },
        { provide: COMMAND_REPOSITORY, useClass: SqliteCommandRepository },
      ],
      exports: [DATABASE, KIOSK_REPOSITORY, EVENT_REPOSITORY, ENROLMENT_REPOSITORY, NONCE_REPOSITORY, COMMAND_REPOSITORY],
    };
  }
}
