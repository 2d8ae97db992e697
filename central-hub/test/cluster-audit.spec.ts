/**
 * Issue 14: the audit trail is one hash chain however many hub processes append to it. Two real hubs in
 * this test process on one PostgreSQL database; a technician signed in on each sends 1,000 commands over
 * REST, 50 at a time, half through each process (every one an audited action, appended as it is queued). The
 * chain then verifies with the operator's offline tool (src/tools/verify-audit.ts, run as its own
 * process on the database, as the README says), every action is in it once, and its seqs have no gap.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ManualScheduler } from './support/manual-scheduler';
import { enrolKiosk } from './support/agent-client';
import { TEST_ENGINE } from './support/test-store';
import { TestHub } from './support/test-hub';

jest.setTimeout(180_000);

const ACTIONS = 1_000;
const KIOSKS = 4;
/**
 * Requests in flight per process. Appends are serialized across processes, and a request that waits
 * longer than the pool's 10 s for a connection fails (500): on this shared machine a burst of all 1,000
 * at once sometimes does, which is load, not the chain.
 */
const IN_FLIGHT = 25;
const describeOnPostgres = TEST_ENGINE === 'postgres' ? describe : describe.skip;

/** The verify-audit tool from its sources (as HubProcess runs the hub), on the database at `url`. */
function verifyAudit(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tool = path.resolve(__dirname, '..', 'src', 'tools', 'verify-audit.ts');
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'support', 'register-ts.cjs'), tool], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HUB_DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describeOnPostgres('the audit chain after 1,000 concurrent audited actions over two hub processes', () => {
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    // Schedulers driven by hand (never here): only the requests below append to the trail meanwhile.
    a = await TestHub.start({ overrides: { scheduler: new ManualScheduler() } });
    b = await TestHub.start({ config: { database: a.database }, overrides: { scheduler: new ManualScheduler() } });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('appends every action once, without a gap, and the chain verifies', async () => {
    if (a.database.engine !== 'postgres') throw new Error('PostgreSQL only');
    const password = await a.createUser('tanaka', 'technician', '豊中市');
    const tokens = { a: await a.login('tanaka', password), b: await b.login('tanaka', password) };
    const kioskIds: string[] = [];
    for (let i = 0; i < KIOSKS; i++) kioskIds.push((await enrolKiosk(i % 2 === 0 ? a : b, { name: `端末 ${i + 1}` })).kioskId);
    const before = await a.count('SELECT count(*) FROM audit_log');

    // Even-numbered actions through A, odd through B, IN_FLIGHT at a time on each process: every append
    // races appends of the same process and of the other.
    const answers: { status: number; body: unknown }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < ACTIONS; i = next++) {
        const [hub, token] = i % 2 === 0 ? [a, tokens.a] : [b, tokens.b];
        answers[i] = await hub.api('POST', `/api/kiosks/${kioskIds[i % KIOSKS] ?? ''}/commands`, { type: 'ping', params: {} }, token);
      }
    };
    await Promise.all(Array.from({ length: 2 * IN_FLIGHT }, worker));
    expect(answers.filter((answer) => answer.status !== 201)).toEqual([]);
    const commandIds = answers.map((answer) => (answer.body as { commandId: string }).commandId);
    expect(new Set(commandIds).size).toBe(ACTIONS);

    // Each action once in the trail, and nothing else appended meanwhile.
    const audited = await a.rows<{ target: string }>("SELECT target FROM audit_log WHERE action = 'command.sent' AND actor = 'tanaka'");
    expect(audited.map((row) => row.target).sort()).toEqual([...commandIds].sort());
    const total = await a.count('SELECT count(*) FROM audit_log');
    expect(total).toBe(before + ACTIONS);
    const seqs = await a.row<{ first: number | string; last: number | string }>('SELECT min(seq) AS "first", max(seq) AS "last" FROM audit_log');
    expect([Number(seqs?.first), Number(seqs?.last)]).toEqual([1, total]);

    const verified = await verifyAudit(a.database.url);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout.trim())).toMatchObject({ ok: true, rows: total });
  });
});
