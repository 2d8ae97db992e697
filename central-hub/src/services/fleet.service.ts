import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Alert, AlertKind, FleetOverview, KioskDetail, KioskQuery, KioskSummary } from '@kiosk/protocols';
import { toCommandView } from '../dtos/command.dto';
import { notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { ALERT_REPOSITORY, toAlert, type AlertRecord, type AlertRepository } from '../repositories/alert.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { COMMAND_REPOSITORY, type CommandRepository } from '../repositories/command.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { SCHEDULER, type Scheduler } from '../repositories/scheduler.repository';
import { STATUS_REPOSITORY, type StatusRepository } from '../repositories/status.repository';
import { TELEMETRY_REPOSITORY, type TelemetryRepository } from '../repositories/telemetry.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { inScope, type Principal } from './access.rules';
import { FleetIndex } from './fleet-index';
import { matchesQuery } from './fleet-query.rules';
import { toKioskSummary } from './kiosk-summary.rules';
import { shouldPublish, summaryKey, type Published } from './publish.rules';

/** The kiosk page shows this much telemetry (at one point a minute: 360 points). */
export const DETAIL_TELEMETRY_WINDOW_MS = 6 * 3_600_000;
const DETAIL_TELEMETRY_POINTS = 720;
/** Device changes on the kiosk page's timeline (a flapping device is shown by its newest ones). */
const DETAIL_DEVICE_CHANGES = 500;
const DETAIL_HISTORY = 50;
const DETAIL_COMMANDS = 50;
const DETAIL_RESOLVED_ALERTS = 20;
/** Status changes come in bursts (a site's network drops); one overview push covers a burst. */
const OVERVIEW_PUSH_DELAY_MS = 250;
/**
 * Kiosk updates reach each console at most once a second: one message, the latest summary of each kiosk
 * that changed. A change after a quiet second goes at once; the ones that follow wait for the next.
 */
export const KIOSK_PUSH_INTERVAL_MS = 1000;
/** A kiosk list without a `limit` is the whole (scoped, filtered) fleet, as before paging. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

function kindsByKiosk(alerts: readonly AlertRecord[]): Map<string, AlertKind[]> {
  const kinds = new Map<string, AlertKind[]>();
  for (const alert of alerts) kinds.set(alert.kioskId, [...(kinds.get(alert.kioskId) ?? []), alert.kind]);
  return kinds;
}

/**
 * The fleet as technicians see it: the scoped kiosk list with its filters, the overview counts, a
 * kiosk's detail page, and the live pushes of all of these. Status and alerts are decided by
 * MonitorService; this service reads what it stored.
 */
@Injectable()
export class FleetService implements OnModuleInit {
  private readonly log: Logger;
  private readonly published = new Map<string, Published>();
  /** Summaries waiting for the next console push (the latest per kiosk). */
  private readonly pendingPushes = new Map<string, KioskSummary>();
  private index: Promise<FleetIndex> | undefined;
  private lastPushAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(ALERT_REPOSITORY) private readonly alerts: AlertRepository,
    @Inject(STATUS_REPOSITORY) private readonly statuses: StatusRepository,
    @Inject(TELEMETRY_REPOSITORY) private readonly telemetry: TelemetryRepository,
    @Inject(COMMAND_REPOSITORY) private readonly commands: CommandRepository,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'fleet' });
  }

  /**
   * Several hub processes (issue 14): the kiosks and alerts another process changed (and pushed to the
   * consoles) go into this process's index too, and this process's consoles get the overview again.
   */
  onModuleInit(): void {
    this.sockets.onPeerChanges({
      kiosks: (summaries) => {
        for (const summary of summaries) this.indexKiosk(summary);
        this.requestOverviewPush();
      },
      alert: (alert) => {
        this.alertChanged(alert);
        this.requestOverviewPush();
      },
    });
  }

  /** The kiosks the principal may see, filtered, in kiosk id order; a page when `limit` is given. */
  async list(principal: Principal, query: KioskQuery = {}): Promise<KioskSummary[]> {
    const index = await this.fleetIndex();
    const limit = query.limit ?? UNLIMITED;
    const page: KioskSummary[] = [];
    if (limit <= 0) return page;
    for (const kiosk of index.summaries((municipality) => inScope(principal, municipality), query.after)) {
      if (!matchesQuery(kiosk, query)) continue;
      page.push(kiosk);
      if (page.length >= limit) break;
    }
    return page;
  }

  async overview(principal: Principal): Promise<FleetOverview> {
    return (await this.fleetIndex()).overview(principal.municipality);
  }

  /** A kiosk another municipality's technician asks for does not exist, as far as they can tell. */
  async detail(principal: Principal, kioskId: string): Promise<KioskDetail> {
    const view = await this.kiosks.findView(kioskId);
    if (!view || !inScope(principal, view.kiosk.municipality)) throw notFound(`no kiosk ${kioskId}`);
    const since = new Date(this.clock.now().getTime() - DETAIL_TELEMETRY_WINDOW_MS).toISOString();
    const [statusHistory, telemetry, deviceChanges, alerts, commands, connections] = await Promise.all([
      this.statuses.history(kioskId, DETAIL_HISTORY),
      this.telemetry.recent(kioskId, since, DETAIL_TELEMETRY_POINTS),
      this.telemetry.deviceChanges(kioskId, since, DETAIL_DEVICE_CHANGES),
      this.alerts.forKiosk(kioskId, DETAIL_RESOLVED_ALERTS),
      this.commands.listForKiosk(kioskId, DETAIL_COMMANDS),
      this.sockets.connections([kioskId]),
    ]);
    const active = alerts.filter((alert) => alert.state !== 'resolved').map((alert) => alert.kind);
    return {
      kiosk: toKioskSummary(view, connections.has(kioskId), active),
      statusHistory,
      telemetry,
      deviceChanges,
      alerts: alerts.map(toAlert),
      commands: commands.map(toCommandView),
    };
  }

  /**
   * Pushes a kiosk's summary to the consoles that may see it, when it changed; a change of the
   * heartbeat time alone is pushed at most every 30 s (a thousand kiosks heartbeat every 15 s).
   */
  publishSummary(summary: KioskSummary): void {
    this.indexKiosk(summary);
    const nowMs = this.clock.now().getTime();
    const key = summaryKey(summary);
    if (!shouldPublish(this.published.get(summary.kioskId), key, nowMs)) return;
    this.published.set(summary.kioskId, { key, atMs: nowMs });
    this.pendingPushes.set(summary.kioskId, summary);
    const delayMs = Math.max(0, this.lastPushAtMs + KIOSK_PUSH_INTERVAL_MS - nowMs);
    this.scheduler.defer('console-kiosk-updates', delayMs, () => Promise.resolve(this.pushSummaries()));
  }

  /** An alert changed (opened, acknowledged, clearing, resolved): the overview's counts follow. */
  alertChanged(alert: Alert): void {
    // A build that fails meanwhile is dropped; the next one reads this change from the database.
    void this.index?.then((index) => index.putAlert(alert), () => undefined);
  }

  private indexKiosk(summary: KioskSummary): void {
    void this.index?.then((index) => index.putKiosk(summary), () => undefined);
  }

  private pushSummaries(): void {
    const pending = [...this.pendingPushes.values()];
    this.pendingPushes.clear();
    this.lastPushAtMs = this.clock.now().getTime();
    this.sockets.publishKiosks(pending);
  }

  /**
   * Built from the database once (two reads of the whole fleet), then kept up to date as kiosks change.
   * A build that failed (the database busy or unreachable) is not kept: the next caller builds it again,
   * so a `busy` answer is worth retrying.
   */
  private fleetIndex(): Promise<FleetIndex> {
    if (!this.index) {
      const loading = this.loadIndex();
      this.index = loading;
      loading.catch(() => {
        if (this.index === loading) this.index = undefined;
      });
    }
    return this.index;
  }

  private async loadIndex(): Promise<FleetIndex> {
    const [views, alerts] = await Promise.all([this.kiosks.listViews(), this.alerts.unresolved()]);
    const connections = await this.sockets.connections(views.map((view) => view.kiosk.kioskId));
    const kinds = kindsByKiosk(alerts);
    const index = new FleetIndex();
    index.load(
      views.map((view) => toKioskSummary(view, connections.has(view.kiosk.kioskId), kinds.get(view.kiosk.kioskId))),
      alerts.map((alert) => ({ alertId: alert.alertId, municipality: alert.municipality, state: alert.state })),
    );
    this.log.info({ kiosks: views.length, alerts: alerts.length }, 'fleet index built');
    return index;
  }

  /** Asks for an overview push to every console, soon (bursts of changes are pushed once). */
  requestOverviewPush(): void {
    this.scheduler.defer('fleet-overview', OVERVIEW_PUSH_DELAY_MS, () => this.pushOverviews());
  }

  private async pushOverviews(): Promise<void> {
    const audiences = this.sockets.overviewAudiences();
    if (audiences.length === 0) return;
    const index = await this.fleetIndex();
    for (const scope of audiences) this.sockets.publishOverview(scope, index.overview(scope));
    this.log.debug({ audiences: audiences.length }, 'fleet overview pushed');
  }
}
