import { Module } from '@nestjs/common';
import { AuditController } from './controllers/audit.controller';
import { AuthController } from './controllers/auth.controller';
import { SessionGuard } from './controllers/session.guard';
import { UserController } from './controllers/user.controller';
import { AdminAuthService } from './services/admin-auth.service';
import { AuditService } from './services/audit.service';
import { AuthService } from './services/auth.service';
import { UserService } from './services/user.service';

/** Auth: technician accounts, sessions, the bootstrap admin token, and the audit trail. */
@Module({
  controllers: [AuthController, UserController, AuditController],
  providers: [AdminAuthService, AuthService, UserService, AuditService, SessionGuard],
  exports: [AuthService, AuditService, SessionGuard],
})
export class AuthModule {}
