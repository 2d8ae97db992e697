import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { auditCheckpointMessage, type AuditCheckpoint } from '@kiosk/protocols';
import type { Anchoring, ChainHead, ChainVerdict, StoredAuditRow } from './audit-chain.rules';

/**
 * Signed checkpoints of the audit trail's head (issue 15), as pure functions shared by the hub that
 * signs them (audit-checkpoint.service.ts) and the verifier (tools/verify-audit.ts). The hash chain
 * alone shows a row changed in the middle, but not a tail cut off with the head moved back, nor rows
 * changed with every later hash recomputed: whoever can write the database can do both. A checkpoint
 * is signed with a key that is not in the database, so a trail that no longer holds the signed row
 * with the signed hash is caught.
 */

/** The public half of a key given either way. */
const publicOf = (key: KeyObject): KeyObject => (key.type === 'public' ? key : createPublicKey(key));

/** First 16 hex digits of SHA-256 over the public key's SPKI DER: names the key a checkpoint was signed with. */
export function auditKeyId(key: KeyObject): string {
  const spki = publicOf(key).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(spki).digest('hex').slice(0, 16);
}

export function signCheckpoint(head: ChainHead, at: string, privateKey: KeyObject): AuditCheckpoint {
  const signature = sign(null, Buffer.from(auditCheckpointMessage({ seq: head.seq, hash: head.hash, at })), privateKey).toString('base64');
  return { seq: head.seq, hash: head.hash, at, keyId: auditKeyId(privateKey), signature };
}

/** True when one of `trusted` (public or private keys) has the checkpoint's key id and its signature verifies. */
export function checkpointSignedBy(checkpoint: AuditCheckpoint, trusted: readonly KeyObject[]): boolean {
  const message = Buffer.from(auditCheckpointMessage(checkpoint));
  return trusted.some((key) => {
    if (auditKeyId(key) !== checkpoint.keyId) return false;
    try {
      return verify(null, message, publicOf(key), Buffer.from(checkpoint.signature, 'base64'));
    } catch {
      return false;
    }
  });
}

type Broken = Extract<ChainVerdict, { ok: false }>;

/**
 * Checks a chain walk (AuditChainWalk, rows in seq order) against checkpoints: `signatures` first, then
 * `row` for each row the walk accepted, then `end` with the number of rows walked and the last row.
 * Every checkpoint must be signed by a trusted key; a checkpointed row must still carry the signed
 * hash; and the chain must reach the highest checkpoint. Rows after the last checkpoint are protected
 * by the chain alone (until the next checkpoint is signed).
 */
export class CheckpointCheck {
  /** Signed hash per seq; two signed hashes for one seq (a rewritten trail signed again) make it a conflict. */
  private readonly expected = new Map<number, string>();
  private conflict: AuditCheckpoint | undefined;
  private readonly throughSeq: number;

  constructor(
    private readonly checkpoints: readonly AuditCheckpoint[],
    private readonly trusted: readonly KeyObject[],
  ) {
    for (const checkpoint of checkpoints) {
      const seen = this.expected.get(checkpoint.seq);
      if (seen !== undefined && seen !== checkpoint.hash) this.conflict ??= checkpoint;
      this.expected.set(checkpoint.seq, checkpoint.hash);
    }
    // A loop, not Math.max(...): a long-lived hub's file holds more checkpoints than a call takes arguments.
    this.throughSeq = checkpoints.reduce((highest, checkpoint) => Math.max(highest, checkpoint.seq), 0);
  }

  /** The first checkpoint no trusted key signed, or two signed checkpoints that disagree. */
  signatures(): Broken | undefined {
    for (const [index, checkpoint] of this.checkpoints.entries()) {
      if (!checkpointSignedBy(checkpoint, this.trusted)) {
        return {
          ok: false,
          rows: 0,
          seq: checkpoint.seq,
          problem: 'bad-checkpoint',
          message: `checkpoint ${index + 1} (row ${checkpoint.seq}, ${checkpoint.at}) is not signed by a trusted key (key ${checkpoint.keyId})`,
        };
      }
    }
    if (this.conflict) {
      const { seq, at } = this.conflict;
      return { ok: false, rows: 0, seq, problem: 'rewritten', message: `two signed checkpoints of row ${seq} disagree (the later at ${at}): the trail was rewritten and signed again` };
    }
    return undefined;
  }

  row(row: StoredAuditRow, rows: number): Broken | undefined {
    const signed = this.expected.get(row.seq);
    if (signed === undefined || signed === row.hash) return undefined;
    return { ok: false, rows, seq: row.seq, problem: 'rewritten', message: `row ${row.seq} is not the row a signed checkpoint vouches for (rows changed and later hashes recomputed?)` };
  }

  end(rows: number, last: ChainHead | null): Broken | Anchoring {
    const lastSeq = last?.seq ?? 0;
    if (this.throughSeq > lastSeq) {
      return {
        ok: false,
        rows,
        seq: lastSeq + 1,
        problem: 'truncated',
        message: `the chain ends at row ${lastSeq} but a signed checkpoint vouches for row ${this.throughSeq} (rows removed at the end, head moved back)`,
      };
    }
    return { checkpoints: this.checkpoints.length, throughSeq: this.throughSeq };
  }
}
