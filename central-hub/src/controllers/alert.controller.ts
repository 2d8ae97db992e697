import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AlertAckRequestSchema, AlertQuerySchema, type Alert, type AlertQuery } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { AlertService } from '../services/alert.service';
import { QueryPipe, ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/** The REST body of an acknowledgement: the alert id is in the path. */
const AckBodySchema = AlertAckRequestSchema.omit({ alertId: true });
const AlertIdSchema = z.uuidv7();

@Controller('api/alerts')
@UseGuards(SessionGuard)
export class AlertController {
  constructor(@Inject(AlertService) private readonly alerts: AlertService) {}

  /** `?state=open|acknowledged|resolved|active&kioskId=&limit=`; active (the default) oldest first. */
  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query(new QueryPipe(AlertQuerySchema, 'alert query', ['limit'])) query: AlertQuery): Promise<Alert[]> {
    return this.alerts.list(principal, query);
  }

  /** Technicians and administrators: open → acknowledged, with a comment. */
  @Post(':alertId/ack')
  @HttpCode(HttpStatus.OK)
  acknowledge(
    @CurrentPrincipal() principal: Principal,
    @Param('alertId', new ZodPipe(AlertIdSchema, 'alert id')) alertId: string,
    @Body(new ZodPipe(AckBodySchema, 'acknowledgement')) body: z.infer<typeof AckBodySchema>,
  ): Promise<Alert> {
    return this.alerts.acknowledge(principal, { alertId, comment: body.comment });
  }
}
