import {
  AlertAckRequestSchema,
  type Alert,
  type AlertState,
  type AuditEntry,
  type CommandView,
  type FleetOverview,
  type KioskDetail,
  type KioskSummary,
  type UserView,
} from '@kiosk/protocols';
import type { ReportProblem } from '../shared/background';
import type { Clock, Timers } from '../shared/timers';
import { ACTIVE_STATES, reconcileAlerts, RESOLVED_STATES, upsertAlert } from './alerts';
import { AUDIT_PAGE_SIZE, EMPTY_AUDIT, appendLive, currentCursor, newerCursor, olderCursor, showPage, type AuditView } from './audit';
import { commandLabel, commandRequest, type CommandDraft, type CommandLabel } from './commands';
import { failureReason, type Reason } from './failures';
import { upsertKiosk } from './fleet';
import type { ConsolePort } from './hub-link';
import { detailWithAlert, detailWithCommand, detailWithKiosk, refreshedDetail } from './kiosk-detail';
import { samePage, type Route } from './routes';

export type DetailState =
  | { status: 'idle' }
  | { status: 'loading'; kioskId: string }
  | { status: 'ready'; detail: KioskDetail }
  | { status: 'missing'; kioskId: string }
  | { status: 'failed'; kioskId: string; reason: Reason };

export type AuditState =
  | { status: 'idle' }
  | { status: 'forbidden' }
  | { status: 'loading' | 'ready'; view: AuditView }
  | { status: 'failed'; view: AuditView; reason: Reason };

export type Progress = 'sending' | 'done' | 'failed';
export interface AckOutcome {
  alertId: string;
  progress: Progress;
  reason?: Reason;
}
export interface CommandOutcome {
  /** Tells two outcomes of the same command apart (a status line re-announces a new one). */
  seq: number;
  label: CommandLabel;
  progress: Progress;
  reason?: Reason;
}

/** Where the console's data goes: the Svelte state implements it with `$state`, tests with plain fields. */
export interface ConsoleDataSink {
  kiosks(kiosks: KioskSummary[], loaded: boolean): void;
  overview(overview: FleetOverview | null): void;
  alerts(alerts: Alert[], loaded: { active: boolean; resolved: boolean }): void;
  detail(detail: DetailState): void;
  audit(audit: AuditState): void;
  ackOutcome(outcome: AckOutcome | null): void;
  commandOutcome(outcome: CommandOutcome | null): void;
}

/** How many resolved alerts the "resolved" tab shows. */
const RESOLVED_LIMIT = 100;
/** The open kiosk page refetches its detail (for new telemetry) at most this often as its kiosk updates. */
export const DETAIL_REFRESH_MS = 10_000;

interface DetailPushes {
  kiosk: KioskSummary[];
  alerts: Alert[];
  commands: CommandView[];
}

/**
 * The console's data while signed in: the kiosk list, the overview, alerts, the open kiosk's detail and
 * the audit page, each loaded when its page is shown and after every reconnect, and kept live by the
 * hub's pushes. Requests that cross pushes on the wire never take the page back in time: pushes that
 * arrive while a fetch is in flight are applied again on top of its answer.
 */
export class ConsoleData {
  #port: ConsolePort | null = null;
  #user: UserView | null = null;
  #route: Route = { page: 'fleet', filter: {} };
  #kiosks: KioskSummary[] = [];
  #kiosksLoaded = false;
  #alerts: Alert[] = [];
  #loaded = { active: false, resolved: false };
  /** One collector per alert fetch in flight, each gathering the pushes that cross it. */
  readonly #alertCollectors = new Set<Alert[]>();
  #detail: DetailState = { status: 'idle' };
  #detailPushes: DetailPushes | null = null;
  #detailFetchedAt = 0;
  #detailTimer: unknown = null;
  /** Bumped on every attach: answers for an earlier session are dropped. */
  #session = 0;
  /** Bumped on every detail fetch: only the latest one's answer is shown. */
  #detailFetch = 0;
  #audit: AuditState = { status: 'idle' };
  /** Bumped on every audit page fetch: only the latest one's answer is shown. */
  #auditFetch = 0;
  #commandSeq = 0;

  constructor(
    private readonly sink: ConsoleDataSink,
    private readonly report: ReportProblem,
    private readonly timers: Timers,
    private readonly clock: Clock,
  ) {}

  /** A new session's link (or null when signed out: everything is forgotten). */
  attach(port: ConsolePort | null, user: UserView | null): void {
    this.#port = port;
    this.#user = user;
    this.#session += 1;
    this.#detailFetch += 1;
    if (this.#detailTimer !== null) this.timers.clear(this.#detailTimer);
    this.#detailTimer = null;
    this.#kiosks = [];
    this.#kiosksLoaded = false;
    this.#alerts = [];
    this.#loaded = { active: false, resolved: false };
    this.#alertCollectors.clear();
    this.#detail = { status: 'idle' };
    this.#detailPushes = null;
    this.#audit = { status: 'idle' };
    this.sink.kiosks([], false);
    this.sink.overview(null);
    this.sink.alerts([], this.#loaded);
    this.sink.detail(this.#detail);
    this.sink.audit(this.#audit);
    this.sink.ackOutcome(null);
    this.sink.commandOutcome(null);
  }

  user(user: UserView): void {
    this.#user = user;
  }

  /** After every (re)connect: what was pushed while away is lost, so everything shown is fetched again. */
  connected(): void {
    this.#loadOverview();
    this.#loadAlerts(ACTIVE_STATES);
    if (this.#loaded.resolved || (this.#route.page === 'alerts' && this.#route.tab === 'resolved')) this.#loadAlerts(RESOLVED_STATES);
    this.#loadPage(true);
  }

  navigate(route: Route): void {
    const changed = !samePage(this.#route, route);
    this.#route = route;
    if (route.page === 'alerts' && route.tab === 'resolved' && !this.#loaded.resolved) this.#loadAlerts(RESOLVED_STATES);
    if (changed) {
      this.sink.ackOutcome(null);
      this.sink.commandOutcome(null);
      this.#loadPage(false);
    }
  }

  // Pushes and the list, from the hub link.

  snapshot(kiosks: KioskSummary[]): void {
    this.#kiosks = kiosks;
    this.#kiosksLoaded = true;
    this.sink.kiosks(this.#kiosks, true);
  }

  updated(kiosk: KioskSummary): void {
    this.#kiosks = upsertKiosk(this.#kiosks, kiosk);
    this.sink.kiosks(this.#kiosks, this.#kiosksLoaded);
    this.#detailPushes?.kiosk.push(kiosk);
    if (this.#detail.status === 'ready' && this.#detail.detail.kiosk.kioskId === kiosk.kioskId) {
      this.#setDetail({ status: 'ready', detail: detailWithKiosk(this.#detail.detail, kiosk) });
      this.#refreshDetailSoon();
    }
  }

  overview(overview: FleetOverview): void {
    this.sink.overview(overview);
  }

  alertUpdated(alert: Alert): void {
    for (const collector of this.#alertCollectors) collector.push(alert);
    this.#alerts = upsertAlert(this.#alerts, alert);
    this.sink.alerts(this.#alerts, this.#loaded);
    this.#detailPushes?.alerts.push(alert);
    if (this.#detail.status === 'ready') this.#setDetail({ status: 'ready', detail: detailWithAlert(this.#detail.detail, alert) });
  }

  commandUpdated(command: CommandView): void {
    this.#detailPushes?.commands.push(command);
    if (this.#detail.status === 'ready') this.#setDetail({ status: 'ready', detail: detailWithCommand(this.#detail.detail, command) });
  }

  auditAppended(entry: AuditEntry): void {
    if (this.#audit.status === 'ready') this.#setAudit({ status: 'ready', view: appendLive(this.#audit.view, entry) });
  }

  // Actions.

  /** Acknowledges with a comment; false (and nothing sent) when the comment is empty. */
  acknowledge(alertId: string, comment: string): boolean {
    const request = AlertAckRequestSchema.safeParse({ alertId, comment });
    if (!request.success) {
      this.sink.ackOutcome({ alertId, progress: 'failed', reason: { key: 'console.alert.commentRequired' } });
      return false;
    }
    const port = this.#port;
    if (port === null) return false;
    const session = this.#session;
    this.sink.ackOutcome({ alertId, progress: 'sending' });
    port.acknowledge(request.data).then(
      (alert) => {
        if (session !== this.#session) return;
        this.alertUpdated(alert);
        this.sink.ackOutcome({ alertId, progress: 'done' });
      },
      (error: unknown) => {
        this.report('alert.ack', error);
        if (session === this.#session) this.sink.ackOutcome({ alertId, progress: 'failed', reason: failureReason(error) });
      },
    );
    return true;
  }

  sendCommand(kioskId: string, draft: CommandDraft): void {
    const label = commandLabel({ type: draft.type, params: draft.params });
    const seq = ++this.#commandSeq;
    const session = this.#session;
    const settle = (outcome: Omit<CommandOutcome, 'seq' | 'label'>) => {
      if (session === this.#session) this.sink.commandOutcome({ seq, label, ...outcome });
    };
    let request;
    try {
      request = commandRequest(kioskId, draft);
    } catch (error) {
      this.report('command.send', error);
      settle({ progress: 'failed', reason: failureReason(error) });
      return;
    }
    const port = this.#port;
    if (port === null) return;
    settle({ progress: 'sending' });
    port.sendCommand(request).then(
      () => settle({ progress: 'done' }),
      (error: unknown) => {
        this.report('command.send', error);
        settle({ progress: 'failed', reason: failureReason(error) });
      },
    );
  }

  auditOlder(): void {
    if (this.#audit.status !== 'ready') return;
    const cursor = olderCursor(this.#audit.view);
    if (cursor !== null) this.#loadAudit(cursor, 'older');
  }

  auditNewer(): void {
    if (this.#audit.status !== 'ready') return;
    const newer = newerCursor(this.#audit.view);
    if (newer !== null) this.#loadAudit(newer.cursor, 'newer');
  }

  auditNewest(): void {
    this.#loadAudit(undefined, 'same');
  }

  // Loading.

  #loadPage(reconnected: boolean): void {
    const route = this.#route;
    if (route.page === 'kiosk') {
      const showing = this.#detail.status === 'ready' && this.#detail.detail.kiosk.kioskId === route.kioskId;
      this.#loadDetail(route.kioskId, reconnected && showing);
    } else if (route.page === 'audit') {
      const cursor = reconnected && this.#audit.status === 'ready' ? currentCursor(this.#audit.view) : undefined;
      this.#loadAudit(cursor, 'same');
    }
  }

  #loadOverview(): void {
    const port = this.#port;
    if (port === null) return;
    const session = this.#session;
    port.overview().then(
      (overview) => {
        if (session === this.#session) this.sink.overview(overview);
      },
      (error: unknown) => this.report('fleet.overview', error),
    );
  }

  #loadAlerts(states: readonly AlertState[]): void {
    const port = this.#port;
    if (port === null) return;
    const session = this.#session;
    const resolved = states === RESOLVED_STATES;
    const pushes: Alert[] = [];
    this.#alertCollectors.add(pushes);
    port.alerts(resolved ? { state: 'resolved', limit: RESOLVED_LIMIT } : { state: 'active' }).then(
      (fetched) => {
        this.#alertCollectors.delete(pushes);
        if (session !== this.#session) return;
        this.#alerts = pushes.reduce(upsertAlert, reconcileAlerts(this.#alerts, fetched, states));
        this.#loaded = resolved ? { ...this.#loaded, resolved: true } : { ...this.#loaded, active: true };
        this.sink.alerts(this.#alerts, this.#loaded);
      },
      (error: unknown) => {
        this.#alertCollectors.delete(pushes);
        this.report('alerts.list', error);
      },
    );
  }

  /** `quietly`: keep showing the current detail while the new one loads (a refresh, not a new page). */
  #loadDetail(kioskId: string, quietly: boolean): void {
    const port = this.#port;
    if (!quietly) this.#setDetail({ status: 'loading', kioskId });
    if (port === null) return;
    const fetch = ++this.#detailFetch;
    const pushes: DetailPushes = { kiosk: [], alerts: [], commands: [] };
    this.#detailPushes = pushes;
    this.#detailFetchedAt = this.clock.now();
    port.detail(kioskId).then(
      (detail) => {
        if (fetch !== this.#detailFetch) return;
        this.#detailPushes = null;
        this.#setDetail({ status: 'ready', detail: refreshedDetail(detail, pushes) });
      },
      (error: unknown) => {
        if (fetch !== this.#detailFetch) return;
        this.#detailPushes = null;
        this.report('kiosk.detail', error);
        const reason = failureReason(error);
        if (reason.key === 'console.error.not_found' || reason.key === 'console.error.forbidden') this.#setDetail({ status: 'missing', kioskId });
        else if (!quietly) this.#setDetail({ status: 'failed', kioskId, reason });
      },
    );
  }

  /** New telemetry comes with kiosk updates; fetch it, but not more often than DETAIL_REFRESH_MS. */
  #refreshDetailSoon(): void {
    if (this.#detailTimer !== null || this.#detailPushes !== null) return;
    const wait = Math.max(0, this.#detailFetchedAt + DETAIL_REFRESH_MS - this.clock.now());
    this.#detailTimer = this.timers.set(() => {
      this.#detailTimer = null;
      const route = this.#route;
      if (route.page === 'kiosk' && this.#detail.status === 'ready' && this.#detail.detail.kiosk.kioskId === route.kioskId) {
        this.#loadDetail(route.kioskId, true);
      }
    }, wait);
  }

  #loadAudit(cursor: number | undefined, direction: 'older' | 'newer' | 'same'): void {
    if (this.#user?.role !== 'administrator') {
      this.#setAudit({ status: 'forbidden' });
      return;
    }
    const port = this.#port;
    const view = this.#audit.status === 'ready' || this.#audit.status === 'loading' || this.#audit.status === 'failed' ? this.#audit.view : EMPTY_AUDIT;
    this.#setAudit({ status: 'loading', view });
    if (port === null) return;
    const session = this.#session;
    const fetch = ++this.#auditFetch;
    port.auditPage(cursor === undefined ? { limit: AUDIT_PAGE_SIZE } : { before: cursor, limit: AUDIT_PAGE_SIZE }).then(
      (page) => {
        if (session !== this.#session || fetch !== this.#auditFetch) return;
        this.#setAudit({ status: 'ready', view: showPage(view, cursor, page, direction) });
      },
      (error: unknown) => {
        this.report('audit.page', error);
        if (session !== this.#session || fetch !== this.#auditFetch) return;
        const reason = failureReason(error);
        this.#setAudit(reason.key === 'console.error.forbidden' ? { status: 'forbidden' } : { status: 'failed', view, reason });
      },
    );
  }

  #setDetail(detail: DetailState): void {
    this.#detail = detail;
    this.sink.detail(detail);
  }

  #setAudit(audit: AuditState): void {
    this.#audit = audit;
    this.sink.audit(audit);
  }
}
