import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../clock';
import { CertificateTransactions } from '../certificates/transaction-store';
import { AgentStore } from './agent-store';
import { ADDITIVE_MIGRATIONS, MIGRATIONS, SchemaTooNewError } from './migrations';

/**
 * Issue 19: the outbox and inbox live in the data directory and outlive an update, so the agent of a new
 * release must open the file the previous release wrote, with its rows as they were. Migrations are
 * forward-only: this builds the previous schema version (every migration but the last) with the rows
 * that version writes, then opens it with the current store.
 */
describe('agent database written by the previous schema version', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'agent-upgrade-'));
    file = path.join(dir, 'agent.sqlite');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writePreviousVersion(): void {
    const db = new Database(file);
    const previous = MIGRATIONS.length - 1;
    for (const sql of MIGRATIONS.slice(0, previous)) db.exec(sql);
    db.pragma(`user_version = ${previous}`);
    const payload = JSON.stringify({ agentVersion: '0.9.0' });
    db.prepare('UPDATE outbox_counter SET last_seq = 7').run();
    db.prepare("INSERT INTO outbox (seq, event_id, type, occurred_at, payload_json) VALUES (6, '0193a6a0-0000-7000-8000-000000000006', 'agent.started', '2026-12-07T00:00:00.000Z', ?)").run(payload);
    db.prepare("INSERT INTO outbox (seq, event_id, type, occurred_at, payload_json) VALUES (7, '0193a6a0-0000-7000-8000-000000000007', 'agent.started', '2026-12-07T00:00:01.000Z', ?)").run(payload);
    const command = { commandId: '0193a6a0-0000-7000-8000-0000000000c1', type: 'ping', params: {}, issuedAt: '2026-12-07T00:00:00.000Z', expiresAt: '2026-12-07T01:00:00.000Z' };
    db.prepare("INSERT INTO inbox (command_id, type, command_json, received_at, state) VALUES (?, 'ping', ?, '2026-12-07T00:00:00.000Z', 'received')").run(command.commandId, JSON.stringify(command));
    db.prepare(
      `INSERT INTO certificate_transactions (transaction_id, state, certificate_type, copies, fee_yen, credited_yen, created_at, updated_at)
       VALUES ('0193a6a0-0000-7000-8000-0000000000a1', 'paying', 'juminhyo', 1, 200, 100, '2026-12-07T00:00:00.000Z', '2026-12-07T00:00:02.000Z')`,
    ).run();
    db.close();
  }

  it('opens it, migrates it forward, and keeps the waiting events, the pending command and the unfinished payment', () => {
    writePreviousVersion();
    const store = AgentStore.open(file, 'kiosk-upgrade', systemClock, { mustExist: true });
    try {
      expect(store.outbox.stats()).toMatchObject({ backlog: 2, lastSeq: 7 });
      expect(store.outbox.peek(10).map((event) => event.seq)).toEqual([6, 7]);
      expect(store.outbox.enqueue({ type: 'agent.started', payload: { agentVersion: '1.0.0' } }).seq).toBe(8);
      expect(store.inbox.pending().map((command) => command.command?.type)).toEqual(['ping']);
      const ledger = store.repository((db) => new CertificateTransactions(db, systemClock));
      expect(ledger.unfinished()).toEqual([expect.objectContaining({ state: 'paying', feeYen: 200, creditedYen: 100 })]);
    } finally {
      store.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    reopened.close();
  });

  /** The file as the current agent leaves it, then taken one version further by a newer release's agent. */
  function writeNextVersion(additive: boolean): void {
    AgentStore.open(file, 'kiosk-upgrade', systemClock).close();
    const db = new Database(file);
    const next = MIGRATIONS.length + 1;
    db.exec('CREATE TABLE next_release_notes (id INTEGER PRIMARY KEY, note TEXT)');
    if (additive) db.prepare("INSERT INTO agent_settings (key, value_json) VALUES (?, 'true')").run(`schema.additive.${next}`);
    db.pragma(`user_version = ${next}`);
    db.prepare("INSERT INTO outbox (seq, event_id, type, occurred_at, payload_json) VALUES (1, '0193a6a0-0000-7000-8000-000000000001', 'agent.started', '2026-12-07T00:00:00.000Z', ?)").run(
      JSON.stringify({ agentVersion: '2.0.0' }),
    );
    db.prepare('UPDATE outbox_counter SET last_seq = 1').run();
    db.close();
  }

  it('records each additive version it runs in the file', () => {
    AgentStore.open(file, 'kiosk-upgrade', systemClock).close();
    const db = new Database(file, { readonly: true });
    const recorded = db.prepare("SELECT key FROM agent_settings WHERE key LIKE 'schema.additive.%' ORDER BY key").pluck().all();
    db.close();
    expect(new Set(recorded)).toEqual(new Set([...ADDITIVE_MIGRATIONS].map((version) => `schema.additive.${version}`)));
  });

  it('after a rollback, opens a file a newer release took one additive version further, and drains what it wrote', () => {
    writeNextVersion(true);
    const store = AgentStore.open(file, 'kiosk-upgrade', systemClock, { mustExist: true });
    try {
      expect(store.outbox.peek(10).map((event) => event.seq)).toEqual([1]);
      expect(store.outbox.enqueue({ type: 'agent.started', payload: { agentVersion: '1.0.0' } }).seq).toBe(2);
    } finally {
      store.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    reopened.close();
  });

  it('refuses a file whose newer versions were not recorded additive (no agent writes a schema it does not understand)', () => {
    writeNextVersion(false);
    expect(() => AgentStore.open(file, 'kiosk-upgrade', systemClock, { mustExist: true })).toThrow(SchemaTooNewError);
  });
});
