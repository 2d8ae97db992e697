import { AlertKindSchema, KioskIdSchema, KioskStatusSchema, type AlertKind, type KioskStatus } from '@kiosk/protocols';

/**
 * The console's pages as hash routes, so a tablet's back button, a bookmark and a shared link all work
 * without a router library or server routes: `#/fleet?status=offline`, `#/kiosks/<id>`,
 * `#/alerts?state=acknowledged`, `#/audit`, `#/certificates`, `#/cash`, `#/rollouts`, `#/public/lottery` (no sign-in). Parsing never throws: what it cannot read is `not-found`
 * (or, for a query parameter, simply left out).
 */

/** The kiosk list's filters; an absent field means "all". */
export interface KioskFilter {
  municipality?: string;
  site?: string;
  status?: KioskStatus;
  /** A kiosk with an unresolved alert of this kind, or of any kind. */
  alert?: AlertKind | 'any';
}

export const ALERT_TABS = ['open', 'acknowledged', 'resolved'] as const;
export type AlertTab = (typeof ALERT_TABS)[number];

export type Route =
  | { page: 'fleet'; filter: KioskFilter }
  | { page: 'kiosk'; kioskId: string }
  | { page: 'alerts'; tab: AlertTab }
  | { page: 'audit' }
  | { page: 'certificates' }
  /** Cash reconciliation per kiosk and collection period (issue 18). */
  | { page: 'cash' }
  /** Staged rollouts of agent releases (issue 19). */
  | { page: 'rollouts' }
  /** Public (no sign-in): the lottery draws' record and how to re-run them. */
  | { page: 'public-lottery' }
  | { page: 'not-found' };

export type PageName = Route['page'];

/** Filter values are shown in selects and sent nowhere, but still bounded like the protocol's query. */
const MAX_TEXT = 100;

function text(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name)?.trim();
  return value !== undefined && value.length > 0 && value.length <= MAX_TEXT ? value : undefined;
}

export function parseFilter(params: URLSearchParams): KioskFilter {
  const filter: KioskFilter = {};
  const municipality = text(params, 'municipality');
  if (municipality !== undefined) filter.municipality = municipality;
  const site = text(params, 'site');
  if (site !== undefined) filter.site = site;
  const status = KioskStatusSchema.safeParse(params.get('status'));
  if (status.success) filter.status = status.data;
  const alert = params.get('alert');
  if (alert === 'any') filter.alert = 'any';
  else {
    const kind = AlertKindSchema.safeParse(alert);
    if (kind.success) filter.alert = kind.data;
  }
  return filter;
}

function isAlertTab(value: string | null): value is AlertTab {
  return (ALERT_TABS as readonly (string | null)[]).includes(value);
}

/** `location.hash` (with or without the leading `#`) to a route. */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const queryAt = raw.indexOf('?');
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  const segments = path.split('/').filter((segment) => segment.length > 0);

  if (segments.length === 0 || (segments.length === 1 && segments[0] === 'fleet')) {
    return { page: 'fleet', filter: parseFilter(params) };
  }
  if (segments.length === 2 && segments[0] === 'kiosks') {
    let kioskId: string;
    try {
      kioskId = decodeURIComponent(segments[1] ?? '');
    } catch {
      return { page: 'not-found' };
    }
    return KioskIdSchema.safeParse(kioskId).success ? { page: 'kiosk', kioskId } : { page: 'not-found' };
  }
  if (segments.length === 1 && segments[0] === 'alerts') {
    const tab = params.get('state');
    return { page: 'alerts', tab: isAlertTab(tab) ? tab : 'open' };
  }
  if (segments.length === 1 && segments[0] === 'audit') return { page: 'audit' };
  if (segments.length === 1 && segments[0] === 'certificates') return { page: 'certificates' };
  if (segments.length === 1 && segments[0] === 'cash') return { page: 'cash' };
  if (segments.length === 1 && segments[0] === 'rollouts') return { page: 'rollouts' };
  if (segments.length === 2 && segments[0] === 'public' && segments[1] === 'lottery') return { page: 'public-lottery' };
  return { page: 'not-found' };
}

/** A route to the hash that `parseRoute` reads back as the same route. */
export function routeHash(route: Route): string {
  switch (route.page) {
    case 'fleet': {
      const params = new URLSearchParams();
      // A fixed order, so the same filter always gives the same address.
      for (const key of ['municipality', 'site', 'status', 'alert'] as const) {
        const value = route.filter[key];
        if (value !== undefined) params.set(key, value);
      }
      const query = params.toString();
      return query === '' ? '#/fleet' : `#/fleet?${query}`;
    }
    case 'kiosk':
      return `#/kiosks/${encodeURIComponent(route.kioskId)}`;
    case 'alerts':
      return route.tab === 'open' ? '#/alerts' : `#/alerts?state=${route.tab}`;
    case 'audit':
      return '#/audit';
    case 'certificates':
      return '#/certificates';
    case 'cash':
      return '#/cash';
    case 'rollouts':
      return '#/rollouts';
    case 'public-lottery':
      return '#/public/lottery';
    case 'not-found':
      return '#/not-found';
  }
}

export const fleetHash = (filter: KioskFilter = {}): string => routeHash({ page: 'fleet', filter });
export const kioskHash = (kioskId: string): string => routeHash({ page: 'kiosk', kioskId });
export const alertsHash = (tab: AlertTab = 'open'): string => routeHash({ page: 'alerts', tab });

/** The same page with different parameters keeps its data; a different page (or kiosk) loads anew. */
export function samePage(a: Route, b: Route): boolean {
  if (a.page !== b.page) return false;
  return a.page !== 'kiosk' || b.page !== 'kiosk' || a.kioskId === b.kioskId;
}
