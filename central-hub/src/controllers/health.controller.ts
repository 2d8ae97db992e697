import { Controller, Get, HttpStatus, Inject } from '@nestjs/common';
import { ProtocolException } from '../errors';
import { HealthService } from '../services/health.service';

@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** 200 `{ status: 'ok' }` when the database answers; 503 with a structured error when not. */
  @Get()
  async check(): Promise<{ status: 'ok' }> {
    if (!(await this.health.isHealthy())) {
      throw new ProtocolException(HttpStatus.SERVICE_UNAVAILABLE, 'internal', 'database unavailable');
    }
    return { status: 'ok' };
  }
}
