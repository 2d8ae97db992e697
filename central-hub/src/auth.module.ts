import { Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from './config';
import { AuditController } from './controllers/audit.controller';
import { AuthController } from './controllers/auth.controller';
import { SessionGuard } from './controllers/session.guard';
import { UserController } from './controllers/user.controller';
import { AdminAuthService } from './services/admin-auth.service';
import { AUDIT_CHECKPOINT_FILE, AuditCheckpointFile } from './repositories/audit-checkpoint-file.repository';
import { AUDIT_SIGNING_KEY, auditKeyFile, loadOrCreateAuditKey } from './repositories/audit-key.repository';
import { AuditCheckpointService } from './services/audit-checkpoint.service';
import { AuditService } from './services/audit.service';
import { AuthService } from './services/auth.service';
import { UserService } from './services/user.service';

/** Auth: technician accounts, sessions, the bootstrap admin token, and the audit trail with its signed checkpoints. */
@Module({
  controllers: [AuthController, UserController, AuditController],
  providers: [
    AdminAuthService,
    AuthService,
    UserService,
    AuditService,
    AuditCheckpointService,
    SessionGuard,
    // The signing key is read (or made) at start, so a key file the hub cannot read stops it there.
    { provide: AUDIT_SIGNING_KEY, useFactory: (config: HubConfig) => loadOrCreateAuditKey(auditKeyFile(config.dataDir, config.audit.keyFile)), inject: [HUB_CONFIG] },
    { provide: AUDIT_CHECKPOINT_FILE, useFactory: (config: HubConfig) => new AuditCheckpointFile(config.dataDir), inject: [HUB_CONFIG] },
  ],
  exports: [AuthService, AuditService, SessionGuard],
})
export class AuthModule {}
