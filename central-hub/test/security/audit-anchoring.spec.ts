/**
 * Issue 15, item 4: the audit trail could be rewritten from its tail (rows deleted at the end with the
 * head moved back, or a row changed and every later hash recomputed) and `verify-audit` said ok. The
 * hub now signs checkpoints of the head with a key kept outside the database and exports them; the
 * verifier, given them, catches both. On this run's engine, against a real hub and the real command.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AuditCheckpointSchema } from '@kiosk/protocols';
import { DEFAULT_AUDIT_CONFIG } from '../../src/config';
import type { AuditRow } from '../../src/repositories/audit.sql';
import { auditHash } from '../../src/services/audit-chain.rules';
import { AUDIT_CHECKPOINT } from '../../src/services/audit-checkpoint.service';
import { signCheckpoint } from '../../src/services/audit-checkpoint.rules';
import type { HubDatabaseLocation } from '../../../test/support/hub-records';
import { copyTrail, tamper, verifyAudit, type TrailCopy } from '../support/audit-trail-copy';
import { ManualScheduler } from '../support/manual-scheduler';
import { TestHub } from '../support/test-hub';
import { TEST_ENGINE } from '../support/test-store';

describe('audit checkpoints (issue 15, item 4)', () => {
  const scheduler = new ManualScheduler();
  let hub: TestHub;
  const copies: TrailCopy[] = [];

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { scheduler }, config: { audit: { ...DEFAULT_AUDIT_CONFIG, checkpointEvery: 3 } } });
  });

  afterAll(async () => {
    for (const copy of copies) await copy.remove();
    await hub.close();
  });

  const location = (): HubDatabaseLocation =>
    hub.database.engine === 'sqlite' ? { engine: 'sqlite', file: path.join(hub.dir, 'hub.sqlite') } : { engine: 'postgres', url: hub.database.url };
  const checkpointFile = () => path.join(hub.dir, 'audit-checkpoints.jsonl');
  const publicKeyFile = () => path.join(hub.dir, 'audit-key.pub.pem');
  const checkpointSeqs = () =>
    readFileSync(checkpointFile(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => AuditCheckpointSchema.parse(JSON.parse(line)).seq);
  const anchored = (file = checkpointFile()) => ['--checkpoints', file, '--public-key', publicKeyFile()];

  async function copy(): Promise<TrailCopy> {
    const trail = await copyTrail(location());
    copies.push(trail);
    return trail;
  }

  it('signs the head every N appends, when the job runs, and at a clean stop, with a 0600 key file outside the database', async () => {
    for (const name of ['tech-a', 'tech-b', 'tech-c']) await hub.createUser(name, 'technician', '豊中市');
    await scheduler.idle();
    expect(checkpointSeqs()).toEqual([3]);

    await hub.createUser('tech-d', 'technician', '豊中市');
    await scheduler.run(AUDIT_CHECKPOINT);
    // Nothing appended since: the job signs nothing new.
    await scheduler.run(AUDIT_CHECKPOINT);
    expect(checkpointSeqs()).toEqual([3, 4]);

    expect(statSync(path.join(hub.dir, 'audit-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(checkpointFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(publicKeyFile(), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    // Administrators download the export; a technician may not.
    const download = await fetch(`${hub.url}/api/audit/checkpoints`, { headers: { authorization: `Bearer ${hub.hub.adminToken}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(await download.text()).toBe(readFileSync(checkpointFile(), 'utf8'));
    expect(Buffer.from(download.headers.get('x-audit-public-key') ?? '', 'base64').toString()).toBe(readFileSync(publicKeyFile(), 'utf8'));
    const technician = await hub.login('tech-a', 'tech-a-password-1');
    expect((await hub.api('GET', '/api/audit/checkpoints', undefined, technician)).status).toBe(403);

    await hub.createUser('tech-e', 'technician', '豊中市');
    await hub.createUser('tech-f', 'viewer', '豊中市');
    await hub.stop();
    // The technician's login is row 5; the two accounts rows 6 and 7; the stop signs row 7.
    expect(checkpointSeqs()).toEqual([3, 4, 7]);
    expect(verifyAudit(location(), anchored())).toEqual({
      code: 0,
      verdict: { ok: true, rows: 7, head: { seq: 7, hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string }, anchored: { checkpoints: 3, throughSeq: 7 } },
    });
  });

  it('catches a tail cut off with the head moved back, which the chain alone takes for whole', async () => {
    const trail = await copy();
    const row5 = await trail.records.row<AuditRow>('SELECT * FROM audit_log WHERE seq = 5');
    await tamper(trail, 'DELETE FROM audit_log WHERE seq > 5', `UPDATE audit_head SET seq = 5, hash = '${row5?.hash}' WHERE id = 1`);
    expect(verifyAudit(trail.where)).toMatchObject({ code: 0, verdict: { ok: true, rows: 5 } });
    expect(verifyAudit(trail.where, anchored())).toMatchObject({ code: 1, verdict: { ok: false, seq: 6, problem: 'truncated' } });
  });

  it('catches a row changed with every later hash recomputed, which the chain alone takes for whole', async () => {
    const trail = await copy();
    const rows = await trail.records.rows<AuditRow>('SELECT * FROM audit_log ORDER BY seq');
    const changes: string[] = [];
    let prevHash = rows[0]?.prev_hash ?? '';
    for (const row of rows) {
      // Row 2 now says tech-b was made an administrator of every municipality.
      const municipality = row.seq === 2 ? null : row.municipality;
      const hash = auditHash(prevHash, { seq: row.seq, at: row.at, actor: row.actor, actorKind: row.actor_kind, action: row.action, outcome: row.outcome, municipality, kioskId: row.kiosk_id, target: row.target, detailJson: row.detail_json });
      changes.push(`UPDATE audit_log SET municipality = ${municipality === null ? 'NULL' : `'${municipality}'`}, prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${row.seq}`);
      prevHash = hash;
    }
    changes.push(`UPDATE audit_head SET hash = '${prevHash}' WHERE id = 1`);
    await tamper(trail, ...changes);
    expect(verifyAudit(trail.where)).toMatchObject({ code: 0, verdict: { ok: true, rows: 7 } });
    expect(verifyAudit(trail.where, anchored())).toMatchObject({ code: 1, verdict: { ok: false, seq: 3, problem: 'rewritten' } });
  });

  it('refuses a checkpoint that the hub’s key did not sign, and a checkpoint file it cannot read', () => {
    const lines = readFileSync(checkpointFile(), 'utf8').trim().split('\n');
    const last = AuditCheckpointSchema.parse(JSON.parse(lines.at(-1) ?? '{}'));
    const forged = path.join(hub.dir, 'forged.jsonl');
    const stranger = generateKeyPairSync('ed25519').privateKey;
    writeFileSync(forged, [...lines, JSON.stringify(signCheckpoint({ seq: last.seq + 5, hash: last.hash }, last.at, stranger))].join('\n'));
    expect(verifyAudit(location(), anchored(forged))).toMatchObject({ code: 1, verdict: { ok: false, seq: last.seq + 5, problem: 'bad-checkpoint' } });
    writeFileSync(forged, [...lines, JSON.stringify({ ...last, seq: last.seq + 5 })].join('\n'));
    expect(verifyAudit(location(), anchored(forged))).toMatchObject({ code: 1, verdict: { problem: 'bad-checkpoint' } });
    writeFileSync(forged, 'not a checkpoint\n');
    expect(verifyAudit(location(), anchored(forged))).toMatchObject({ code: 2 });
  });
});

/** Several hub processes on one PostgreSQL database (issue 14): one signs at a time, each in its own file. */
(TEST_ENGINE === 'postgres' ? describe : describe.skip)('audit checkpoints with two hub processes', () => {
  const schedulerA = new ManualScheduler();
  const schedulerB = new ManualScheduler();
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    a = await TestHub.start({ overrides: { scheduler: schedulerA } });
    b = await TestHub.start({ overrides: { scheduler: schedulerB }, config: { database: a.database } });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const seqs = (hub: TestHub) => {
    try {
      return readFileSync(path.join(hub.dir, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n').map((line) => AuditCheckpointSchema.parse(JSON.parse(line)).seq);
    } catch {
      return [];
    }
  };

  it('signs in the process leading the job only, and in the next one once it stops; the verifier takes both files and keys', async () => {
    await a.createUser('tech-a', 'technician', '豊中市');
    await b.createUser('tech-b', 'technician', '豊中市');
    await schedulerA.run(AUDIT_CHECKPOINT);
    await schedulerB.run(AUDIT_CHECKPOINT);
    await schedulerA.run(AUDIT_CHECKPOINT);
    expect([seqs(a), seqs(b)]).toEqual([[2], []]);

    await b.createUser('tech-c', 'technician', '豊中市');
    await schedulerB.run(AUDIT_CHECKPOINT);
    expect(seqs(b)).toEqual([]);
    // A stops (signing row 3 at its clean stop) and gives up the job: B leads from its next run.
    await a.stop();
    expect(seqs(a)).toEqual([2, 3]);
    await b.createUser('tech-d', 'technician', '豊中市');
    await schedulerB.run(AUDIT_CHECKPOINT);
    expect(seqs(b)).toEqual([4]);

    const url = a.database.engine === 'postgres' ? a.database.url : '';
    const files = [a, b].flatMap((hub) => ['--checkpoints', path.join(hub.dir, 'audit-checkpoints.jsonl'), '--public-key', path.join(hub.dir, 'audit-key.pub.pem')]);
    expect(verifyAudit({ engine: 'postgres', url }, files)).toMatchObject({ code: 0, verdict: { ok: true, rows: 4, anchored: { checkpoints: 3, throughSeq: 4 } } });
  });
});
