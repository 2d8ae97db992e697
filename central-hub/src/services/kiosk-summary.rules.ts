import type { AlertKind, KioskSummary } from '@kiosk/protocols';
import type { KioskView } from '../repositories/kiosk.repository';

/**
 * The fleet view of one kiosk, from what the hub stored, whether its socket is connected now, and the
 * kinds of its unresolved alerts. A kiosk the hub has not evaluated yet (or one not enrolled) shows as
 * offline.
 */
export function toKioskSummary(view: KioskView, online: boolean, activeAlerts: readonly AlertKind[] = []): KioskSummary {
  const { kiosk, telemetry, devices } = view;
  return {
    kioskId: kiosk.kioskId,
    name: kiosk.name,
    municipality: kiosk.municipality,
    site: kiosk.site,
    kind: kiosk.kind,
    enrolled: kiosk.publicKey !== null,
    online,
    lastHeartbeatAt: kiosk.lastHeartbeatAt,
    outboxBacklog: telemetry?.outboxBacklog ?? null,
    agentVersion: kiosk.agentVersion,
    outOfService: telemetry?.outOfService ?? false,
    devices,
    status: kiosk.status ?? 'offline',
    statusSince: kiosk.statusSince,
    activeAlerts: [...new Set(activeAlerts)].sort(),
  };
}
