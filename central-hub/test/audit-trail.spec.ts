/**
 * The audit trail against a real hub and its real SQLite file: technician actions land in it, pages
 * come newest first, the hub cannot change a row, and the verification command (run as its own
 * process, as an operator would) finds a row edited or deleted behind the hub's back and says which.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditPageSchema } from '@kiosk/protocols';
import { DEFAULT_AUTH_CONFIG } from '../src/config';
import { auditHash } from '../src/services/audit-chain.rules';
import { TestHub } from './support/test-hub';
import { enrolKiosk } from './support/agent-client';

const hubRoot = path.resolve(__dirname, '..');

/** `node central-hub/dist/tools/verify-audit.js --data-dir DIR`, run from the sources. */
function verifyAudit(dataDir: string): { code: number | null; verdict: Record<string, unknown> } {
  const run = spawnSync(
    process.execPath,
    ['-r', path.join(__dirname, 'support', 'register-ts.cjs'), path.join(hubRoot, 'src', 'tools', 'verify-audit.ts'), '--data-dir', dataDir],
    { encoding: 'utf8', timeout: 30_000 },
  );
  const line = (run.stdout.trim() || run.stderr.trim()).split('\n').pop() ?? '{}';
  return { code: run.status, verdict: JSON.parse(line) as Record<string, unknown> };
}

describe('audit trail', () => {
  let hub: TestHub;
  const copies: string[] = [];

  beforeAll(async () => {
    // With the demo administrator (opt-in since issue 15): its creation by the hub is the first audited row.
    hub = await TestHub.start({ config: { auth: { ...DEFAULT_AUTH_CONFIG, demoAdmin: true } } });
    await enrolKiosk(hub);
    const password = await hub.createUser('yamada', 'technician', '豊中市');
    await hub.api('POST', '/api/auth/login', { username: 'yamada', password: 'not it' }, null);
    await hub.login('yamada', password);
  });

  afterAll(async () => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
    await hub.close();
  });

  /** A copy of the stopped hub's data directory, to tamper with. */
  function copy(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-audit-copy-'));
    copies.push(dir);
    copyFileSync(path.join(hub.dir, 'hub.sqlite'), path.join(dir, 'hub.sqlite'));
    return dir;
  }

  function tamper(dir: string, sql: string): void {
    const db = new Database(path.join(dir, 'hub.sqlite'));
    try {
      db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      db.exec(sql);
    } finally {
      db.close();
    }
  }

  it('records what technicians and kiosks did, in order, and pages it newest first', async () => {
    const actions = hub.db().prepare('SELECT action, outcome, actor FROM audit_log ORDER BY seq').all();
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

  it('cannot be changed through SQLite by the hub’s own code path (append-only triggers)', () => {
    const db = new Database(path.join(hub.dir, 'hub.sqlite'));
    try {
      expect(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 1").run()).toThrow('append-only');
      expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow('append-only');
    } finally {
      db.close();
    }
  });

  it('verifies an intact chain (exit 0) and names the row edited, re-hashed or deleted (exit 1)', async () => {
    await hub.stop();
    expect(verifyAudit(hub.dir)).toEqual({ code: 0, verdict: { ok: true, rows: 6, head: { seq: 6, hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string } } });

    const edited = copy();
    tamper(edited, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5");
    expect(verifyAudit(edited)).toMatchObject({ code: 1, verdict: { ok: false, seq: 5, problem: 'edited' } });

    // Re-hashing the edited row moves the break to the next row, which no longer follows it.
    const rehashed = copy();
    const db = new Database(path.join(rehashed, 'hub.sqlite'));
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = 4').get() as Record<string, string | number | null>;
    db.close();
    const forged = auditHash(String(row.prev_hash), {
      seq: 4,
      at: String(row.at),
      actor: String(row.actor),
      actorKind: 'token',
      action: 'user.created',
      outcome: 'ok',
      municipality: '吹田市',
      kioskId: null,
      target: row.target === null ? null : String(row.target),
      detailJson: String(row.detail_json),
    });
    tamper(rehashed, `UPDATE audit_log SET municipality = '吹田市', hash = '${forged}' WHERE seq = 4`);
    expect(verifyAudit(rehashed)).toMatchObject({ code: 1, verdict: { ok: false, seq: 5, problem: 'broken-link' } });

    const deleted = copy();
    tamper(deleted, 'DELETE FROM audit_log WHERE seq = 2');
    expect(verifyAudit(deleted)).toMatchObject({ code: 1, verdict: { ok: false, seq: 2, problem: 'missing-row' } });

    const truncated = copy();
    tamper(truncated, 'DELETE FROM audit_log WHERE seq = 6');
    expect(verifyAudit(truncated)).toMatchObject({ code: 1, verdict: { ok: false, seq: 6, problem: 'head-mismatch' } });

    expect(verifyAudit(path.join(tmpdir(), 'no-such-hub-dir'))).toMatchObject({ code: 2 });
  });
});
