import { z } from 'zod';
import type { AgentToHubCertificateEvents } from './certificates';
import type { LotteryAgentToHubEvents } from './lottery';
import { AgentUpdateParamsSchema, type AgentToHubUpdateEvents } from './update';
import { CommandIdSchema, InstantSchema, KioskIdSchema, SeqSchema } from './common';
import { HopperCountsSchema } from './hopper-count';
import { DeviceHealthSchema } from './devices';
import { FailureSchema, resultSchema } from './errors';
import { OutboxEventSchema } from './outbox-events';

/** socket.io namespace the agents connect to (websocket transport only). */
export const AGENT_NAMESPACE = '/agent';

/** Largest batch the hub accepts in one `events` message. */
export const MAX_EVENT_BATCH = 1000;

/**
 * Connection authentication, sent as socket.io's handshake `auth`. The agent signs
 * `kioskAuthMessage(...)` with its Ed25519 key; the hub accepts a timestamp within its window and each
 * nonce once, so a captured handshake cannot be replayed.
 */
export const KioskAuthSchema = z.strictObject({
  kioskId: KioskIdSchema,
  protocolVersion: z.int().positive(),
  timestamp: z.int().positive(),
  nonce: z.base64url().min(16).max(64),
  signature: z.base64(),
});
export type KioskAuth = z.infer<typeof KioskAuthSchema>;

export function kioskAuthMessage(auth: Pick<KioskAuth, 'kioskId' | 'protocolVersion' | 'timestamp' | 'nonce'>): string {
  return `kiosk-auth:v${auth.protocolVersion}:${auth.kioskId}:${auth.timestamp}:${auth.nonce}`;
}

/** First message after connecting: who the agent is and what the hub already holds from it. */
export const HelloSchema = z.strictObject({
  protocolVersion: z.int().positive(),
  agentVersion: z.string().min(1).max(64),
});
export type Hello = z.infer<typeof HelloSchema>;
export const HelloAckSchema = resultSchema({
  kioskId: KioskIdSchema,
  /** Highest seq the hub holds with no gap below it (0 when none). */
  ackedThroughSeq: z.int().nonnegative(),
  serverTime: InstantSchema,
});
export type HelloAck = z.infer<typeof HelloAckSchema>;

export const EventBatchSchema = z.strictObject({
  events: z.array(OutboxEventSchema).min(1).max(MAX_EVENT_BATCH),
});
export type EventBatch = z.infer<typeof EventBatchSchema>;

/**
 * The hub's answer to a batch, sent only after its transaction committed. Rows up to `ackedThroughSeq`
 * may be deleted by the agent. `gap` says the hub holds a later seq while an earlier one is missing.
 */
export const BatchAckSchema = resultSchema({
  ackedThroughSeq: z.int().nonnegative(),
  stored: z.int().nonnegative(),
  duplicates: z.int().nonnegative(),
  gap: z.strictObject({ missingFromSeq: SeqSchema, nextHeldSeq: SeqSchema }).optional(),
});
export type BatchAck = z.infer<typeof BatchAckSchema>;

/** The window the activity counts of a heartbeat cover (a rolling hour: "per hour" on the console). */
export const ACTIVITY_WINDOW_SECONDS = 3600;

/**
 * What the kiosk did in the last `windowSeconds`, counted by the agent from what it observes (card
 * insertions, completed print jobs, sessions, coin credits). Counts only: nothing about who.
 */
export const KioskActivitySchema = z.strictObject({
  windowSeconds: z.int().positive().max(86_400),
  cardReads: z.int().nonnegative(),
  receiptPrints: z.int().nonnegative(),
  documentPrints: z.int().nonnegative(),
  transactions: z.int().nonnegative(),
  /** Coins the acceptor put in the cash box and their value, kept across agent restarts; null without an acceptor. */
  cashBox: z.strictObject({ coins: z.int().nonnegative(), valueYen: z.int().nonnegative() }).nullable(),
});
export type KioskActivity = z.infer<typeof KioskActivitySchema>;

/** Heartbeat, every 15 s: a summary for the fleet view; not exactly-once (the latest wins). */
export const TelemetrySchema = z.strictObject({
  sentAt: InstantSchema,
  outbox: z.strictObject({
    backlog: z.int().nonnegative(),
    oldestOccurredAt: InstantSchema.nullable(),
    lastSeq: z.int().nonnegative(),
    /** Events the hub refused as malformed, parked on the kiosk for a technician (their seqs stay reserved). */
    quarantined: z.int().nonnegative().optional(),
  }),
  devices: z.array(DeviceHealthSchema).max(32),
  agent: z.strictObject({
    version: z.string().min(1).max(64),
    uptimeSeconds: z.number().nonnegative(),
    rssBytes: z.int().nonnegative(),
    outOfService: z.boolean(),
  }),
  /** What the kiosk did lately (absent from agents older than this field). */
  activity: KioskActivitySchema.optional(),
});
export type Telemetry = z.infer<typeof TelemetrySchema>;
export const SimpleAckSchema = z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true) }), FailureSchema]);
export type SimpleAck = z.infer<typeof SimpleAckSchema>;

/** `logs.upload`: the longest look-back a technician may ask for. */
export const MAX_LOG_UPLOAD_MINUTES = 60;
/** A log upload travels in chunks of at most this many lines, each line at most MAX_LOG_LINE_CHARS. */
export const MAX_LOG_CHUNK_LINES = 500;
export const MAX_LOG_LINE_CHARS = 4000;
/** At most this many chunks per upload (so at most 32,000 lines reach the hub per command). */
export const MAX_LOG_CHUNKS = 64;

/**
 * One chunk of a `logs.upload` command's answer, sent on `/agent` before the command's result. Chunks are
 * numbered from 0; the last says `final`. Resending a chunk is harmless (the hub keeps the first copy).
 */
export const LogChunkSchema = z.strictObject({
  commandId: CommandIdSchema,
  index: z.int().min(0).max(MAX_LOG_CHUNKS - 1),
  final: z.boolean(),
  lines: z.array(z.string().max(MAX_LOG_LINE_CHARS)).max(MAX_LOG_CHUNK_LINES),
});
export type LogChunk = z.infer<typeof LogChunkSchema>;

/** `cash.collected`: the most a technician may say they counted (far above what a cash box holds). */
export const MAX_CASH_BOX_YEN = 10_000_000;

/** Remote commands, persisted on the hub until the kiosk has recorded them. */
const commandBase = {
  commandId: CommandIdSchema,
  issuedAt: InstantSchema,
  expiresAt: InstantSchema,
};
export const HubCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...commandBase, type: z.literal('ping'), params: z.strictObject({}) }),
  z.strictObject({ ...commandBase, type: z.literal('config.refresh'), params: z.strictObject({}) }),
  z.strictObject({
    ...commandBase,
    type: z.literal('service.set'),
    params: z.strictObject({ inService: z.boolean(), reason: z.string().max(200).optional() }),
  }),
  z.strictObject({
    ...commandBase,
    type: z.literal('device.test-print'),
    params: z.strictObject({ deviceId: z.string().min(1).max(128) }),
  }),
  z.strictObject({
    ...commandBase,
    type: z.literal('device.reset'),
    params: z.strictObject({ deviceId: z.string().min(1).max(128) }),
  }),
  z.strictObject({
    ...commandBase,
    type: z.literal('logs.upload'),
    params: z.strictObject({ minutes: z.int().min(1).max(MAX_LOG_UPLOAD_MINUTES) }),
  }),
  z.strictObject({ ...commandBase, type: z.literal('agent.restart'), params: z.strictObject({}) }),
  /**
   * A technician emptied the cash box: the agent records what it had counted and starts again from zero.
   * `hoppers`: what they found in each hopper and left in it after refilling (the hub reconciles them).
   */
  z.strictObject({
    ...commandBase,
    type: z.literal('cash.collected'),
    params: z.strictObject({ countedYen: z.int().nonnegative().max(MAX_CASH_BOX_YEN).optional(), hoppers: HopperCountsSchema.optional() }),
  }),
  /**
   * Offer of a release (issue 19, update.ts): the agent fetches it with `release.chunk`, reports with
   * `update.report`, and switches when idle. Sent only by the hub's rollouts, never typed by a technician.
   */
  z.strictObject({ ...commandBase, type: z.literal('agent.update'), params: AgentUpdateParamsSchema }),
]);
export type HubCommand = z.infer<typeof HubCommandSchema>;
export type HubCommandType = HubCommand['type'];

/** The agent's receipt for a command: recorded in its inbox (or already there: `duplicate`). */
export const CommandReceiptSchema = resultSchema({ duplicate: z.boolean() });
export type CommandReceipt = z.infer<typeof CommandReceiptSchema>;

/** The fleet's own messages on `/agent`: handshake follow-up, outbox events, heartbeats. */
export interface AgentToHubFleetEvents {
  hello: (hello: Hello, ack: (result: HelloAck) => void) => void;
  events: (batch: EventBatch, ack: (result: BatchAck) => void) => void;
  telemetry: (telemetry: Telemetry, ack: (result: SimpleAck) => void) => void;
  'logs.chunk': (chunk: LogChunk, ack: (result: SimpleAck) => void) => void;
}
/**
 * socket.io event maps for `/agent`: both ends are typed with these. Everything an agent may send:
 * the fleet's messages, certificate issuance (certificates.ts), the facility lottery (lottery.ts) and
 * agent updates (update.ts), each feature keeping its own map and runtime schemas.
 */
export interface AgentToHubEvents extends AgentToHubFleetEvents, AgentToHubCertificateEvents, LotteryAgentToHubEvents, AgentToHubUpdateEvents {}
export interface HubToAgentEvents {
  command: (command: HubCommand, ack: (receipt: CommandReceipt) => void) => void;
}

/**
 * Runtime schemas of what each side receives, keyed like the event maps (the fleet's part of
 * `AgentToHubEvents`; the features' parts are `agentToHubCertificateSchemas`, `lotteryAgentToHubSchemas` and
 * `agentToHubUpdateSchemas`).
 */
export const agentToHubSchemas = {
  hello: HelloSchema,
  events: EventBatchSchema,
  telemetry: TelemetrySchema,
  'logs.chunk': LogChunkSchema,
} as const satisfies Record<keyof AgentToHubFleetEvents, z.ZodType>;
export const hubToAgentSchemas = {
  command: HubCommandSchema,
} as const satisfies Record<keyof HubToAgentEvents, z.ZodType>;

/** REST: enrolment of a new kiosk with a one-time code created by an operator. */
export const EnrolmentCodeRequestSchema = z.strictObject({
  name: z.string().min(1).max(100),
  municipality: z.string().min(1).max(50),
  site: z.string().min(1).max(100),
  kind: z.enum(['certificate-kiosk', 'street-terminal']),
});
export type EnrolmentCodeRequest = z.infer<typeof EnrolmentCodeRequestSchema>;
export const EnrolmentCodeResponseSchema = z.strictObject({
  code: z.string(),
  kioskId: KioskIdSchema,
  expiresAt: InstantSchema,
});
export type EnrolmentCodeResponse = z.infer<typeof EnrolmentCodeResponseSchema>;

export const EnrolRequestSchema = z.strictObject({
  code: z.string().min(8).max(64),
  /** The agent's Ed25519 public key, SPKI DER in base64. */
  publicKey: z.base64().min(40).max(200),
});
export type EnrolRequest = z.infer<typeof EnrolRequestSchema>;
export const EnrolResponseSchema = z.strictObject({ kioskId: KioskIdSchema });
export type EnrolResponse = z.infer<typeof EnrolResponseSchema>;
