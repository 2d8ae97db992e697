import BetterSqlite3 from 'better-sqlite3';
import { CERTIFICATE_SERIAL_COUNTERS_MIGRATION } from './certificates.migration';
import { MIGRATIONS, migrateSqlite as migrate } from './migrations';

describe('certificate serial counters (migration)', () => {
  const now = () => '2026-11-26T01:00:00.000Z';

  it('starts each municipality and year from the highest serial it issued before the counters', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.name !== CERTIFICATE_SERIAL_COUNTERS_MIGRATION.name),
      now,
    );
    db.prepare("INSERT INTO kiosks (kiosk_id, name, municipality, site, kind, created_at) VALUES ('kiosk-one', 'a', '豊中市', 's', 'certificate-kiosk', ?)").run(now());
    db.prepare("INSERT INTO resident_households (household_id, municipality, address, head_name) VALUES ('h', '豊中市', 'a', 'n')").run();
    db.prepare(
      "INSERT INTO residents (resident_id, municipality, household_id, household_order, name_ja, name_kana, birth_date, gender, household_relationship, became_resident_on) VALUES ('r', '豊中市', 'h', 1, 'n', 'n', '2000-01-01', 'male', '世帯主', '2000-01-01')",
    ).run();
    const issue = db.prepare(`INSERT INTO certificate_issuances (issuance_id, transaction_id, request_hash, kiosk_id, municipality, resident_id,
        certificate_type, options_json, copies, unit_fee_yen, fee_yen, serial, serial_year, serial_seq, verification_code, issued_at)
      VALUES (@id, @id, 'h', 'kiosk-one', @municipality, 'r', 'inkan', '{"type":"inkan"}', 1, 200, 200, @id, @year, @seq, @id, '2026-11-26T01:00:00.000Z')`);
    const issued: [municipality: string, year: number, seq: number][] = [
      ['豊中市', 2025, 7],
      ['豊中市', 2026, 1],
      ['豊中市', 2026, 3],
      ['池田市', 2026, 2],
    ];
    for (const [municipality, year, seq] of issued) issue.run({ id: `${municipality}-${year}-${seq}`, municipality, year, seq });

    migrate(db, MIGRATIONS, now);
    expect(db.prepare('SELECT municipality, serial_year, last_seq FROM certificate_serial_counters ORDER BY municipality, serial_year').all()).toEqual([
      { municipality: '池田市', serial_year: 2026, last_seq: 2 },
      { municipality: '豊中市', serial_year: 2025, last_seq: 7 },
      { municipality: '豊中市', serial_year: 2026, last_seq: 3 },
    ]);
  });
});
