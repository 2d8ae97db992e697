import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_TOKEN } from '../config';

/**
 * The hub's bootstrap admin token (HUB_ADMIN_TOKEN or `<dataDir>/admin-token`): an all-municipality
 * administrator credential for scripts and first set-up. Constant-time, on digests, so length leaks
 * nothing either.
 */
@Injectable()
export class AdminAuthService {
  private readonly expected: Buffer;

  constructor(@Inject(ADMIN_TOKEN) adminToken: string) {
    this.expected = createHash('sha256').update(adminToken).digest();
  }

  isAdminToken(token: string): boolean {
    return timingSafeEqual(createHash('sha256').update(token).digest(), this.expected);
  }

  isAdmin(authorizationHeader: string | undefined): boolean {
    const token = bearerToken(authorizationHeader);
    return token !== undefined && this.isAdminToken(token);
  }
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorizationHeader: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
  return match?.[1];
}
