import { TelemetrySchema, type DeviceHealth, type KioskActivity, type Telemetry } from '@kiosk/protocols';
import type { OutboxStats } from '../store/outbox';

/** The wire limit on devices per heartbeat. */
const MAX_TELEMETRY_DEVICES = 32;

export interface TelemetryInputs {
  now: Date;
  outbox: OutboxStats;
  devices: readonly DeviceHealth[];
  agentVersion: string;
  uptimeSeconds: number;
  rssBytes: number;
  outOfService: boolean;
  /** Card reads, prints, transactions and the cash box (telemetry-activity.ts); absent when not observed. */
  activity?: KioskActivity;
}

/** Pure: the heartbeat the hub's fleet view is built from (latest wins; not exactly-once). */
export function buildTelemetry(input: TelemetryInputs): Telemetry {
  return TelemetrySchema.parse({
    sentAt: input.now.toISOString(),
    outbox: {
      backlog: input.outbox.backlog,
      oldestOccurredAt: input.outbox.oldestOccurredAt,
      lastSeq: input.outbox.lastSeq,
      quarantined: input.outbox.quarantined,
    },
    devices: input.devices.slice(0, MAX_TELEMETRY_DEVICES),
    agent: {
      version: input.agentVersion,
      uptimeSeconds: Math.max(0, input.uptimeSeconds),
      rssBytes: Math.max(0, Math.round(input.rssBytes)),
      outOfService: input.outOfService,
    },
    ...(input.activity === undefined ? {} : { activity: input.activity }),
  });
}
