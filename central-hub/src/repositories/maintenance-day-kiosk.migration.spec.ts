import BetterSqlite3 from 'better-sqlite3';
import { MAINTENANCE_DAY_KIOSK_MIGRATION } from './maintenance-day-kiosk.migration';
import { MIGRATIONS, migrateSqlite as migrate } from './migrations';

describe('maintenance days per kiosk (migration)', () => {
  const now = () => '2026-11-26T01:00:00.000Z';

  it('keeps the days scheduled before it as municipality-wide, and one row per day and kiosk', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.name !== MAINTENANCE_DAY_KIOSK_MIGRATION.name),
      now,
    );
    db.prepare("INSERT INTO certificate_maintenance_days (municipality, day, set_at) VALUES ('豊中市', '2026-12-02', ?)").run(now());
    migrate(db, MIGRATIONS, now);
    expect(db.prepare('SELECT municipality, day, kiosk_id AS kioskId, set_at AS setAt FROM certificate_maintenance_days').all()).toEqual([
      { municipality: '豊中市', day: '2026-12-02', kioskId: null, setAt: now() },
    ]);
    const insert = db.prepare("INSERT INTO certificate_maintenance_days (municipality, day, kiosk_id, set_at) VALUES ('豊中市', '2026-12-02', ?, ?) ON CONFLICT DO NOTHING");
    expect(insert.run(null, now()).changes).toBe(0);
    db.prepare("INSERT INTO kiosks (kiosk_id, name, municipality, site, kind, created_at) VALUES ('kiosk-one', 'a', '豊中市', 's', 'certificate-kiosk', ?)").run(now());
    expect(insert.run('kiosk-one', now()).changes).toBe(1);
    expect(insert.run('kiosk-one', now()).changes).toBe(0);
  });
});
