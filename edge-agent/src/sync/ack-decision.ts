import type { BatchAck, ProtocolError } from '@kiosk/protocols';

/** What was sent: a run of outbox rows, lowest seq first. */
export interface SentBatch {
  firstSeq: number;
  lastSeq: number;
  count: number;
}

export type AckDecision =
  /** Delete rows ≤ throughSeq. `progress` false means nothing new can go: wait before sending again. */
  | { kind: 'delete'; throughSeq: number; progress: boolean; gap: { missingFromSeq: number; nextHeldSeq: number } | null }
  /** The hub refused the batch as malformed: resend its events one at a time to find the bad one(s). */
  | { kind: 'isolate'; throughSeq: number; error: ProtocolError }
  /** The hub refused this single event as malformed: move it out of the send path. */
  | { kind: 'quarantine'; seq: number; error: ProtocolError }
  /** The session is unusable (the hub forgot who we are): drop it and reconnect. */
  | { kind: 'reconnect'; error: ProtocolError }
  /** Trouble on the hub's side: keep every row, wait, send again. */
  | { kind: 'retry'; error: ProtocolError };

/**
 * Pure rule for a batch ack. Rows are only ever deleted on an ok ack, which the hub sends after its
 * transaction committed:
 * - rows ≤ `ackedThroughSeq` (the hub's highest seq with no gap below) are held by the hub;
 * - when `stored + duplicates` covers the whole batch, every row of this batch is held too, even above a
 *   gap (a gap exists only if a seq was quarantined); without this the outbox would resend the same rows
 *   for ever once a seq was quarantined.
 * Nothing above the batch's last seq is ever deleted: those rows were not sent.
 */
export function decideBatchAck(batch: SentBatch, ack: BatchAck): AckDecision {
  if (ack.ok) {
    const fullyHeld = ack.stored + ack.duplicates >= batch.count;
    const throughSeq = fullyHeld ? batch.lastSeq : Math.min(ack.ackedThroughSeq, batch.lastSeq);
    return { kind: 'delete', throughSeq, progress: throughSeq >= batch.firstSeq, gap: ack.gap ?? null };
  }
  const { error } = ack;
  switch (error.code) {
    case 'invalid_message':
      return batch.count > 1 ? { kind: 'isolate', throughSeq: batch.lastSeq, error } : { kind: 'quarantine', seq: batch.firstSeq, error };
    case 'not_authenticated':
    case 'unknown_kiosk':
    case 'unsupported_protocol':
      return { kind: 'reconnect', error };
    default:
      return { kind: 'retry', error };
  }
}
