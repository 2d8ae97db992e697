import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_TOKEN } from '../config';

/** Checks the operator's bearer token. Constant-time, on digests, so length leaks nothing either. */
@Injectable()
export class AdminAuthService {
  private readonly expected: Buffer;

  constructor(@Inject(ADMIN_TOKEN) adminToken: string) {
    this.expected = createHash('sha256').update(adminToken).digest();
  }

  isAdmin(authorizationHeader: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
    if (!match?.[1]) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]).digest(), this.expected);
  }
}
