/**
 * Issue 18, item 2: the draw is public. Through a real hub, without signing in: every lottery round's
 * commitment from its creation (before any entry), unchanged after the draw; the draw document only
 * once the results are announced (409 before, 404 for no such round), with no user number in it; and
 * the standalone script (central-hub/tools/verify-draw.mjs), run as a child process on the fetched
 * document or on its URL, prints the winners the hub told the entrants and the published digest. A
 * tampered copy fails. The routes are rate limited per address, in their own bucket.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  PublicCommitmentSchema,
  PublicRoundListSchema,
  PublishedDrawSchema,
  lotteryHubAckSchemas,
  publicCommitmentPath,
  publicDrawPath,
  publicRoundsPath,
  PUBLIC_VERIFY_SCRIPT_PATH,
  type LotteryEvent,
} from '@kiosk/protocols';
import { DEFAULT_LIMITS_CONFIG } from '../../src/config';
import { VERIFY_SCRIPT_FILE } from '../../src/controllers/lottery-public.controller';
import { DEMO_FACILITY_USERS } from '../../src/domain/lottery/demo-users';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from '../support/agent-client';
import { ManualClock } from '../support/manual-clock';
import { TestHub } from '../support/test-hub';
import { jst } from './support';
import { containsSecret, pinSecret } from '../../../test/support/privacy-scan';

jest.setTimeout(60_000);

const ROUND = 'toyonaka-tennis-2027-01';
const NEXT_ROUND = 'toyonaka-tennis-2027-02';
const SLOT = 'toyonaka-nobata-tennis-c1@2027-01-09T0900';
const SECOND = 'toyonaka-nobata-tennis-c1@2027-01-09T1100';

const send = (socket: AgentClientSocket, event: LotteryEvent, body: unknown): Promise<unknown> =>
  (socket.timeout(10_000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> }).emitWithAck(event, body);

/** A GET as a stranger: no Authorization header, no cookie. */
async function anonymous(hub: TestHub, route: string): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const response = await fetch(`${hub.url}${route}`);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** Runs the script as a citizen would, in a child process; asynchronous, since it may fetch from this process's hub. */
function runScript(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VERIFY_SCRIPT_FILE, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** `slot <id> capacity <n> winners <refs|-> …` lines of the script's output, as slot id → winning refs. */
function winnersOf(output: string): Map<string, string[]> {
  const winners = new Map<string, string[]>();
  for (const match of output.matchAll(/^slot (\S+) capacity \d+ winners (\S+) alternates \S+$/gm)) {
    winners.set(match[1] ?? '', match[2] === '-' ? [] : (match[2] ?? '').split(','));
  }
  return winners;
}

describe('the public draw (issue 18, item 2)', () => {
  const clock = new ManualClock(jst('2026-11-05 12:00'));
  let hub: TestHub;
  const sockets: AgentClientSocket[] = [];

  beforeAll(async () => {
    hub = await TestHub.start({ config: { lottery: { seedFacilities: true, seedDemoUsers: true } }, overrides: { clock } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await hub.close();
  });

  it('publishes each round\'s commitment to anyone before any entry, keeps the document back until the results, and then publishes it for the script to re-run', async () => {
    // Before any entry: the rounds and their commitments, anonymously; no document yet.
    expect(await hub.count('SELECT COUNT(*) FROM lottery_entries')).toBe(0);
    const listed = await anonymous(hub, publicRoundsPath());
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('no-store');
    const rounds = PublicRoundListSchema.parse(listed.body);
    const round = rounds.rounds.find((r) => r.roundId === ROUND);
    expect(round).toMatchObject({ phase: 'entry', draw: null, municipality: '豊中市', facilityType: 'tennis' });
    // The next month's round is committed before its entry window even opens.
    expect(rounds.rounds.find((r) => r.roundId === NEXT_ROUND)).toMatchObject({ phase: 'announced', draw: null });
    const before = PublicCommitmentSchema.parse((await anonymous(hub, publicCommitmentPath(ROUND))).body);
    expect(before.commitment).toBe(round?.commitment);
    expect(Date.parse(before.committedAt)).toBeLessThanOrEqual(clock.now().getTime());
    expect((await anonymous(hub, publicDrawPath(ROUND))).status).toBe(409);
    expect((await anonymous(hub, publicDrawPath('toyonaka-tennis-1999-01'))).status).toBe(404);
    expect((await anonymous(hub, publicCommitmentPath('toyonaka-tennis-1999-01'))).status).toBe(404);
    expect((await anonymous(hub, publicDrawPath('NOT A ROUND'))).status).toBe(400);
    const filtered = PublicRoundListSchema.parse((await anonymous(hub, `${publicRoundsPath()}?municipality=${encodeURIComponent('吹田市')}`)).body);
    expect(filtered.rounds).toEqual([]);

    // The three demo users enter at a street terminal: the same first choice, two with a second one.
    const kiosk = await enrolKiosk(hub, { municipality: '豊中市', site: '野畑テニスコート' });
    const socket = await connectKiosk(hub.url, kiosk, clock.now());
    sockets.push(socket);
    const signIn = async (user: { userNumber: string; pin: string }): Promise<string> => {
      const ack = lotteryHubAckSchemas['lottery.signIn'].parse(await send(socket, 'lottery.signIn', { userNumber: user.userNumber, pin: user.pin }));
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.sessionToken;
    };
    const entryNumbers: string[] = [];
    for (const [i, user] of DEMO_FACILITY_USERS.entries()) {
      const submit = { sessionToken: await signIn(user), clientEntryId: uuidv7(), firstSlotId: SLOT, ...(i > 0 ? { secondSlotId: SECOND } : {}) };
      const entry = lotteryHubAckSchemas['lottery.entry.submit'].parse(await send(socket, 'lottery.entry.submit', submit));
      if (!entry.ok) throw new Error(entry.error.message);
      entryNumbers.push(entry.entry.entryNumber);
    }

    // The demo clock to the results: the draw runs, and the document is public.
    expect((await hub.api('POST', '/api/lottery/demo-clock', { to: 'results' })).status).toBe(200);
    const fetched = await anonymous(hub, publicDrawPath(ROUND));
    expect(fetched.status).toBe(200);
    const draw = PublishedDrawSchema.parse(fetched.body);
    expect(draw.commitment).toBe(before.commitment);
    expect(PublicCommitmentSchema.parse((await anonymous(hub, publicCommitmentPath(ROUND))).body)).toEqual(before);
    expect(draw.entries.map((e) => e.ref).sort()).toEqual([...entryNumbers].sort());
    expect(draw.slots.map((s) => s.slotId)).toEqual([SLOT, SECOND]);
    for (const user of DEMO_FACILITY_USERS) {
      expect(containsSecret(fetched.text, { label: 'user number', value: user.userNumber, kind: 'number' })).toBe(false);
      expect(containsSecret(fetched.text, pinSecret(user.pin))).toBe(false);
    }
    const after = PublicRoundListSchema.parse((await anonymous(hub, publicRoundsPath())).body).rounds.find((r) => r.roundId === ROUND);
    expect(after).toMatchObject({ commitment: before.commitment, draw: { seed: draw.seed, resultDigest: draw.resultDigest, drawnAt: draw.drawnAt, documentPath: publicDrawPath(ROUND) } });

    // What the hub tells each entrant (signed in again: the lottery clock moved past their sessions).
    const told = new Map<string, string[]>();
    for (const user of DEMO_FACILITY_USERS) {
      const mine = lotteryHubAckSchemas['lottery.entries'].parse(await send(socket, 'lottery.entries', { sessionToken: await signIn(user) }));
      if (!mine.ok) throw new Error(mine.error.message);
      for (const entry of mine.entries) {
        if (entry.wonSlotId !== null) told.set(entry.wonSlotId, [...(told.get(entry.wonSlotId) ?? []), entry.entryNumber]);
      }
    }
    expect(told.get(SLOT)).toHaveLength(1);

    // The script on the downloaded file, and on the URL: the same winners, the published digest.
    const file = path.join(hub.dir, 'draw.json');
    writeFileSync(file, fetched.text);
    for (const source of [file, `${hub.url}${publicDrawPath(ROUND)}`]) {
      const rerun = await runScript(source);
      expect(rerun.stderr).toContain('result digest matches');
      expect(rerun.status).toBe(0);
      expect(rerun.stdout).toContain(`digest ${draw.resultDigest}\n`);
      expect(winnersOf(rerun.stdout)).toEqual(told);
    }

    // A tampered copy: the first choices swapped to another slot, or the seed changed.
    const tampered = { ...draw, entries: draw.entries.map((e) => ({ ...e, first: e.second ?? e.first, second: e.second === null ? null : e.first })) };
    writeFileSync(file, JSON.stringify(tampered));
    expect((await runScript(file)).status).toBe(1);
    writeFileSync(file, JSON.stringify({ ...draw, seed: draw.commitment }));
    expect((await runScript(file)).status).toBe(3);
  });

  it('serves the script itself, as it is in the repository', async () => {
    const served = await anonymous(hub, PUBLIC_VERIFY_SCRIPT_PATH);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('text/javascript');
    expect(served.text).toBe(readFileSync(VERIFY_SCRIPT_FILE, 'utf8'));
    expect(spawnSync(process.execPath, ['--check', VERIFY_SCRIPT_FILE]).status).toBe(0);
  });
});

describe('public lottery routes are rate limited per address, apart from /verify', () => {
  it('answers 429 past the limit, and /verify keeps its own budget', async () => {
    const hub = await TestHub.start({ config: { limits: { ...DEFAULT_LIMITS_CONFIG, verifyPerMinute: 3 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await anonymous(hub, publicRoundsPath())).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect((await anonymous(hub, publicCommitmentPath(ROUND))).body).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect((await anonymous(hub, '/api/verify/NOPE')).status).toBe(200);
    } finally {
      await hub.close();
    }
  });
});
