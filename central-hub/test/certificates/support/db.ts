import { CERTIFICATES_MIGRATION } from '../../../src/repositories/certificates.migration';
import { SqliteDatabase } from '../../../src/repositories/database.repository';
import { MIGRATIONS, migrate } from '../../../src/repositories/migrations';
import { silentLogger } from '../../support/silent-logger';

/**
 * The hub's real SQLite file in `dataDir`, with the certificates migration applied on top of the
 * registered ones (directly while it is not registered yet; by the hub itself once it is).
 */
export function openCertificatesDatabase(dataDir: string): SqliteDatabase {
  const database = new SqliteDatabase(dataDir, silentLogger());
  const registered = MIGRATIONS.some((m) => m.sql === CERTIFICATES_MIGRATION.sql);
  if (!registered) {
    const version = Math.max(...MIGRATIONS.map((m) => m.version)) + 1;
    migrate(database.db, [...MIGRATIONS, { version, ...CERTIFICATES_MIGRATION }], () => new Date().toISOString());
  }
  return database;
}

export function insertKiosk(database: SqliteDatabase, kioskId: string, options: { municipality?: string; kind?: 'certificate-kiosk' | 'street-terminal' } = {}): void {
  database.db
    .prepare("INSERT INTO kiosks (kiosk_id, name, municipality, site, kind, created_at) VALUES (?, 'test kiosk', ?, 'test site', ?, '2026-01-01T00:00:00.000Z')")
    .run(kioskId, options.municipality ?? '豊中市', options.kind ?? 'certificate-kiosk');
}
