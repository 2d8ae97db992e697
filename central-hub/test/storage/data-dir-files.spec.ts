/**
 * What a running hub keeps in its data directory depends on its engine (issue 13): on SQLite the
 * database file (and its WAL and SHM), on PostgreSQL no SQLite file at all, not even an empty one.
 * Runs in both the SQLite and the PostgreSQL run of the hub suite.
 */
import { readdirSync } from 'node:fs';
import { enrolKiosk } from '../support/agent-client';
import { TestHub } from '../support/test-hub';

jest.setTimeout(60_000);

describe('hub data directory, per engine', () => {
  let hub: TestHub | undefined;

  afterEach(async () => {
    await hub?.close();
  });

  it('holds a SQLite file only when the hub stores on SQLite', async () => {
    hub = await TestHub.start();
    await enrolKiosk(hub); // something written, so a SQLite database would have its WAL by now
    const sqliteFiles = readdirSync(hub.dir).filter((name) => name.startsWith('hub.sqlite'));
    if (hub.database.engine === 'postgres') expect(sqliteFiles).toEqual([]);
    else expect(sqliteFiles).toContain('hub.sqlite');
  });
});
