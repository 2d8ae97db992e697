import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HUB_TEST_ENGINE, HubRecords, createTestPostgresDatabase, numberedPlaceholders, type HubDatabaseLocation } from './hub-records';

describe('numberedPlaceholders', () => {
  it('numbers each ? outside quotes, in order', () => {
    expect(numberedPlaceholders(`SELECT a FROM t WHERE b = ? AND c = '?' AND "d?" = ? AND e LIKE '%"x":"?"%'`)).toBe(
      `SELECT a FROM t WHERE b = $1 AND c = '?' AND "d?" = $2 AND e LIKE '%"x":"?"%'`,
    );
  });

  it('leaves a query without placeholders as it is', () => {
    expect(numberedPlaceholders("SELECT count(*) FROM audit_log WHERE actor = 'it''s'")).toBe("SELECT count(*) FROM audit_log WHERE actor = 'it''s'");
  });
});

describe(`HubRecords on this run's engine (${HUB_TEST_ENGINE})`, () => {
  let location: HubDatabaseLocation;
  let records: HubRecords;
  let cleanUp: () => Promise<void>;

  beforeAll(async () => {
    if (HUB_TEST_ENGINE === 'sqlite') {
      const dir = mkdtempSync(path.join(tmpdir(), 'hub-records-'));
      location = { engine: 'sqlite', file: path.join(dir, 'hub.sqlite') };
      new Database(location.file).close();
      cleanUp = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const created = await createTestPostgresDatabase('hub_records_test');
      location = { engine: 'postgres', url: created.url };
      cleanUp = created.drop;
    }
    records = new HubRecords(() => location);
    await records.change('CREATE TABLE events (seq BIGINT NOT NULL, kiosk_id TEXT NOT NULL, payload_json TEXT)');
  });

  afterAll(async () => {
    await records?.close();
    await cleanUp?.();
  });

  it('writes with ? placeholders and says how many rows changed', async () => {
    expect(await records.change('INSERT INTO events (seq, kiosk_id, payload_json) VALUES (?, ?, ?), (?, ?, ?)', 1, 'k1', '{"a":1}', 2, 'k1', null)).toBe(2);
    expect(await records.change("UPDATE events SET payload_json = '?' WHERE kiosk_id = ? AND seq > ?", 'k1', 1)).toBe(1);
  });

  it('reads counts and big integers as numbers, and double-quoted aliases in their case', async () => {
    expect(await records.count('SELECT count(*) FROM events WHERE kiosk_id = ?', 'k1')).toBe(2);
    expect(await records.row('SELECT count(*) AS "rows", max(seq) AS "maxSeq" FROM events WHERE kiosk_id = ?', 'k1')).toEqual({ rows: 2, maxSeq: 2 });
    expect(await records.rows('SELECT seq, payload_json FROM events ORDER BY seq')).toEqual([
      { seq: 1, payload_json: '{"a":1}' },
      { seq: 2, payload_json: '?' },
    ]);
  });

  it('answers undefined for a row or value that is not there, and refuses a count that is not a number', async () => {
    expect(await records.row('SELECT seq FROM events WHERE kiosk_id = ?', 'nobody')).toBeUndefined();
    expect(await records.value('SELECT seq FROM events WHERE kiosk_id = ?', 'nobody')).toBeUndefined();
    expect(await records.value('SELECT kiosk_id FROM events WHERE seq = ?', 1)).toBe('k1');
    await expect(records.count('SELECT kiosk_id FROM events WHERE seq = ?', 1)).rejects.toThrow('expected a number');
  });
});
