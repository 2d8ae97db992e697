import { Inject, Injectable } from '@nestjs/common';
import type { AlertKind, KioskSummary, Telemetry } from '@kiosk/protocols';
import { HUB_CONFIG, type HubConfig } from '../config';
import { LOGGER, type Logger } from '../logger';
import { ALERT_REPOSITORY, toAlert, type AlertChangeSet, type AlertRecord, type AlertRepository } from '../repositories/alert.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { KIOSK_REPOSITORY, type KioskRepository, type KioskView } from '../repositories/kiosk.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { STATUS_REPOSITORY, type StatusRepository, type StatusTransition } from '../repositories/status.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { alertConditions, isEmptyPlan, planAlerts } from './alert.rules';
import { FleetService } from './fleet.service';
import { toKioskSummary } from './kiosk-summary.rules';
import { DeadlineIndex } from './deadline-index';
import { nextDeadline } from './fleet-deadline.rules';
import { afterQuietHeartbeat, heartbeatKey, staysQuiet, type QuietKiosk } from './quiet-heartbeat.rules';
import { KeyedQueue } from './keyed-queue';
import { deriveStatus, latest } from './status.rules';

/** How many times one kiosk is evaluated in a row when another process keeps changing its status. */
const MAX_EVALUATIONS = 3;

/**
 * Fleet monitoring: re-derives kiosks' status and alerts from what the hub knows now, records status
 * transitions and alert lifecycle steps, and pushes what changed. Runs for one kiosk whenever
 * something about it happens (heartbeat, connect, disconnect, device event, enrolment), and for the
 * kiosks whose deadline has come on every sweep, which is what notices silence: a kiosk that stopped
 * heartbeating, an offline kiosk crossing the alert threshold, a cleared condition whose hold time has
 * passed. Each evaluation leaves the kiosk's next deadline in an ordered index (issue 12); the first
 * sweep after a start evaluates the whole fleet once, which rebuilds that index from the database.
 */
@Injectable()
export class MonitorService {
  private readonly log: Logger;
  private readonly queue = new KeyedQueue();
  private readonly deadlines = new DeadlineIndex();
  private indexed = false;
  /** Kiosks whose last evaluation, after a heartbeat, found nothing to watch (quiet-heartbeat.rules.ts). */
  private readonly quiet = new Map<string, QuietKiosk>();
  /** Per kiosk, the number of the latest evaluation asked for: only the latest may leave a quiet memo. */
  private readonly latestAsked = new Map<string, number>();
  private asked = 0;

  constructor(
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(STATUS_REPOSITORY) private readonly statuses: StatusRepository,
    @Inject(ALERT_REPOSITORY) private readonly alerts: AlertRepository,
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'monitor' });
  }

  /**
   * One kiosk, after something happened to it; its summary is pushed (if it changed). When another hub
   * process changed the kiosk's status between this one's read and write, what this one decided is
   * dropped and the kiosk is evaluated again from what is stored now (a bounded number of times).
   */
  evaluate(kioskId: string): Promise<void> {
    return this.evaluateOne(kioskId, null);
  }

  /**
   * After a heartbeat has been stored: a quiet kiosk whose heartbeat repeats what its last evaluation
   * read only has its deadline and summary refreshed, without reading it back (issue 12); any other is
   * evaluated in full, and may become quiet.
   */
  heartbeat(kioskId: string, telemetry: Telemetry, receivedAt: string): Promise<void> {
    const key = heartbeatKey(telemetry);
    const quiet = this.quiet.get(kioskId);
    const { offlineAfterMs, alerts: thresholds } = this.config.fleet;
    if (quiet && staysQuiet(quiet, key, telemetry.sentAt, Date.parse(receivedAt), thresholds)) {
      const after = afterQuietHeartbeat(quiet, receivedAt, offlineAfterMs, thresholds);
      this.quiet.set(kioskId, after.quiet);
      this.deadlines.set(kioskId, after.deadlineMs);
      this.fleet.publishSummary(after.quiet.summary);
      return Promise.resolve();
    }
    return this.evaluateOne(kioskId, key);
  }

  private evaluateOne(kioskId: string, heartbeatKeyOf: string | null): Promise<void> {
    // Asking for an evaluation ends the kiosk's quiet: whatever prompted it may have changed what it read.
    this.quiet.delete(kioskId);
    const asked = ++this.asked;
    this.latestAsked.set(kioskId, asked);
    return this.queue.run(kioskId, async () => {
      for (let attempt = 1; attempt <= MAX_EVALUATIONS; attempt++) {
        const view = await this.kiosks.findView(kioskId);
        if (!view) return;
        const { summaries, stale, quiet } = await this.run([view], await this.alerts.unresolved(kioskId));
        for (const summary of summaries.values()) this.fleet.publishSummary(summary);
        const found = quiet.get(kioskId);
        if (found && heartbeatKeyOf !== null && this.latestAsked.get(kioskId) === asked) {
          this.quiet.set(kioskId, { ...found, key: heartbeatKeyOf });
        }
        if (stale.size === 0) return;
      }
      this.log.warn({ kioskId, attempts: MAX_EVALUATIONS }, 'kiosk status kept changing under its evaluation; left to the next one');
    });
  }

  /**
   * The kiosks whose deadline has come (the whole fleet the first time after a start); only kiosks
   * whose status or alerts changed are pushed.
   */
  async sweep(): Promise<void> {
    if (!this.indexed) return this.sweepAll();
    const due = this.deadlines.takeDue(this.clock.now().getTime());
    await Promise.all(due.map((kioskId) => this.evaluate(kioskId)));
  }

  /**
   * The next sweep evaluates the whole fleet again, as after a start: for a hub process that takes the
   * sweep over from another (issue 14), whose deadlines miss what that process saw meanwhile.
   */
  reindex(): void {
    this.indexed = false;
    this.quiet.clear();
  }

  private async sweepAll(): Promise<void> {
    const stale = await this.queue.exclusive(async () => {
      const [views, live] = await Promise.all([this.kiosks.listViews(), this.alerts.unresolved()]);
      const { summaries, touched, stale } = await this.run(views, live);
      for (const kioskId of touched) {
        const summary = summaries.get(kioskId);
        if (summary) this.fleet.publishSummary(summary);
      }
      this.indexed = true;
      this.log.info({ kiosks: views.length, deadlines: this.deadlines.size }, 'fleet deadlines indexed');
      return stale;
    });
    await Promise.all([...stale].map((kioskId) => this.evaluate(kioskId)));
  }

  /**
   * Evaluates, writes, pushes alerts. Resolves with every evaluated kiosk's summary as it is now (built
   * from what was read and decided, without reading it back), the kiosks whose status or alerts changed,
   * and the stale ones: their status had changed since it was read (another process wrote it), so
   * nothing was written or pushed for them and they need evaluating again.
   */
  private async run(
    views: readonly KioskView[],
    live: readonly AlertRecord[],
  ): Promise<{ summaries: Map<string, KioskSummary>; touched: Set<string>; stale: Set<string>; quiet: Map<string, Omit<QuietKiosk, 'key'>> }> {
    const now = this.clock.now();
    const nowMs = now.getTime();
    const at = now.toISOString();
    const { offlineAfterMs, alerts: thresholds } = this.config.fleet;
    const liveByKiosk = new Map<string, AlertRecord[]>();
    for (const alert of live) liveByKiosk.set(alert.kioskId, [...(liveByKiosk.get(alert.kioskId) ?? []), alert]);

    const transitions: StatusTransition[] = [];
    const plans = new Map<string, AlertChangeSet>();
    const touched = new Set<string>();
    const summaries = new Map<string, KioskSummary>();
    const quiet = new Map<string, Omit<QuietKiosk, 'key'>>();
    // Connected to this process or, with several processes, to another (its lease in Redis, issue 14).
    const connections = await this.sockets.connections(views.map((view) => view.kiosk.kioskId));
    for (const view of views) {
      const { kiosk, telemetry, devices, cashCollection } = view;
      const { kioskId } = kiosk;
      const enrolled = kiosk.publicKey !== null;
      const connection = connections.get(kioskId);
      const connected = connection !== undefined;
      const lastContactAt = latest(kiosk.lastHeartbeatAt, connection?.connectedAt);
      const status = deriveStatus(
        {
          enrolled,
          connected,
          lastContactAt,
          outOfService: telemetry?.outOfService ?? false,
          devices,
        },
        nowMs,
        offlineAfterMs,
      );
      let statusSince = kiosk.statusSince;
      if (enrolled && status !== kiosk.status) {
        transitions.push({ kioskId, from: { status: kiosk.status, since: kiosk.statusSince }, status, at });
        statusSince = at;
        touched.add(kioskId);
        this.log.info({ kioskId, from: kiosk.status, to: status }, 'kiosk status changed');
      }
      const kioskLive = liveByKiosk.get(kioskId) ?? [];
      const conditions = alertConditions({ enrolled, status, statusSince, devices, telemetry, cashCollection }, nowMs, thresholds);
      const plan = planAlerts(conditions, kioskLive, nowMs, thresholds.resolveHoldMs, cashCollection?.collectedAt ?? null);
      const resolving = new Set(plan.resolve);
      const activeKinds: AlertKind[] = [...kioskLive.filter((alert) => !resolving.has(alert.alertId)), ...plan.open].map((alert) => alert.kind);
      const clearing = new Set(plan.clear);
      const reactivated = new Set(plan.reactivate);
      const clearingSince = kioskLive
        .filter((alert) => !resolving.has(alert.alertId) && !reactivated.has(alert.alertId))
        .flatMap((alert) => (clearing.has(alert.alertId) ? [nowMs] : alert.clearedAt === null ? [] : [Date.parse(alert.clearedAt)]));
      const offlineAlerted = conditions.some((condition) => condition.kind === 'kiosk-offline');
      const deadlineInput = { enrolled, status, statusSince, connected, lastContactAt, telemetry, offlineAlerted, clearingSince };
      this.deadlines.set(kioskId, nextDeadline(deadlineInput, nowMs, offlineAfterMs, thresholds));
      const current = enrolled ? { ...kiosk, status, statusSince } : kiosk;
      const summary = toKioskSummary({ ...view, kiosk: current }, connected, activeKinds);
      summaries.set(kioskId, summary);
      if (isEmptyPlan(plan)) {
        if (enrolled && connected && status === 'online' && kioskLive.length === 0) {
          quiet.set(kioskId, { evaluatedAtMs: nowMs, summary, deadline: deadlineInput });
        }
        continue;
      }
      touched.add(kioskId);
      plans.set(kioskId, { ...plan, open: plan.open.map((condition) => ({ ...condition, alertId: this.random.uuidv7(now), kioskId })) });
    }

    const stale = new Set(transitions.length > 0 ? await this.statuses.transition(transitions) : []);
    for (const kioskId of stale) {
      this.log.info({ kioskId }, 'kiosk status changed by another evaluation; evaluating it again');
      summaries.delete(kioskId);
      touched.delete(kioskId);
      plans.delete(kioskId);
      quiet.delete(kioskId);
    }
    const changes: AlertChangeSet = { open: [], clear: [], reactivate: [], resolve: [] };
    for (const plan of plans.values()) {
      changes.open.push(...plan.open);
      changes.clear.push(...plan.clear);
      changes.reactivate.push(...plan.reactivate);
      changes.resolve.push(...plan.resolve);
    }
    const changed = isEmptyPlan(changes) ? [] : await this.alerts.apply(changes, at);
    const opened = new Set(changes.open.map((alert) => alert.alertId));
    for (const alert of changed) {
      if (opened.has(alert.alertId)) this.log.info({ alertId: alert.alertId, kioskId: alert.kioskId, kind: alert.kind }, 'alert opened');
      else if (alert.state === 'resolved') this.log.info({ alertId: alert.alertId, kioskId: alert.kioskId, kind: alert.kind }, 'alert resolved');
      else this.log.debug({ alertId: alert.alertId, kioskId: alert.kioskId, kind: alert.kind, clearing: alert.clearedAt !== null }, 'alert changed');
      const view = toAlert(alert);
      this.sockets.publishAlert(view);
      this.fleet.alertChanged(view);
    }
    if (transitions.length > stale.size || changed.length > 0) this.fleet.requestOverviewPush();
    return { summaries, touched, stale, quiet };
  }
}
