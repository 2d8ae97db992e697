import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '../logger';
import { DATABASE, type DatabaseRepository } from '../repositories/database.repository';

@Injectable()
export class HealthService {
  private readonly log: Logger;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseRepository,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'health' });
  }

  /** True when the database answers a trivial query. */
  async isHealthy(): Promise<boolean> {
    try {
      await this.database.ping();
      return true;
    } catch (error) {
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'health check: database unavailable');
      return false;
    }
  }
}
