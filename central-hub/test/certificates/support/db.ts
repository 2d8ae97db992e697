import { sql, type RawBuilder } from 'kysely';
import type { HubStore } from '../../../src/storage/hub-store';
import { openTestStore } from '../../support/test-store';

/**
 * The hub's store on this run's engine (SQLite file, or a PostgreSQL database of its own), migrated as
 * the hub migrates it (the certificates schema included); `close` closes and removes it.
 */
export function openCertificatesStore(): Promise<{ store: HubStore; close(): Promise<void> }> {
  return openTestStore();
}

export async function insertKiosk(store: HubStore, kioskId: string, options: { municipality?: string; kind?: 'certificate-kiosk' | 'street-terminal' } = {}): Promise<void> {
  await store.db
    .insertInto('kiosks')
    .values({
      kiosk_id: kioskId,
      name: 'test kiosk',
      municipality: options.municipality ?? '豊中市',
      site: 'test site',
      kind: options.kind ?? 'certificate-kiosk',
      created_at: '2026-01-01T00:00:00.000Z',
    })
    .execute();
}

/** The number a `SELECT count(*) …` query answers (`count` spelled by the caller, e.g. sql`SELECT count(*) AS n FROM t`). */
export async function countOf(store: HubStore, query: RawBuilder<{ n: number }>): Promise<number> {
  const row = (await query.execute(store.db)).rows[0];
  return Number(row?.n ?? 0);
}

/** How many rows `table` holds. */
export function rowsIn(store: HubStore, table: 'certificate_issuances' | 'certificate_ledger' | 'resident_certificates'): Promise<number> {
  return countOf(store, sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`);
}
