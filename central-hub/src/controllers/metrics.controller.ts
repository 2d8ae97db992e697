import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsService } from '../services/metrics.service';

/**
 * `/metrics` in the Prometheus text format, for a scraper on the hub's network. Like `/health` it
 * needs no session: it holds counts, never a kiosk id or a person.
 */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  async render(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    // Sent as is: Express's send() would rewrite the content type's parameters.
    response.status(200).setHeader('content-type', contentType);
    response.end(body);
  }
}
