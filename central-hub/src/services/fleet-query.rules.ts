import { KIOSK_STATUSES, type FleetOverview, type KioskQuery, type KioskStatus, type KioskSummary, type StatusCounts } from '@kiosk/protocols';

/** The kiosk list's server-side filter (applied after scoping). */
export function matchesQuery(kiosk: KioskSummary, query: KioskQuery): boolean {
  if (query.municipality !== undefined && kiosk.municipality !== query.municipality) return false;
  if (query.site !== undefined && kiosk.site !== query.site) return false;
  if (query.status !== undefined && (!kiosk.enrolled || kiosk.status !== query.status)) return false;
  const alerts = kiosk.activeAlerts ?? [];
  if (query.alert === 'any' && alerts.length === 0) return false;
  if (query.alert !== undefined && query.alert !== 'any' && !alerts.includes(query.alert)) return false;
  return true;
}

function zeroCounts(): StatusCounts {
  return Object.fromEntries(KIOSK_STATUSES.map((status) => [status, 0])) as Record<KioskStatus, number>;
}

/**
 * Counts by status over enrolled kiosks, overall and grouped by municipality then site (sorted as a
 * Japanese reader expects); kiosks still waiting for enrolment are counted apart.
 */
export function overviewOf(kiosks: readonly KioskSummary[], alerts: { open: number; acknowledged: number }): FleetOverview {
  const counts = zeroCounts();
  const groups = new Map<string, { counts: StatusCounts; sites: Map<string, StatusCounts> }>();
  let pendingEnrolment = 0;
  for (const kiosk of kiosks) {
    if (!kiosk.enrolled) {
      pendingEnrolment++;
      continue;
    }
    const status = kiosk.status ?? 'offline';
    counts[status]++;
    let group = groups.get(kiosk.municipality);
    if (!group) {
      group = { counts: zeroCounts(), sites: new Map() };
      groups.set(kiosk.municipality, group);
    }
    group.counts[status]++;
    const site = group.sites.get(kiosk.site) ?? zeroCounts();
    site[status]++;
    group.sites.set(kiosk.site, site);
  }
  const byName = (a: string, b: string) => a.localeCompare(b, 'ja');
  return {
    counts,
    total: kiosks.length - pendingEnrolment,
    pendingEnrolment,
    alerts,
    municipalities: [...groups.keys()].sort(byName).map((municipality) => {
      const group = groups.get(municipality) as { counts: StatusCounts; sites: Map<string, StatusCounts> };
      return {
        municipality,
        counts: group.counts,
        sites: [...group.sites.keys()].sort(byName).map((site) => ({ site, counts: group.sites.get(site) as StatusCounts })),
      };
    }),
  };
}
