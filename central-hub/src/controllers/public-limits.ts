import { Inject, Injectable, Optional, type CallHandler, type CanActivate, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Observable, from, mergeMap, tap } from 'rxjs';
import { DEFAULT_LIMITS_CONFIG, HUB_CONFIG, type HubConfig } from '../config';
import { rateLimited } from '../errors';
import { LOGGER, type Logger } from '../logger';

const clientAddress = (context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<Request>();
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
};

/**
 * A public route anyone may read, but not hammer: every request counts, per client address per minute
 * (HUB_VERIFY_PER_MINUTE); past it, 429. Each subclass is its own bucket.
 */
abstract class PerMinuteRateGuard implements CanActivate {
  private readonly limiter: RateLimiterMemory | undefined;
  private readonly log: Logger;

  constructor(
    config: HubConfig | undefined,
    root: Logger,
    private readonly what: string,
  ) {
    const points = (config?.limits ?? DEFAULT_LIMITS_CONFIG).verifyPerMinute;
    this.limiter = points > 0 ? new RateLimiterMemory({ points, duration: 60 }) : undefined;
    this.log = root.child({ module: 'public-limits' });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiter) return true;
    const address = clientAddress(context);
    try {
      await this.limiter.consume(address);
      return true;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      this.log.warn({ code: 'rate_limited', address }, `${this.what} refused: too many`);
      throw rateLimited('too many lookups; try again later');
    }
  }
}

/** `/verify/:code` and `/api/verify/:code`: anyone may check a certificate, but not enumerate codes. */
@Injectable()
export class VerifyRateGuard extends PerMinuteRateGuard {
  // Optional: a module built on its own (a test of the certificates module) gets the default limits.
  constructor(@Optional() @Inject(HUB_CONFIG) config: HubConfig | undefined, @Inject(LOGGER) root: Logger) {
    super(config, root, 'verify lookups');
  }
}

/** `/api/public/lottery/...`: the lottery's commitments and draw documents, the same limit in its own bucket. */
@Injectable()
export class PublicLotteryRateGuard extends PerMinuteRateGuard {
  constructor(@Optional() @Inject(HUB_CONFIG) config: HubConfig | undefined, @Inject(LOGGER) root: Logger) {
    super(config, root, 'public lottery lookups');
  }
}

/**
 * `/api/kiosks/enrol`: the one-time code is the only secret, so attempts that do not enrol count, per
 * client address per hour (HUB_FAILED_ENROLMENTS_PER_HOUR); past it, 429 before the code is looked at.
 * Successful enrolments do not count, so a site enrolling its kiosks is never held back.
 */
@Injectable()
export class EnrolRateInterceptor implements NestInterceptor {
  private readonly limiter: RateLimiterMemory | undefined;
  private readonly log: Logger;

  constructor(@Inject(HUB_CONFIG) config: HubConfig, @Inject(LOGGER) root: Logger) {
    const points = config.limits.failedEnrolmentsPerHour;
    this.limiter = points > 0 ? new RateLimiterMemory({ points, duration: 3600 }) : undefined;
    this.log = root.child({ module: 'public-limits' });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limiter = this.limiter;
    if (!limiter) return next.handle();
    const address = clientAddress(context);
    return from(limiter.get(address)).pipe(
      mergeMap((state) => {
        if (state !== null && state.consumedPoints >= limiter.points) {
          this.log.warn({ code: 'rate_limited', address }, 'enrolment refused: too many failed attempts');
          throw rateLimited('too many failed enrolments; try again later');
        }
        // Counted once it failed: attempts in flight together may pass the limit by their number.
        return next.handle().pipe(
          tap({
            error: () => {
              limiter.penalty(address, 1).catch((error: unknown) => {
                this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'enrolment limiter failed');
              });
            },
          }),
        );
      }),
    );
  }
}
