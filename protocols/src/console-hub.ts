import { z } from 'zod';
import { InstantSchema, KioskIdSchema } from './common';
import { DeviceHealthSchema } from './devices';
import { resultSchema } from './errors';
import { RolloutKioskViewSchema, RolloutSummarySchema, type RolloutKioskView, type RolloutSummary } from './rollout';
import {
  AlertKindSchema,
  AlertSchema,
  AlertStateSchema,
  AuditEntrySchema,
  AuditPageQuerySchema,
  AuditPageSchema,
  CommandRequestSchema,
  CommandViewSchema,
  KioskStatusSchema,
  StatusChangeSchema,
  StatusCountsSchema,
  TelemetryPointSchema,
  UserViewSchema,
  type Alert,
  type AuditEntry,
  type CommandView,
} from './fleet';

/** socket.io namespace of the technician console on the hub. */
export const CONSOLE_NAMESPACE = '/console';

/**
 * The console's handshake `auth`: a session token from `POST /api/auth/login` (or, for scripts, the
 * hub's bootstrap admin token). A connection without a valid one is refused with `not_authenticated`.
 */
export const ConsoleAuthSchema = z.object({ token: z.string().min(1).max(512) });
export type ConsoleAuth = z.infer<typeof ConsoleAuthSchema>;

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
  // Optional for compatibility with older peers; this hub always sends them.
  status: KioskStatusSchema.optional(),
  /** Since when the kiosk has had `status` ("offline since 10:02"). */
  statusSince: InstantSchema.nullable().optional(),
  /** Kinds of the kiosk's unresolved alerts. */
  activeAlerts: z.array(AlertKindSchema).optional(),
});
export type KioskSummary = z.infer<typeof KioskSummarySchema>;

/** Counts over the kiosks a technician may see; not-yet-enrolled kiosks are counted apart. */
export const FleetOverviewSchema = z.strictObject({
  counts: StatusCountsSchema,
  total: z.int().nonnegative(),
  pendingEnrolment: z.int().nonnegative(),
  alerts: z.strictObject({ open: z.int().nonnegative(), acknowledged: z.int().nonnegative() }),
  municipalities: z.array(
    z.strictObject({
      municipality: z.string(),
      counts: StatusCountsSchema,
      sites: z.array(z.strictObject({ site: z.string(), counts: StatusCountsSchema })),
    }),
  ),
});
export type FleetOverview = z.infer<typeof FleetOverviewSchema>;

/** Server-side filter of the kiosk list (within what the technician may see). */
export const KioskQuerySchema = z.strictObject({
  municipality: z.string().min(1).max(50).optional(),
  site: z.string().min(1).max(100).optional(),
  status: KioskStatusSchema.optional(),
  /** Kiosks with an unresolved alert of this kind, or of any kind. */
  alert: z.union([AlertKindSchema, z.literal('any')]).optional(),
  /** Paging (issue 12): kiosks after this id (kiosk id order), at most `limit` of them. */
  after: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type KioskQuery = z.infer<typeof KioskQuerySchema>;

export const KioskDetailSchema = z.strictObject({
  kiosk: KioskSummarySchema,
  /** Newest first. */
  statusHistory: z.array(StatusChangeSchema),
  /** Oldest first (for charts). */
  telemetry: z.array(TelemetryPointSchema),
  /**
   * Each device state change the kiosk recorded in the same window (its exactly-once
   * `device.health.changed` events, `since` on the kiosk's clock), oldest first: the device timeline's
   * exact transitions, including ones shorter than a heartbeat. Absent from hubs before issue 17.
   */
  deviceChanges: z.array(DeviceHealthSchema).optional(),
  /** Unresolved ones first (oldest first), then recently resolved ones. */
  alerts: z.array(AlertSchema),
  /** Newest first. */
  commands: z.array(CommandViewSchema),
});
export type KioskDetail = z.infer<typeof KioskDetailSchema>;

export const KioskRefSchema = z.strictObject({ kioskId: KioskIdSchema });

export const AlertQuerySchema = z.strictObject({
  /** `active` = open and acknowledged (the default). */
  state: z.union([AlertStateSchema, z.literal('active')]).optional(),
  kioskId: KioskIdSchema.optional(),
  limit: z.int().min(1).max(500).optional(),
});
export type AlertQuery = z.infer<typeof AlertQuerySchema>;

export const AlertAckRequestSchema = z.strictObject({
  alertId: z.uuidv7(),
  comment: z.string().trim().min(1, 'a comment is required').max(500),
});
export type AlertAckRequest = z.infer<typeof AlertAckRequestSchema>;

export const ConsoleCommandRequestSchema = CommandRequestSchema.extend({ kioskId: KioskIdSchema });
export type ConsoleCommandRequest = z.infer<typeof ConsoleCommandRequestSchema>;

export const MeResultSchema = resultSchema({ user: UserViewSchema });
export type MeResult = z.infer<typeof MeResultSchema>;
export const OverviewResultSchema = resultSchema({ overview: FleetOverviewSchema });
export type OverviewResult = z.infer<typeof OverviewResultSchema>;
export const KioskListResultSchema = resultSchema({ kiosks: z.array(KioskSummarySchema) });
export type KioskListResult = z.infer<typeof KioskListResultSchema>;
export const KioskDetailResultSchema = resultSchema({ detail: KioskDetailSchema });
export type KioskDetailResult = z.infer<typeof KioskDetailResultSchema>;
/** Oldest first. */
export const AlertListResultSchema = resultSchema({ alerts: z.array(AlertSchema) });
export type AlertListResult = z.infer<typeof AlertListResultSchema>;
export const AlertAckResultSchema = resultSchema({ alert: AlertSchema });
export type AlertAckResult = z.infer<typeof AlertAckResultSchema>;
export const CommandSendResultSchema = resultSchema({ commandId: z.uuidv7() });
export type CommandSendResult = z.infer<typeof CommandSendResultSchema>;
export const AuditPageResultSchema = resultSchema({ page: AuditPageSchema });
export type AuditPageResult = z.infer<typeof AuditPageResultSchema>;

/** Why the hub ends a console connection (then disconnects it). */
export const SessionEndedSchema = z.strictObject({ reason: z.enum(['expired', 'logged-out']) });
export type SessionEnded = z.infer<typeof SessionEndedSchema>;

/**
 * Console → hub. Every request but the original `kiosks.list` answers `{ ok: true, ... }` or a
 * Failure (`invalid_message`, `not_found`, `forbidden`, `conflict`, `internal`). Everything is scoped
 * to the municipalities the session's user may see.
 */
export interface ConsoleToHubEvents {
  'kiosks.list': (ack: (kiosks: KioskSummary[]) => void) => void;
  'session.me': (ack: (result: MeResult) => void) => void;
  'fleet.overview': (ack: (result: OverviewResult) => void) => void;
  'fleet.kiosks': (query: KioskQuery, ack: (result: KioskListResult) => void) => void;
  'kiosk.detail': (request: z.infer<typeof KioskRefSchema>, ack: (result: KioskDetailResult) => void) => void;
  'alerts.list': (query: AlertQuery, ack: (result: AlertListResult) => void) => void;
  'alert.ack': (request: AlertAckRequest, ack: (result: AlertAckResult) => void) => void;
  'command.send': (request: ConsoleCommandRequest, ack: (result: CommandSendResult) => void) => void;
  'audit.page': (query: z.infer<typeof AuditPageQuerySchema>, ack: (result: AuditPageResult) => void) => void;
}

/** Hub → console pushes, each only to consoles whose user may see it. */
export interface HubToConsoleEvents {
  /** One kiosk (the original push; hubs since issue 12 send `kiosks.updated` instead). */
  'kiosk.updated': (kiosk: KioskSummary) => void;
  /** The kiosks that changed since the last one, each as it is now: at most one a second per console (issue 12). */
  'kiosks.updated': (kiosks: KioskSummary[]) => void;
  'fleet.overview': (overview: FleetOverview) => void;
  'alert.updated': (alert: Alert) => void;
  'command.updated': (command: CommandView) => void;
  /** Administrators only. */
  'audit.appended': (entry: AuditEntry) => void;
  /** A rollout changed state or stage (issue 19). */
  'rollout.updated': (rollout: RolloutSummary) => void;
  /** A kiosk's update in a rollout moved on (its agent reported, it was offered the release). */
  'rollout.kiosk.updated': (kiosk: RolloutKioskView) => void;
  'session.ended': (ended: SessionEnded) => void;
}

/** Runtime schemas of what the hub receives (requests with a payload), keyed like the event map. */
export const consoleToHubSchemas = {
  'fleet.kiosks': KioskQuerySchema,
  'kiosk.detail': KioskRefSchema,
  'alerts.list': AlertQuerySchema,
  'alert.ack': AlertAckRequestSchema,
  'command.send': ConsoleCommandRequestSchema,
  'audit.page': AuditPageQuerySchema,
} as const satisfies Partial<Record<keyof ConsoleToHubEvents, z.ZodType>>;

/** Runtime schemas of what the console receives. */
export const hubToConsoleSchemas = {
  'kiosk.updated': KioskSummarySchema,
  'kiosks.updated': z.array(KioskSummarySchema).min(1),
  'fleet.overview': FleetOverviewSchema,
  'alert.updated': AlertSchema,
  'command.updated': CommandViewSchema,
  'audit.appended': AuditEntrySchema,
  'rollout.updated': RolloutSummarySchema,
  'rollout.kiosk.updated': RolloutKioskViewSchema,
  'session.ended': SessionEndedSchema,
} as const satisfies Record<keyof HubToConsoleEvents, z.ZodType>;
