import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, MigrationError, migrateSqlite as migrate } from './migrations';

describe('migrate', () => {
  const now = () => '2026-11-26T01:00:00.000Z';

  it('applies every migration once and records it', () => {
    const db = new BetterSqlite3(':memory:');
    expect(migrate(db, MIGRATIONS, now)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db, MIGRATIONS, now)).toEqual([]);
    expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'events',
        'kiosks',
        'enrolment_codes',
        'auth_nonces',
        'commands',
        'device_health',
        'cash_ledger',
        'kiosk_telemetry',
        'kiosk_status_history',
        'telemetry_points',
        'alerts',
        'users',
        'sessions',
        'login_throttle',
        'audit_log',
        'audit_head',
        // certificate issuance (version 3) and the facility lottery (version 4)
        'residents',
        'card_sessions',
        'certificate_ledger',
        'lottery_rounds',
        'facility_slots',
        'facility_users',
      ]),
    );
    db.close();
  });

  it('rolls a failing migration back whole, recording nothing', () => {
    const db = new BetterSqlite3(':memory:');
    const broken = [{ version: 1, name: 'broken', sql: 'CREATE TABLE a (x INTEGER); CREATE TABLE a (y INTEGER);' }];
    expect(() => migrate(db, broken, now)).toThrow();
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'a'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database written by a newer hub, and a list out of order', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, [...MIGRATIONS, { version: 999, name: 'future', sql: 'SELECT 1' }], now);
    expect(() => migrate(db, MIGRATIONS, now)).toThrow(MigrationError);
    const fresh = new BetterSqlite3(':memory:');
    expect(() => migrate(fresh, [{ version: 2, name: 'b', sql: '' }, { version: 1, name: 'a', sql: '' }], now)).toThrow(MigrationError);
    db.close();
    fresh.close();
  });
});
