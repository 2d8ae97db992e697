import { onPostgres, type Tx } from '../storage/hub-store';
import type { AuditEntry } from '@kiosk/protocols';
import { GENESIS_HASH, auditHash, canonicalDetail, type AuditDetail, type ChainHead, type StoredAuditRow } from '../services/audit-chain.rules';

/** What a caller says happened; the appender adds seq and the hashes. */
export interface AuditDraft {
  at: string;
  actor: string;
  actorKind: AuditEntry['actorKind'];
  action: AuditEntry['action'];
  outcome: AuditEntry['outcome'];
  municipality: string | null;
  kioskId: string | null;
  target: string | null;
  detail: AuditDetail;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  actor_kind: AuditEntry['actorKind'];
  action: AuditEntry['action'];
  outcome: AuditEntry['outcome'];
  municipality: string | null;
  kiosk_id: string | null;
  target: string | null;
  detail_json: string;
  prev_hash: string;
  hash: string;
}

export function storedFromRow(row: AuditRow): StoredAuditRow {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    actorKind: row.actor_kind,
    action: row.action,
    outcome: row.outcome,
    municipality: row.municipality,
    kioskId: row.kiosk_id,
    target: row.target,
    detailJson: row.detail_json,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function entryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    actorKind: row.actor_kind,
    action: row.action,
    outcome: row.outcome,
    municipality: row.municipality,
    kioskId: row.kiosk_id,
    target: row.target,
    detail: JSON.parse(row.detail_json) as AuditDetail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends one row to the chain inside the caller's transaction, so an action and its audit row commit
 * together. The head row is locked (PostgreSQL: `FOR UPDATE`; SQLite has one writer) so concurrent
 * appends from any number of transactions or hub processes extend one chain, never fork it.
 */
export async function appendAudit(tx: Tx, draft: AuditDraft): Promise<AuditEntry> {
  await tx.insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH }).onConflict((c) => c.column('id').doNothing()).execute();
  const headQuery = tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
  const head: ChainHead = (await (onPostgres(tx) ? headQuery.forUpdate() : headQuery).executeTakeFirst()) ?? { seq: 0, hash: GENESIS_HASH };
  const content = { ...draft, seq: head.seq + 1, detailJson: canonicalDetail(draft.detail) };
  const hash = auditHash(head.hash, content);
  await tx
    .insertInto('audit_log')
    .values({
      seq: content.seq,
      at: content.at,
      actor: content.actor,
      actor_kind: content.actorKind,
      action: content.action,
      outcome: content.outcome,
      municipality: content.municipality,
      kiosk_id: content.kioskId,
      target: content.target,
      detail_json: content.detailJson,
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await tx.updateTable('audit_head').set({ seq: content.seq, hash }).where('id', '=', 1).execute();
  return {
    seq: content.seq,
    at: draft.at,
    actor: draft.actor,
    actorKind: draft.actorKind,
    action: draft.action,
    outcome: draft.outcome,
    municipality: draft.municipality,
    kioskId: draft.kioskId,
    target: draft.target,
    detail: JSON.parse(content.detailJson) as AuditDetail,
    prevHash: head.hash,
    hash,
  };
}
