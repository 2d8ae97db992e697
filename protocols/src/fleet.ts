import { z } from 'zod';
import { CommandIdSchema, InstantSchema, KioskIdSchema } from './common';
import { HubCommandSchema, KioskActivitySchema, type HubCommandType } from './agent-hub';
import { DeviceKindSchema, DeviceReasonSchema, DeviceStatusSchema } from './devices';

/**
 * The technician console's view of the fleet: kiosk status, alerts, telemetry, commands, the audit
 * trail, and technician accounts. The console (kiosk-ui) and the hub both parse with these.
 */

/**
 * online: connected, heartbeating, every device ok. degraded: online with a device not ok.
 * offline: not connected, or no heartbeat for the hub's configured time. out-of-service: the kiosk
 * said a technician took it out of service (its last report wins, connected or not).
 */
export const KioskStatusSchema = z.enum(['online', 'degraded', 'offline', 'out-of-service']);
export type KioskStatus = z.infer<typeof KioskStatusSchema>;
export const KIOSK_STATUSES = KioskStatusSchema.options;

export const StatusCountsSchema = z.record(KioskStatusSchema, z.int().nonnegative());
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

/** One interval of a kiosk's status history; `until` null is the current one. */
export const StatusChangeSchema = z.strictObject({
  status: KioskStatusSchema,
  since: InstantSchema,
  until: InstantSchema.nullable(),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

export const AlertKindSchema = z.enum([
  'paper-near-end',
  'paper-out',
  'printer-cover-open',
  'printer-jam',
  'card-reader-missing',
  'cash-box-full',
  'hopper-empty',
  'kiosk-offline',
  'outbox-backlog',
  'clock-drift',
  /** The last cash collection did not balance: counted (or the kiosk's own count) differs from the hub's ledger. */
  'cash-discrepancy',
]);
export type AlertKind = z.infer<typeof AlertKindSchema>;

export const AlertSeveritySchema = z.enum(['warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

/** open → acknowledged (by a technician, with a comment) → resolved (by the hub, when the condition cleared). */
export const AlertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertStateSchema>;

export const AlertSchema = z.strictObject({
  alertId: z.uuidv7(),
  kioskId: KioskIdSchema,
  municipality: z.string(),
  site: z.string(),
  kind: AlertKindSchema,
  severity: AlertSeveritySchema,
  /** The device the alert is about, for device alerts. */
  deviceId: z.string().nullable(),
  /** Technician-facing English text; the console shows its own translation of `kind`. */
  message: z.string(),
  state: AlertStateSchema,
  openedAt: InstantSchema,
  /** When the condition was last seen cleared (resolution waits for the hold time); null while active. */
  clearedAt: InstantSchema.nullable(),
  /** How often the condition came back within the hold time (flapping, absorbed by this alert). */
  flaps: z.int().nonnegative(),
  acknowledgedAt: InstantSchema.nullable(),
  acknowledgedBy: z.string().nullable(),
  ackComment: z.string().nullable(),
  resolvedAt: InstantSchema.nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** One stored heartbeat of a kiosk (the hub keeps at most one per configured interval, plus changes). */
export const TelemetryPointSchema = z.strictObject({
  at: InstantSchema,
  sentAt: InstantSchema,
  outboxBacklog: z.int().nonnegative(),
  outboxOldestOccurredAt: InstantSchema.nullable(),
  quarantined: z.int().nonnegative().nullable(),
  rssBytes: z.int().nonnegative(),
  uptimeSeconds: z.number().nonnegative(),
  outOfService: z.boolean(),
  devices: z.array(
    z.strictObject({
      deviceId: z.string(),
      kind: DeviceKindSchema,
      status: DeviceStatusSchema,
      reasons: z.array(DeviceReasonSchema),
    }),
  ),
  /** Card reads, prints, transactions (last hour) and the cash box, when the kiosk reported them. */
  activity: KioskActivitySchema.optional(),
});
export type TelemetryPoint = z.infer<typeof TelemetryPointSchema>;

/** The command types the hub can send (kept in step with HubCommandSchema by construction). */
export const HubCommandTypeSchema = z.enum(
  HubCommandSchema.options.map((option) => option.shape.type.value) as [HubCommandType, ...HubCommandType[]],
);

/** queued → delivered → succeeded | failed; queued → expired (or failed when the agent refused it). */
export const CommandStatusSchema = z.enum(['queued', 'delivered', 'succeeded', 'failed', 'expired']);
export type CommandStatus = z.infer<typeof CommandStatusSchema>;

/** A command as sent, where it is now, and who sent it. */
export const CommandViewSchema = z.strictObject({
  commandId: CommandIdSchema,
  kioskId: KioskIdSchema,
  type: HubCommandTypeSchema,
  params: z.record(z.string(), z.unknown()),
  issuedAt: InstantSchema,
  expiresAt: InstantSchema,
  issuedBy: z.string().nullable(),
  status: CommandStatusSchema,
  deliveredAt: InstantSchema.nullable(),
  completedAt: InstantSchema.nullable(),
  detail: z.string().nullable(),
});
export type CommandView = z.infer<typeof CommandViewSchema>;

/** Longest a command may wait for its kiosk: a week. */
export const MAX_COMMAND_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * A technician's command request. Only the envelope is checked here; `type` and `params` are checked
 * against HubCommandSchema once the hub has added id and times, so nothing the agent could not parse
 * is ever accepted.
 */
export const CommandRequestSchema = z.strictObject({
  type: z.string().min(1).max(64),
  params: z.unknown(),
  ttlSeconds: z.int().min(1).max(MAX_COMMAND_TTL_SECONDS).optional(),
});
export type CommandRequest = z.infer<typeof CommandRequestSchema>;

export const RoleSchema = z.enum(['viewer', 'technician', 'administrator']);
export type Role = z.infer<typeof RoleSchema>;

/** A technician account as others see it; `municipality` null means every municipality (administrators only). */
export const UserViewSchema = z.strictObject({
  userId: z.uuidv7().nullable(),
  username: z.string(),
  role: RoleSchema,
  municipality: z.string().nullable(),
});
export type UserView = z.infer<typeof UserViewSchema>;

export const UsernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'username: 3-32 of a-z, 0-9, ., _, -');

export const LoginRequestSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;
export const LoginResponseSchema = z.strictObject({
  token: z.string(),
  expiresAt: InstantSchema,
  user: UserViewSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const CreateUserRequestSchema = z.strictObject({
  username: UsernameSchema,
  password: z.string().min(12, 'at least 12 characters').max(256),
  role: RoleSchema,
  municipality: z.string().min(1).max(50).nullable(),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

/** Who did it: a technician, the bootstrap token, a kiosk, or the hub itself. */
export const AuditActorKindSchema = z.enum(['user', 'token', 'kiosk', 'system']);

export const AuditActionSchema = z.enum([
  'auth.login',
  'auth.logout',
  'user.created',
  'enrolment-code.created',
  'kiosk.enrolled',
  'command.sent',
  'command.delivered',
  'command.succeeded',
  'command.failed',
  'command.expired',
  'alert.acknowledged',
  /** A technician downloaded the log lines a kiosk uploaded for a `logs.upload` command. */
  'logs.downloaded',
  /** An administrator scheduled or cancelled a certificate-service maintenance day (issue 18). */
  'maintenance-day.scheduled',
  'maintenance-day.cancelled',
  /** The municipal office paid a voucher a kiosk printed, or was refused (already redeemed) (issue 18). */
  'cash-voucher.redeemed',
  /** An administrator uploaded an agent release; refused when its signature or a file hash did not verify (issue 19). */
  'release.uploaded',
  /** A draw officer entered a round's witness value (the draw follows), or was refused (issue 15, item 8). */
  'lottery.witness.entered',
  /** Staged rollouts of agent releases (issue 19): a technician's steps, the hub's, and what kiosks reported. */
  'rollout.created',
  'rollout.paused',
  'rollout.resumed',
  'rollout.aborted',
  'rollout.halted',
  'rollout.stage-advanced',
  'rollout.completed',
  'rollout.kiosk-reported',
  /** A technician set a kiosk's tags (rollout groups). */
  'kiosk.tags-set',
]);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** One row of the hash-chained audit trail: `hash` = SHA-256(prevHash + the row's canonical content). */
export const AuditEntrySchema = z.strictObject({
  seq: z.int().positive(),
  at: InstantSchema,
  actor: z.string(),
  actorKind: AuditActorKindSchema,
  action: AuditActionSchema,
  /** `refused`: the actor was not allowed, or the attempt failed (a wrong password, a locked account). */
  outcome: z.enum(['ok', 'refused']),
  municipality: z.string().nullable(),
  kioskId: KioskIdSchema.nullable(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageQuerySchema = z.strictObject({
  /** Entries with a seq below this one (the previous page's `nextBefore`); omitted: the newest. */
  before: z.int().positive().optional(),
  limit: z.int().min(1).max(200).optional(),
});
export type AuditPageQuery = z.infer<typeof AuditPageQuerySchema>;
export const AuditPageSchema = z.strictObject({
  /** Newest first. */
  entries: z.array(AuditEntrySchema),
  nextBefore: z.int().positive().nullable(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

/**
 * A signed checkpoint of the audit trail's head (issue 15): the hub signs `auditCheckpointMessage` with
 * an Ed25519 key kept outside the database and appends the line to `audit-checkpoints.jsonl`, so that a
 * trail cut or rewritten below a checkpoint no longer matches it (`verify-audit --checkpoints`).
 */
export const AuditCheckpointSchema = z.strictObject({
  /** The head's row: the chain held `seq` rows, the last with `hash`. */
  seq: z.int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** When the hub signed it. */
  at: InstantSchema,
  /** First 16 hex digits of SHA-256 of the signing key's SPKI DER: which key to check it with. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Ed25519 over `auditCheckpointMessage`, base64. */
  signature: z.base64().length(88),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpointSchema>;

/** The exact bytes a checkpoint's signature covers (a fixed label, so it can never pass for another signed text). */
export function auditCheckpointMessage(checkpoint: Pick<AuditCheckpoint, 'seq' | 'hash' | 'at'>): string {
  return `kiosk-hub audit checkpoint v1\n${checkpoint.seq}\n${checkpoint.hash}\n${checkpoint.at}`;
}
