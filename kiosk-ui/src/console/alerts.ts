import type { Alert, AlertState } from '@kiosk/protocols';
import type { AlertTab } from './routes';

/**
 * The console's alerts as pure functions. An alert only moves forward (open → acknowledged → resolved;
 * a condition that comes back is a new alert, or a flap counted on the same one), so when two copies of
 * one alert meet — a push and a fetched list that crossed on the wire — the one further along wins and
 * the order they arrived in does not matter.
 */

const RANK: Record<AlertState, number> = { open: 0, acknowledged: 1, resolved: 2 };

/** The newer of two copies of the same alert; on a tie the later arrival (`next`). */
export function newerAlert(current: Alert, next: Alert): Alert {
  return RANK[next.state] >= RANK[current.state] ? next : current;
}

export function upsertAlert(list: readonly Alert[], alert: Alert): Alert[] {
  const index = list.findIndex((known) => known.alertId === alert.alertId);
  if (index === -1) return [...list, alert];
  const merged = newerAlert(list[index] as Alert, alert);
  if (merged === list[index]) return [...list];
  return list.map((known, at) => (at === index ? merged : known));
}

/**
 * A fetched list of the alerts in `states` replaces what was known in those states: an alert known as
 * open that the hub no longer lists as active has been resolved while we were not looking, and goes.
 * Alerts in other states (resolved ones loaded earlier) stay; pushes that arrived while the list was in
 * flight are applied again afterwards by the caller, so nothing newer is lost.
 */
export function reconcileAlerts(known: readonly Alert[], fetched: readonly Alert[], states: readonly AlertState[]): Alert[] {
  const kept = known.filter((alert) => !states.includes(alert.state));
  return fetched.reduce<Alert[]>(upsertAlert, kept);
}

function byOpened(a: Alert, b: Alert): number {
  return Date.parse(a.openedAt) - Date.parse(b.openedAt) || (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0);
}

function byResolvedNewestFirst(a: Alert, b: Alert): number {
  return Date.parse(b.resolvedAt ?? b.openedAt) - Date.parse(a.resolvedAt ?? a.openedAt) || byOpened(a, b);
}

/** One tab of the alerts page: open and acknowledged ones oldest first (the longest waiting on top), resolved ones newest first. */
export function alertsForTab(alerts: readonly Alert[], tab: AlertTab): Alert[] {
  const inTab = alerts.filter((alert) => alert.state === tab);
  return inTab.sort(tab === 'resolved' ? byResolvedNewestFirst : byOpened);
}

export function tabCounts(alerts: readonly Alert[]): Record<AlertTab, number> {
  const counts: Record<AlertTab, number> = { open: 0, acknowledged: 0, resolved: 0 };
  for (const alert of alerts) counts[alert.state] += 1;
  return counts;
}

/** A kiosk page's alerts: unresolved ones first (oldest first), then the resolved ones (newest first). */
export function kioskAlertOrder(alerts: readonly Alert[]): Alert[] {
  const active = alerts.filter((alert) => alert.state !== 'resolved').sort(byOpened);
  const resolved = alerts.filter((alert) => alert.state === 'resolved').sort(byResolvedNewestFirst);
  return [...active, ...resolved];
}

export const ACTIVE_STATES: readonly AlertState[] = ['open', 'acknowledged'];
export const RESOLVED_STATES: readonly AlertState[] = ['resolved'];
