import { KIOSK_STATUSES, type AlertState, type FleetOverview, type KioskStatus, type KioskSummary, type StatusCounts } from '@kiosk/protocols';

/** What the overview needs of an unresolved alert. */
export interface IndexedAlert {
  alertId: string;
  municipality: string;
  state: AlertState;
}

interface Group {
  sites: Map<string, StatusCounts>;
  /** Enrolled kiosks per site, so a site with none left disappears as it would from a fresh count. */
  sizes: Map<string, number>;
  pendingEnrolment: number;
  alerts: { open: number; acknowledged: number };
}

function zeroCounts(): StatusCounts {
  return Object.fromEntries(KIOSK_STATUSES.map((status) => [status, 0])) as Record<KioskStatus, number>;
}

function addCounts(into: StatusCounts, from: StatusCounts): void {
  for (const status of KIOSK_STATUSES) into[status] += from[status];
}

const byName = (a: string, b: string) => a.localeCompare(b, 'ja');

/**
 * The fleet as the consoles see it, kept in memory and updated as kiosks and alerts change, so the
 * overview costs O(municipalities + sites) and the kiosk list no database read, whatever the fleet's
 * size (issue 12). A cache, never the truth: built from the database on first use, fed by every
 * evaluation (MonitorService) and alert change afterwards, and dropped when the hub stops.
 */
export class FleetIndex {
  private readonly kiosks = new Map<string, KioskSummary>();
  private readonly alerts = new Map<string, IndexedAlert>();
  private readonly groups = new Map<string, Group>();
  private sortedIds: string[] | null = null;

  /** Replaces everything (a rebuild from the database). */
  load(kiosks: readonly KioskSummary[], alerts: readonly IndexedAlert[]): void {
    this.kiosks.clear();
    this.alerts.clear();
    this.groups.clear();
    this.sortedIds = null;
    for (const kiosk of kiosks) this.putKiosk(kiosk);
    for (const alert of alerts) this.putAlert(alert);
  }

  /** Stores the kiosk's current summary; returns the one it replaced. */
  putKiosk(summary: KioskSummary): KioskSummary | undefined {
    const previous = this.kiosks.get(summary.kioskId);
    if (previous) this.count(previous, -1);
    else this.sortedIds = null;
    this.kiosks.set(summary.kioskId, summary);
    this.count(summary, 1);
    return previous;
  }

  /** An alert changed: resolved ones leave the counts. */
  putAlert(alert: IndexedAlert): void {
    const previous = this.alerts.get(alert.alertId);
    if (previous) this.countAlert(previous, -1);
    if (alert.state === 'resolved') {
      this.alerts.delete(alert.alertId);
      return;
    }
    this.alerts.set(alert.alertId, alert);
    this.countAlert(alert, 1);
  }

  get(kioskId: string): KioskSummary | undefined {
    return this.kiosks.get(kioskId);
  }

  /** The visible kiosks in kiosk id order, from `after` (exclusive) on. */
  *summaries(visible: (municipality: string) => boolean, after?: string): Generator<KioskSummary> {
    this.sortedIds ??= [...this.kiosks.keys()].sort();
    const ids = this.sortedIds;
    let i = 0;
    if (after !== undefined) {
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((ids[mid] as string) <= after) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    for (; i < ids.length; i++) {
      const kiosk = this.kiosks.get(ids[i] as string);
      if (kiosk && visible(kiosk.municipality)) yield kiosk;
    }
  }

  /** The same counts `overviewOf` makes from the whole list, for one municipality or all (null). */
  overview(scope: string | null): FleetOverview {
    const counts = zeroCounts();
    let total = 0;
    let pendingEnrolment = 0;
    const alerts = { open: 0, acknowledged: 0 };
    const municipalities: FleetOverview['municipalities'] = [];
    const names = scope === null ? [...this.groups.keys()] : this.groups.has(scope) ? [scope] : [];
    for (const municipality of names.sort(byName)) {
      const group = this.groups.get(municipality) as Group;
      pendingEnrolment += group.pendingEnrolment;
      alerts.open += group.alerts.open;
      alerts.acknowledged += group.alerts.acknowledged;
      if (group.sites.size === 0) continue;
      const groupCounts = zeroCounts();
      const sites = [...group.sites.keys()].sort(byName).map((site) => {
        const siteCounts = { ...(group.sites.get(site) as StatusCounts) };
        addCounts(groupCounts, siteCounts);
        return { site, counts: siteCounts };
      });
      for (const size of group.sizes.values()) total += size;
      addCounts(counts, groupCounts);
      municipalities.push({ municipality, counts: groupCounts, sites });
    }
    return { counts, total, pendingEnrolment, alerts, municipalities };
  }

  private group(municipality: string): Group {
    let group = this.groups.get(municipality);
    if (!group) {
      group = { sites: new Map(), sizes: new Map(), pendingEnrolment: 0, alerts: { open: 0, acknowledged: 0 } };
      this.groups.set(municipality, group);
    }
    return group;
  }

  private count(kiosk: KioskSummary, delta: 1 | -1): void {
    const group = this.group(kiosk.municipality);
    if (!kiosk.enrolled) {
      group.pendingEnrolment += delta;
      return;
    }
    const site = group.sites.get(kiosk.site) ?? zeroCounts();
    site[kiosk.status ?? 'offline'] += delta;
    const size = (group.sizes.get(kiosk.site) ?? 0) + delta;
    if (size === 0) {
      group.sites.delete(kiosk.site);
      group.sizes.delete(kiosk.site);
    } else {
      group.sites.set(kiosk.site, site);
      group.sizes.set(kiosk.site, size);
    }
  }

  private countAlert(alert: IndexedAlert, delta: 1 | -1): void {
    const counts = this.group(alert.municipality).alerts;
    if (alert.state === 'open') counts.open += delta;
    else if (alert.state === 'acknowledged') counts.acknowledged += delta;
  }
}
