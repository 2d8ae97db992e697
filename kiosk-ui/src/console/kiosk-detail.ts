import type { Alert, CommandView, KioskDetail, KioskSummary } from '@kiosk/protocols';
import { kioskAlertOrder, upsertAlert } from './alerts';
import { upsertCommand } from './commands';

/**
 * The open kiosk page's data kept live: pushes about other kiosks change nothing (and return the same
 * object, so nothing re-renders); pushes about this one are merged in.
 */

export function detailWithKiosk(detail: KioskDetail, kiosk: KioskSummary): KioskDetail {
  return kiosk.kioskId === detail.kiosk.kioskId ? { ...detail, kiosk } : detail;
}

export function detailWithAlert(detail: KioskDetail, alert: Alert): KioskDetail {
  if (alert.kioskId !== detail.kiosk.kioskId) return detail;
  return { ...detail, alerts: kioskAlertOrder(upsertAlert(detail.alerts, alert)) };
}

export function detailWithCommand(detail: KioskDetail, command: CommandView): KioskDetail {
  if (command.kioskId !== detail.kiosk.kioskId) return detail;
  return { ...detail, commands: upsertCommand(detail.commands, command) };
}

/**
 * A refetched detail, plus the pushes that arrived while it was in flight (newer than, or as new as,
 * what it holds), so a refresh never takes the page back in time.
 */
export function refreshedDetail(fetched: KioskDetail, later: { kiosk: KioskSummary[]; alerts: Alert[]; commands: CommandView[] }): KioskDetail {
  let detail = fetched;
  for (const kiosk of later.kiosk) detail = detailWithKiosk(detail, kiosk);
  for (const alert of later.alerts) detail = detailWithAlert(detail, alert);
  for (const command of later.commands) detail = detailWithCommand(detail, command);
  return detail;
}
