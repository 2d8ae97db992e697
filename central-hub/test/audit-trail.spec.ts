/**
 * The audit trail against a real hub and its real database (this run's engine): technician actions
 * land in it, pages come newest first, the hub cannot change a row, and the verification command (run
 * as its own process, as an operator would, against the SQLite file or HUB_DATABASE_URL) finds a row
 * edited or deleted behind the hub's back and says which.
 */
import path from 'node:path';
import { tmpdir } from 'node:os';
import { AuditPageSchema } from '@kiosk/protocols';
import { DEFAULT_AUTH_CONFIG } from '../src/config';
import { auditHash } from '../src/services/audit-chain.rules';
import { HubRecords, type HubDatabaseLocation } from '../../test/support/hub-records';
import { TestHub } from './support/test-hub';
import { copyTrail, tamper, verifyAudit, type TrailCopy } from './support/audit-trail-copy';
import { enrolKiosk } from './support/agent-client';

describe('audit trail', () => {
  let hub: TestHub;
  const copies: TrailCopy[] = [];

  beforeAll(async () => {
    // With the demo administrator (opt-in since issue 15): its creation by the hub is the first audited row.
    hub = await TestHub.start({ config: { auth: { ...DEFAULT_AUTH_CONFIG, demoAdmin: true } } });
    await enrolKiosk(hub);
    const password = await hub.createUser('yamada', 'technician', '豊中市');
    await hub.api('POST', '/api/auth/login', { username: 'yamada', password: 'not it' }, null);
    await hub.login('yamada', password);
  });

  afterAll(async () => {
    for (const copy of copies) await copy.remove();
    await hub.close();
  });

  const hubLocation = (): HubDatabaseLocation =>
    hub.database.engine === 'sqlite' ? { engine: 'sqlite', file: path.join(hub.dir, 'hub.sqlite') } : { engine: 'postgres', url: hub.database.url };

  async function copy(): Promise<TrailCopy> {
    const trail = await copyTrail(hubLocation());
    copies.push(trail);
    return trail;
  }

  it('records what technicians and kiosks did, in order, and pages it newest first', async () => {
    const actions = await hub.rows('SELECT action, outcome, actor FROM audit_log ORDER BY seq');
    expect(actions).toEqual([
      { action: 'user.created', outcome: 'ok', actor: 'hub' },
      { action: 'enrolment-code.created', outcome: 'ok', actor: 'admin-token' },
      { action: 'kiosk.enrolled', outcome: 'ok', actor: expect.stringMatching(/^kiosk:kiosk-/) as string },
      { action: 'user.created', outcome: 'ok', actor: 'admin-token' },
      { action: 'auth.login', outcome: 'refused', actor: 'yamada' },
      { action: 'auth.login', outcome: 'ok', actor: 'yamada' },
    ]);
    const first = AuditPageSchema.parse((await hub.api('GET', '/api/audit?limit=4')).body);
    expect(first.entries.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(first.nextBefore).toBe(3);
    const second = AuditPageSchema.parse((await hub.api('GET', `/api/audit?limit=4&before=${first.nextBefore}`)).body);
    expect(second).toMatchObject({ entries: [{ seq: 2 }, { seq: 1 }], nextBefore: null });
    expect(second.entries[0]?.hash).toBe(first.entries[3]?.prevHash);
    expect((await hub.api('GET', '/api/audit?limit=0')).status).toBe(400);
  });

  it('cannot be changed in the database by the hub’s own code path (append-only triggers)', async () => {
    const records = new HubRecords(hubLocation);
    // Matched on the message: better-sqlite3's error is not an Error of the test's realm (toThrow would not see it).
    const refused = { message: expect.stringContaining('append-only') as unknown };
    try {
      await expect(records.change("UPDATE audit_log SET actor = 'x' WHERE seq = 1")).rejects.toMatchObject(refused);
      await expect(records.change('DELETE FROM audit_log WHERE seq = 1')).rejects.toMatchObject(refused);
    } finally {
      await records.close();
    }
  });

  it('verifies an intact chain (exit 0) and names the row edited, re-hashed or deleted (exit 1)', async () => {
    await hub.stop();
    expect(verifyAudit(hubLocation())).toEqual({ code: 0, verdict: { ok: true, rows: 6, head: { seq: 6, hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string } } });

    const edited = await copy();
    await tamper(edited, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5");
    expect(verifyAudit(edited.where)).toMatchObject({ code: 1, verdict: { ok: false, seq: 5, problem: 'edited' } });

    // Re-hashing the edited row moves the break to the next row, which no longer follows it.
    const rehashed = await copy();
    const row = await rehashed.records.row<Record<string, string | number | null>>('SELECT * FROM audit_log WHERE seq = 4');
    const forged = auditHash(String(row?.prev_hash), {
      seq: 4,
      at: String(row?.at),
      actor: String(row?.actor),
      actorKind: 'token',
      action: 'user.created',
      outcome: 'ok',
      municipality: '吹田市',
      kioskId: null,
      target: row?.target === null ? null : String(row?.target),
      detailJson: String(row?.detail_json),
    });
    await tamper(rehashed, `UPDATE audit_log SET municipality = '吹田市', hash = '${forged}' WHERE seq = 4`);
    expect(verifyAudit(rehashed.where)).toMatchObject({ code: 1, verdict: { ok: false, seq: 5, problem: 'broken-link' } });

    const deleted = await copy();
    await tamper(deleted, 'DELETE FROM audit_log WHERE seq = 2');
    expect(verifyAudit(deleted.where)).toMatchObject({ code: 1, verdict: { ok: false, seq: 2, problem: 'missing-row' } });

    const truncated = await copy();
    await tamper(truncated, 'DELETE FROM audit_log WHERE seq = 6');
    expect(verifyAudit(truncated.where)).toMatchObject({ code: 1, verdict: { ok: false, seq: 6, problem: 'head-mismatch' } });

    expect(verifyAudit({ engine: 'sqlite', file: path.join(tmpdir(), 'no-such-hub-dir', 'hub.sqlite') })).toMatchObject({ code: 2 });
  });
});
