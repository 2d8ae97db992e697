import { z } from 'zod';
import { FailureSchema, resultSchema } from './errors';
import { ReleaseSummarySchema, ReleaseVersionSchema } from './release';

/**
 * Updating a kiosk's agent (issue 19): the hub offers a release with the `agent.update` command (in
 * HubCommandSchema, journaled and acked like every command: the receipt says the agent recorded it);
 * the agent fetches the artefact in chunks over its `/agent` connection (`release.chunk`, resumable from
 * any offset after a disconnect) and tells the hub how far it got (`update.report`). The hub decides
 * the rollout's stages from these reports and from the `agentVersion` of each kiosk's `hello`.
 */

/** The largest chunk the hub serves in one `release.chunk` answer (256 KiB). */
export const MAX_RELEASE_CHUNK_BYTES = 262_144;

/**
 * `agent.update` parameters: which release, and what the artefact as uploaded (the gzip file) must
 * hash to once every chunk is in. `chunkBytes` is the chunk size the hub suggests (≤ the maximum).
 */
export const AgentUpdateParamsSchema = z.strictObject({
  version: ReleaseVersionSchema,
  artefactSha256: ReleaseSummarySchema.shape.artefactSha256,
  artefactBytes: z.int().positive(),
  chunkBytes: z.int().positive().max(MAX_RELEASE_CHUNK_BYTES),
});
export type AgentUpdateParams = z.infer<typeof AgentUpdateParamsSchema>;

/**
 * `release.chunk`: bytes `[offset, offset + length)` of the artefact exactly as uploaded. The answer
 * holds `min(length, artefactBytes - offset)` bytes (the last chunk may be shorter than asked); an
 * offset at or past the end is refused with `invalid_message`, an unknown version with `not_found`.
 */
export const ReleaseChunkRequestSchema = z.strictObject({
  version: ReleaseVersionSchema,
  offset: z.int().nonnegative(),
  length: z.int().min(1).max(MAX_RELEASE_CHUNK_BYTES),
});
export type ReleaseChunkRequest = z.infer<typeof ReleaseChunkRequestSchema>;

/** The chunk travels as a socket.io binary attachment (a Buffer in Node, which is a Uint8Array). */
export const ReleaseChunkAckSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), offset: z.int().nonnegative(), bytes: z.instanceof(Uint8Array) }),
  FailureSchema,
]);
export type ReleaseChunkAck = z.infer<typeof ReleaseChunkAckSchema>;

/**
 * Where a kiosk's update stands, as its agent reports it:
 * - `downloading` (with `downloadedBytes`), `downloaded` (hash and signature verified, unpacked beside
 *   the running version), `waiting-idle` (a transaction is in progress), `switching` (about to restart);
 * - `healthy`: sent by the NEW version once connected, its devices ok and its outbox draining;
 * - `rolled-back`: sent by the OLD version after the supervisor switched back (`detail` says why);
 * - `failed`: download, verification or unpacking failed (`detail` says which).
 * `failed` and `rolled-back` halt the rollout.
 */
export const UPDATE_REPORT_STATES = ['downloading', 'downloaded', 'waiting-idle', 'switching', 'healthy', 'failed', 'rolled-back'] as const;
export const UpdateReportStateSchema = z.enum(UPDATE_REPORT_STATES);
export type UpdateReportState = z.infer<typeof UpdateReportStateSchema>;

export const UpdateReportSchema = z.strictObject({
  version: ReleaseVersionSchema,
  state: UpdateReportStateSchema,
  detail: z.string().max(500).optional(),
  downloadedBytes: z.int().nonnegative().optional(),
});
export type UpdateReport = z.infer<typeof UpdateReportSchema>;

/** `{ ok: true }` or a Failure: the same shape as SimpleAck (agent-hub.ts imports this file, so not from there). */
export const UpdateReportAckSchema = resultSchema({});
export type UpdateReportAck = z.infer<typeof UpdateReportAckSchema>;

/** socket.io events of agent updates on `/agent`, merged into `AgentToHubEvents`. */
export interface AgentToHubUpdateEvents {
  'release.chunk': (request: ReleaseChunkRequest, ack: (result: ReleaseChunkAck) => void) => void;
  'update.report': (report: UpdateReport, ack: (result: UpdateReportAck) => void) => void;
}

export const agentToHubUpdateSchemas = {
  'release.chunk': ReleaseChunkRequestSchema,
  'update.report': UpdateReportSchema,
} as const satisfies Record<keyof AgentToHubUpdateEvents, z.ZodType>;

/** What the hub acks to update request `E`. */
export type UpdateResponseOf<E extends keyof AgentToHubUpdateEvents> = Parameters<Parameters<AgentToHubUpdateEvents[E]>[1]>[0];

/** The schema of each answer, typed by its event: the agent's client parses the hub's acks with these. */
export const updateResponseSchemas: { [E in keyof AgentToHubUpdateEvents]: z.ZodType<UpdateResponseOf<E>> } = {
  'release.chunk': ReleaseChunkAckSchema,
  'update.report': UpdateReportAckSchema,
};
