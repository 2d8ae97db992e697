import { Inject, Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { unauthorized } from '../errors';
import type { Principal } from '../services/access.rules';
import { bearerToken } from '../services/admin-auth.service';
import { AuthService } from '../services/auth.service';

export interface AuthedRequest extends Request {
  principal?: Principal;
}

/**
 * Fleet routes: `Authorization: Bearer <token>` with a live session token (or the bootstrap admin
 * token), else 401 `unauthorized`. What the principal may do there is the services' business.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.auth.authenticate(bearerToken(request.headers.authorization));
    if (!principal) throw unauthorized('sign in first: Authorization: Bearer <session token>');
    request.principal = principal;
    return true;
  }
}

/** The principal SessionGuard authenticated. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw unauthorized('not signed in');
  return principal;
});
