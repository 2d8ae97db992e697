import { type AlertKind, type KioskStatus, type KioskSummary, type StatusCounts } from '@kiosk/protocols';
import type { KioskFilter } from './routes';

/**
 * The kiosk list's filters, applied in the browser to the live list (so a kiosk that goes offline
 * leaves an "online only" view at once, without asking the hub again), and the choices the filter
 * selects offer.
 */

/**
 * The hub always sends `status`; an older hub does not, and then it is worked out the same way the hub
 * does: out of service wins, then offline, then a device that is not OK.
 */
export function kioskStatus(kiosk: KioskSummary): KioskStatus {
  if (kiosk.status !== undefined) return kiosk.status;
  if (kiosk.outOfService) return 'out-of-service';
  if (!kiosk.online) return 'offline';
  return kiosk.devices.some((device) => device.status !== 'ok') ? 'degraded' : 'online';
}

export type StatusBadge = 'online' | 'degraded' | 'offline' | 'outOfServiceOnline' | 'outOfServiceOffline';

/** What the status badge says: the status, and for an out-of-service kiosk whether it is connected. */
export function statusBadge(kiosk: KioskSummary): StatusBadge {
  const status = kioskStatus(kiosk);
  if (status === 'out-of-service') return kiosk.online ? 'outOfServiceOnline' : 'outOfServiceOffline';
  return status;
}

export function activeAlerts(kiosk: KioskSummary): readonly AlertKind[] {
  return kiosk.activeAlerts ?? [];
}

export function matchesFilter(kiosk: KioskSummary, filter: KioskFilter): boolean {
  if (filter.municipality !== undefined && kiosk.municipality !== filter.municipality) return false;
  if (filter.site !== undefined && kiosk.site !== filter.site) return false;
  if (filter.status !== undefined && kioskStatus(kiosk) !== filter.status) return false;
  if (filter.alert === 'any') return activeAlerts(kiosk).length > 0;
  if (filter.alert !== undefined) return activeAlerts(kiosk).includes(filter.alert);
  return true;
}

export function applyFilter(kiosks: readonly KioskSummary[], filter: KioskFilter): KioskSummary[] {
  return kiosks.filter((kiosk) => matchesFilter(kiosk, filter));
}

export function isFiltered(filter: KioskFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}

const byJapanese = (a: string, b: string) => a.localeCompare(b, 'ja');

export interface FilterChoices {
  municipalities: string[];
  /** Sites of the chosen municipality, or of all when none is chosen. */
  sites: string[];
  /** Alert kinds some kiosk has now. */
  alerts: AlertKind[];
}

/**
 * The values the selects offer, taken from the kiosks themselves. A value the filter already holds is
 * always offered, even when no kiosk has it any more, so the select never silently shows another value.
 */
export function filterChoices(kiosks: readonly KioskSummary[], filter: KioskFilter): FilterChoices {
  const municipalities = new Set(kiosks.map((kiosk) => kiosk.municipality));
  const sites = new Set(
    kiosks.filter((kiosk) => filter.municipality === undefined || kiosk.municipality === filter.municipality).map((kiosk) => kiosk.site),
  );
  const alerts = new Set(kiosks.flatMap((kiosk) => activeAlerts(kiosk)));
  if (filter.municipality !== undefined) municipalities.add(filter.municipality);
  if (filter.site !== undefined) sites.add(filter.site);
  if (filter.alert !== undefined && filter.alert !== 'any') alerts.add(filter.alert);
  return {
    municipalities: [...municipalities].sort(byJapanese),
    sites: [...sites].sort(byJapanese),
    alerts: [...alerts].sort(),
  };
}

/**
 * A filter with one field changed. Choosing another municipality drops a site that is not in it, so the
 * list does not go empty for a reason the person cannot see.
 */
export function withFilter<K extends keyof KioskFilter>(
  kiosks: readonly KioskSummary[],
  filter: KioskFilter,
  key: K,
  value: KioskFilter[K] | undefined,
): KioskFilter {
  const next: KioskFilter = { ...filter };
  if (value === undefined) delete next[key];
  else next[key] = value;
  if (key === 'municipality' && next.site !== undefined && next.municipality !== undefined) {
    const site = next.site;
    const municipality = next.municipality;
    if (!kiosks.some((kiosk) => kiosk.municipality === municipality && kiosk.site === site)) delete next.site;
  }
  return next;
}

/** Counts by status of a list, for when the hub's overview has not arrived yet. */
export function countByStatus(kiosks: readonly KioskSummary[]): StatusCounts {
  const counts: StatusCounts = { online: 0, degraded: 0, offline: 0, 'out-of-service': 0 };
  for (const kiosk of kiosks) counts[kioskStatus(kiosk)] += 1;
  return counts;
}
