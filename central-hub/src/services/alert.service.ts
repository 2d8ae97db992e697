import { Inject, Injectable } from '@nestjs/common';
import type { Alert, AlertAckRequest, AlertQuery, AlertState } from '@kiosk/protocols';
import { conflict, forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { ALERT_REPOSITORY, toAlert, type AlertRepository } from '../repositories/alert.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { can, inScope, type Principal } from './access.rules';
import { AuditService } from './audit.service';
import { FleetService } from './fleet.service';

const DEFAULT_ALERT_LIMIT = 200;

/** Alerts as technicians handle them: the list, and acknowledging one with a comment. */
@Injectable()
export class AlertService {
  private readonly log: Logger;

  constructor(
    @Inject(ALERT_REPOSITORY) private readonly alerts: AlertRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'alerts' });
  }

  /** Open and acknowledged alerts oldest first (the default), or resolved ones newest first. */
  async list(principal: Principal, query: AlertQuery): Promise<Alert[]> {
    const state = query.state ?? 'active';
    const states: AlertState[] = state === 'active' ? ['open', 'acknowledged'] : [state];
    const alerts = await this.alerts.list({
      states,
      kioskId: query.kioskId,
      municipality: principal.municipality,
      limit: query.limit ?? DEFAULT_ALERT_LIMIT,
    });
    return alerts.map(toAlert);
  }

  async acknowledge(principal: Principal, request: AlertAckRequest): Promise<Alert> {
    const alert = await this.alerts.findById(request.alertId);
    if (!alert || !inScope(principal, alert.municipality)) throw notFound(`no alert ${request.alertId}`);
    const facts = { action: 'alert.acknowledged' as const, municipality: alert.municipality, kioskId: alert.kioskId, target: alert.alertId };
    if (!can(principal, 'acknowledge', alert.municipality)) {
      await this.audit.record(this.audit.draft(principal, { ...facts, outcome: 'refused', detail: { reason: 'role', role: principal.role } }));
      this.log.warn({ username: principal.username, alertId: alert.alertId, code: 'forbidden' }, 'alert acknowledgement refused');
      throw forbidden(`a ${principal.role} cannot acknowledge alerts`);
    }
    if (alert.state !== 'open') throw conflict(`alert ${alert.alertId} is ${alert.state}`);
    const at = this.clock.now().toISOString();
    const done = await this.alerts.acknowledge(
      alert.alertId,
      principal.username,
      request.comment,
      at,
      this.audit.draft(principal, { ...facts, outcome: 'ok', detail: { kind: alert.kind, comment: request.comment } }),
    );
    if (!done) throw conflict(`alert ${alert.alertId} is no longer open`);
    this.audit.published(done.entry);
    this.log.info({ username: principal.username, alertId: alert.alertId, kioskId: alert.kioskId, kind: alert.kind }, 'alert acknowledged');
    const acknowledged = toAlert(done.alert);
    this.sockets.publishAlert(acknowledged);
    this.fleet.alertChanged(acknowledged);
    this.fleet.requestOverviewPush();
    return acknowledged;
  }
}
