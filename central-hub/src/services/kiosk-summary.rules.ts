import type { KioskSummary } from '@kiosk/protocols';
import type { KioskView } from '../repositories/kiosk.repository';

/** The fleet view of one kiosk, from what the hub stored and whether its socket is connected now. */
export function toKioskSummary(view: KioskView, online: boolean): KioskSummary {
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
  };
}
