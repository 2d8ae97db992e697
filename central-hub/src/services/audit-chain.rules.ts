import { createHash } from 'node:crypto';
import type { AuditEntry } from '@kiosk/protocols';

/**
 * The audit trail's hash chain, as pure functions shared by the writer (audit.sql.ts) and the verifier
 * (tools/verify-audit.ts). Each row's hash covers the previous row's hash and the row's own canonical
 * content, so changing, removing or reordering any row breaks every hash after it.
 */

/** The `prevHash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditDetail = AuditEntry['detail'];

/** A row's content: everything but the two hashes. `detailJson` is stored (and hashed) verbatim. */
export interface AuditContent {
  seq: number;
  at: string;
  actor: string;
  actorKind: AuditEntry['actorKind'];
  action: AuditEntry['action'];
  outcome: AuditEntry['outcome'];
  municipality: string | null;
  kioskId: string | null;
  target: string | null;
  detailJson: string;
}

export interface StoredAuditRow extends AuditContent {
  prevHash: string;
  hash: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** JSON with keys in code-point order, so the same detail always hashes the same. */
export function canonicalDetail(detail: AuditDetail): string {
  const sorted: AuditDetail = {};
  for (const key of Object.keys(detail).sort()) sorted[key] = detail[key] ?? null;
  return JSON.stringify(sorted);
}

export function auditHash(prevHash: string, row: AuditContent): string {
  const content = JSON.stringify([
    row.seq,
    row.at,
    row.actor,
    row.actorKind,
    row.action,
    row.outcome,
    row.municipality,
    row.kioskId,
    row.target,
    row.detailJson,
  ]);
  return createHash('sha256').update(prevHash, 'utf8').update('\n', 'utf8').update(content, 'utf8').digest('hex');
}

/**
 * What a walk finds wrong. The last three come from the signed checkpoints (audit-checkpoint.rules.ts):
 * `truncated`, rows a checkpoint vouched for are gone (the head was moved back with them); `rewritten`,
 * a checkpointed row's hash is not the one signed (rows changed and every later hash recomputed);
 * `bad-checkpoint`, a checkpoint that no trusted key signed (a forged or damaged line).
 */
export type ChainProblem = 'edited' | 'broken-link' | 'missing-row' | 'head-mismatch' | 'truncated' | 'rewritten' | 'bad-checkpoint';

/** With checkpoints: how many were checked, and the highest row they vouch for. */
export interface Anchoring {
  checkpoints: number;
  throughSeq: number;
}

export type ChainVerdict =
  | { ok: true; rows: number; head: ChainHead | null; anchored?: Anchoring }
  | { ok: false; rows: number; seq: number; problem: ChainProblem; message: string };

/**
 * Walks the rows in seq order (streamed: the trail may be large) and reports the first row that does
 * not fit: a seq that skips (a deleted row), a hash that is not the row's own (an edited row), a
 * `prevHash` that is not its predecessor's (an edited and re-hashed predecessor, or a splice), and
 * finally a head that does not match the last row (rows deleted at the end).
 */
export function verifyAuditChain(rows: Iterable<StoredAuditRow>, head: ChainHead | undefined): ChainVerdict {
  const walk = new AuditChainWalk();
  for (const row of rows) {
    const broken = walk.next(row);
    if (broken) return broken;
  }
  return walk.end(head);
}

/**
 * The same walk one row at a time, for a reader that fetches the rows in pages (tools/verify-audit.ts
 * reads the database asynchronously, on either engine): `next` for each row in seq order until it
 * returns a verdict, then `end` with the stored head.
 */
export class AuditChainWalk {
  private count = 0;
  private previous: ChainHead;

  /** `from`: a row already trusted (a checkpoint's), the walk then starts with the row after it. */
  constructor(from: ChainHead = { seq: 0, hash: GENESIS_HASH }) {
    this.previous = from;
  }

  /** Undefined while the chain holds; the verdict on the first row that does not fit. */
  next(row: StoredAuditRow): ChainVerdict | undefined {
    const count = ++this.count;
    const previous = this.previous;
    const expected = previous.seq + 1;
    if (row.seq !== expected) {
      return { ok: false, rows: count, seq: expected, problem: 'missing-row', message: `row ${expected} is missing (next row is ${row.seq})` };
    }
    if (auditHash(row.prevHash, row) !== row.hash) {
      return { ok: false, rows: count, seq: row.seq, problem: 'edited', message: `row ${row.seq} was changed after it was written` };
    }
    if (row.prevHash !== previous.hash) {
      return {
        ok: false,
        rows: count,
        seq: row.seq,
        problem: 'broken-link',
        message: `row ${row.seq} does not follow row ${previous.seq} (an earlier row was changed or replaced)`,
      };
    }
    this.previous = { seq: row.seq, hash: row.hash };
    return undefined;
  }

  /** The verdict once every row passed: the stored head must name the last row. */
  end(head: ChainHead | undefined): ChainVerdict {
    const count = this.count;
    const last = this.previous.seq === 0 ? null : this.previous;
    const headMatches = last === null ? head === undefined : head !== undefined && head.seq === last.seq && head.hash === last.hash;
    if (!headMatches) {
      const seq = (last?.seq ?? 0) + 1;
      return {
        ok: false,
        rows: count,
        seq,
        problem: 'head-mismatch',
        message: `the chain ends at row ${last?.seq ?? 0} but its head says ${head ? `row ${head.seq}` : 'nothing was written'} (rows removed at the end?)`,
      };
    }
    return { ok: true, rows: count, head: last };
  }
}
