import { z } from 'zod';
import { InstantSchema, KioskIdSchema } from './common';
import { DeviceHealthSchema } from './devices';

/** socket.io namespace of the technician console on the hub. */
export const CONSOLE_NAMESPACE = '/console';

export const KioskSummarySchema = z.strictObject({
  kioskId: KioskIdSchema,
  name: z.string(),
  municipality: z.string(),
  site: z.string(),
  kind: z.enum(['certificate-kiosk', 'street-terminal']),
  enrolled: z.boolean(),
  online: z.boolean(),
  lastHeartbeatAt: InstantSchema.nullable(),
  outboxBacklog: z.int().nonnegative().nullable(),
  agentVersion: z.string().nullable(),
  outOfService: z.boolean(),
  devices: z.array(DeviceHealthSchema),
});
export type KioskSummary = z.infer<typeof KioskSummarySchema>;

export interface ConsoleToHubEvents {
  'kiosks.list': (ack: (kiosks: KioskSummary[]) => void) => void;
}
export interface HubToConsoleEvents {
  'kiosk.updated': (kiosk: KioskSummary) => void;
}
export const hubToConsoleSchemas = {
  'kiosk.updated': KioskSummarySchema,
} as const satisfies Record<keyof HubToConsoleEvents, z.ZodType>;
