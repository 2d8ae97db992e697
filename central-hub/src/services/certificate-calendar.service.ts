import { Inject, Injectable } from '@nestjs/common';
import type {
  FeeTable,
  FeeTableQuery,
  MaintenanceDayChange,
  MaintenanceDayList,
  MaintenanceDayListQuery,
  MaintenanceDayRequest,
  ServiceAvailabilityAt,
  ServiceAvailabilityQuery,
  ServiceCalendarQuery,
  ServiceCalendarView,
} from '@kiosk/protocols';
import type { MunicipalityCatalogue } from '../domain/certificates/catalogue';
import { feeTable } from '../domain/certificates/fees';
import { serviceDays } from '../domain/certificates/service-hours';
import { jstDate } from '../domain/jst';
import { badRequest, forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { MAINTENANCE_DAY_REPOSITORY, type MaintenanceDayRepository } from '../repositories/maintenance-day.repository';
import { can, hasRole, inScope, refusal, type Principal } from './access.rules';
import { AuditService } from './audit.service';
import { CERTIFICATES_CONFIG, type CertificatesConfig } from './certificates.config';
import { CertificatesService } from './certificates.service';

type MaintenanceAction = 'maintenance-day.scheduled' | 'maintenance-day.cancelled';

/**
 * The certificate service as operators see it (issue 18): the fee table, the calendar, "open at T?"
 * (technicians and administrators of the municipality), and the maintenance days administrators
 * schedule and cancel, each change audited in the same transaction. Answers come from the catalogue
 * and the service-hours rule the kiosks are judged by. A municipality outside the caller's scope, or
 * one the hub issues no certificates for, is "not found".
 */
@Injectable()
export class CertificateCalendarService {
  private readonly log: Logger;

  constructor(
    @Inject(CERTIFICATES_CONFIG) private readonly config: CertificatesConfig,
    @Inject(CertificatesService) private readonly certificates: CertificatesService,
    @Inject(MAINTENANCE_DAY_REPOSITORY) private readonly maintenance: MaintenanceDayRepository,
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'certificate-calendar' });
  }

  feeTable(principal: Principal, query: FeeTableQuery): FeeTable {
    this.requireReader(principal);
    const catalogues = query.municipality === undefined ? [...this.config.catalogues.values()].filter((c) => inScope(principal, c.municipality)) : [this.readable(principal, query.municipality)];
    return {
      municipalities: catalogues.map((catalogue) => ({
        municipality: catalogue.municipality,
        hours: { open: catalogue.hours.open, close: catalogue.hours.close, closedDays: [...catalogue.hours.closedDays] },
        entries: feeTable(catalogue),
      })),
    };
  }

  async calendar(principal: Principal, query: ServiceCalendarQuery): Promise<ServiceCalendarView> {
    const catalogue = this.readable(principal, query.municipality);
    const maintenanceDays = new Set(await this.maintenance.listFrom(catalogue.municipality, query.from));
    return { municipality: catalogue.municipality, days: serviceDays(query.from, query.to, { ...catalogue.hours, maintenanceDays }) };
  }

  async availability(principal: Principal, query: ServiceAvailabilityQuery): Promise<ServiceAvailabilityAt> {
    const catalogue = this.readable(principal, query.municipality);
    const at = query.at === undefined ? undefined : new Date(query.at);
    const availability = await this.certificates.availabilityIn(catalogue.municipality, at);
    return { municipality: catalogue.municipality, at: (at ?? this.clock.now()).toISOString(), availability };
  }

  /** The maintenance days from today (JST) on. */
  async maintenanceDays(principal: Principal, query: MaintenanceDayListQuery): Promise<MaintenanceDayList> {
    const catalogue = this.readable(principal, query.municipality);
    return { municipality: catalogue.municipality, days: await this.maintenance.listScheduled(catalogue.municipality, this.today()) };
  }

  schedule(principal: Principal, request: MaintenanceDayRequest): Promise<MaintenanceDayChange> {
    return this.change(principal, request, 'maintenance-day.scheduled');
  }

  cancel(principal: Principal, request: MaintenanceDayRequest): Promise<MaintenanceDayChange> {
    return this.change(principal, request, 'maintenance-day.cancelled');
  }

  private async change(principal: Principal, request: MaintenanceDayRequest, action: MaintenanceAction): Promise<MaintenanceDayChange> {
    const { municipality, day } = request;
    const kioskId = request.kioskId ?? null;
    const refused = this.config.catalogues.has(municipality) ? refusal(principal, 'schedule-maintenance', municipality) : 'municipality';
    if (refused) {
      this.log.warn({ username: principal.username, municipality, day, kioskId, action, reason: refused }, 'maintenance day change refused');
      await this.audit.record(this.audit.draft(principal, { action, outcome: 'refused', municipality, kioskId, target: day, detail: { reason: refused } }));
      throw refused === 'municipality' ? notFound(`no certificate service of ${municipality}`) : forbidden(`a ${principal.role} cannot schedule maintenance days`);
    }
    // A day that is over cannot be closed or reopened any more; today can (it takes effect at once).
    if (day < this.today()) throw badRequest('invalid_message', `${day} is in the past`, [{ path: 'day', message: 'today or later' }]);
    // One of the municipality's own kiosks; any other id is unknown here (not a hint about other municipalities).
    if (kioskId !== null && (await this.kiosks.findById(kioskId))?.municipality !== municipality) throw notFound(`no kiosk ${kioskId} in ${municipality}`);
    const draft = (changed: boolean) => this.audit.draft(principal, { action, outcome: 'ok', municipality, kioskId, target: day, detail: { changed } });
    const scheduled = action === 'maintenance-day.scheduled';
    const key = { municipality, day, kioskId };
    const outcome = scheduled ? await this.maintenance.set(key, this.clock.now().toISOString(), draft) : await this.maintenance.clear(key, draft);
    this.audit.published(outcome.entry);
    this.log.info({ username: principal.username, municipality, day, kioskId, scheduled, changed: outcome.changed }, scheduled ? 'maintenance day scheduled' : 'maintenance day cancelled');
    return { municipality, day, kioskId, scheduled, changed: outcome.changed };
  }

  /** Viewers see the fleet but not the certificate service: its prices and plans are the technicians'. */
  private requireReader(principal: Principal): void {
    if (!hasRole(principal, 'read-certificate-service')) throw forbidden(`a ${principal.role} cannot read the certificate service`);
  }

  private readable(principal: Principal, municipality: string): MunicipalityCatalogue {
    const catalogue = this.config.catalogues.get(municipality);
    if (!catalogue || !inScope(principal, municipality)) throw notFound(`no certificate service of ${municipality}`);
    if (!can(principal, 'read-certificate-service', municipality)) throw forbidden(`a ${principal.role} cannot read the certificate service`);
    return catalogue;
  }

  private today(): string {
    return jstDate(this.clock.now());
  }
}
