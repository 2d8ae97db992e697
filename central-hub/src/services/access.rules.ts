import type { Role, UserView } from '@kiosk/protocols';

/**
 * Who may do what, where. A principal is a signed-in technician (a session) or the hub's bootstrap
 * admin token (scripts). Roles are ordered viewer < technician < administrator; a principal with a
 * municipality sees and acts on that municipality's kiosks only, one without (administrators only) on
 * every municipality.
 */
export interface Principal {
  kind: 'user' | 'token';
  userId: string | null;
  username: string;
  role: Role;
  municipality: string | null;
  /** SHA-256 of the session token (to end its live connections on logout); null for the admin token. */
  sessionHash: string | null;
  expiresAt: string | null;
}

export type Permission = 'view' | 'command' | 'acknowledge' | 'enrol' | 'read-audit' | 'manage-users' | 'read-certificate-service' | 'schedule-maintenance' | 'read-cash' | 'run-draw' | 'redeem-voucher' | 'upload-release';

const RANK: Record<Role, number> = { viewer: 0, technician: 1, administrator: 2 };

const NEEDS: Record<Permission, Role> = {
  view: 'viewer',
  command: 'technician',
  acknowledge: 'technician',
  enrol: 'administrator',
  'read-audit': 'administrator',
  'manage-users': 'administrator',
  /** The certificate service's fee table, calendar and maintenance days (issue 18). */
  'read-certificate-service': 'technician',
  'schedule-maintenance': 'administrator',
  /** Cash reconciliation and its CSV export (issue 18). */
  'read-cash': 'technician',
  /** The facility lottery's draw officer: enters a round's witness at its draw (issue 15, item 8). */
  'run-draw': 'administrator',
  /** Records a kiosk's voucher paid at the municipal office (issue 18): office staff, not field technicians. */
  'redeem-voucher': 'administrator',
  /** Adds a signed agent release to the hub (issue 19): what every kiosk may end up running. */
  'upload-release': 'administrator',
};

export const BOOTSTRAP_PRINCIPAL: Principal = {
  kind: 'token',
  userId: null,
  username: 'admin-token',
  role: 'administrator',
  municipality: null,
  sessionHash: null,
  expiresAt: null,
};

/** True when the principal's scope covers `municipality` (null: every municipality at once). */
export function inScope(principal: Principal, municipality: string | null): boolean {
  return principal.municipality === null || principal.municipality === municipality;
}

export function hasRole(principal: Principal, permission: Permission): boolean {
  return RANK[principal.role] >= RANK[NEEDS[permission]];
}

/** The permission, on a kiosk (or anything else) of `municipality`. */
export function can(principal: Principal, permission: Permission, municipality: string | null): boolean {
  return hasRole(principal, permission) && inScope(principal, municipality);
}

/**
 * Why `principal` may not act with `permission` on a kiosk of `municipality`, or null when they may:
 * `municipality` (outside their scope: the kiosk is "not found" to them) is checked before `role`
 * (in scope, but the role lacks the permission: forbidden).
 */
export type Refusal = 'municipality' | 'role';
export function refusal(principal: Principal, permission: Permission, municipality: string | null): Refusal | null {
  if (!inScope(principal, municipality)) return 'municipality';
  if (!hasRole(principal, permission)) return 'role';
  return null;
}

export function userView(principal: Principal): UserView {
  return { userId: principal.userId, username: principal.username, role: principal.role, municipality: principal.municipality };
}
