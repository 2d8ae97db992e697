import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { unauthorized } from '../errors';
import { AdminAuthService } from '../services/admin-auth.service';

/** Operator routes: `Authorization: Bearer <admin token>`, else 401 `unauthorized`. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(AdminAuthService) private readonly admin: AdminAuthService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.admin.isAdmin(request.headers.authorization)) throw unauthorized('admin token required');
    return true;
  }
}
