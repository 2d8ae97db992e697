import { AlertStateSchema, CommandStatusSchema, KioskStatusSchema, type AlertKind, type AlertState, type CommandStatus, type KioskStatus } from '@kiosk/protocols';

/** What the scrape-time gauges read. */
export interface MetricSources {
  kioskStatusCounts(): Promise<Map<KioskStatus, number>>;
  alertCounts(): Promise<{ state: AlertState; kind: AlertKind; count: number }[]>;
  commandCounts(): Promise<Map<CommandStatus, number>>;
  connections(): { agents: number; consoles: number };
}

/** Every label value is always exported (0 included), so a dashboard never sees a series vanish. */
export const KIOSK_STATUS_VALUES = KioskStatusSchema.options;
export const ALERT_STATE_VALUES = AlertStateSchema.options.filter((state) => state !== 'resolved');
export const COMMAND_STATUS_VALUES = CommandStatusSchema.options;
