import { SqliteDatabase } from '../../../src/repositories/database.repository';
import { silentLogger } from '../../support/silent-logger';

/** The hub's real SQLite file in `dataDir`, migrated as the hub migrates it (the certificates schema included). */
export function openCertificatesDatabase(dataDir: string): SqliteDatabase {
  return new SqliteDatabase(dataDir, silentLogger());
}

export function insertKiosk(database: SqliteDatabase, kioskId: string, options: { municipality?: string; kind?: 'certificate-kiosk' | 'street-terminal' } = {}): void {
  database.db
    .prepare("INSERT INTO kiosks (kiosk_id, name, municipality, site, kind, created_at) VALUES (?, 'test kiosk', ?, 'test site', ?, '2026-01-01T00:00:00.000Z')")
    .run(kioskId, options.municipality ?? '豊中市', options.kind ?? 'certificate-kiosk');
}
