/**
 * Issue 15, item 8, and issue 18, item 2, through a real hub: the seed committed at a round's creation
 * no longer decides the draw alone. At the draw time a draw officer (an administrator of the round's
 * municipality, over REST) enters the witness value; the draw is keyed by SHA-256(seed || witness), so
 * whoever read the seed from the database while entries were open could not know the result. Without a
 * witness the draw waits. The document, the seed and the witness are revealed at the results time and
 * nowhere before: not on the public route, not to the terminals over `/agent`. The standalone script
 * re-runs the document and finds the published digest; another witness would have drawn differently.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  DrawWitnessResultSchema,
  PublicCommitmentSchema,
  PublishedDrawSchema,
  lotteryHubAckSchemas,
  publicCommitmentPath,
  publicDrawPath,
  type LotteryEvent,
} from '@kiosk/protocols';
import { VERIFY_SCRIPT_FILE } from '../../src/controllers/lottery-public.controller';
import { drawInputOf, drawSeedOf, runDraw } from '../../src/domain/lottery/draw';
import { DEMO_FACILITY_USERS } from '../../src/domain/lottery/demo-users';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from '../support/agent-client';
import { ManualClock } from '../support/manual-clock';
import { TestHub } from '../support/test-hub';
import { jst } from './support';

jest.setTimeout(90_000);

const ROUND = 'toyonaka-tennis-2027-01';
const SLOT = 'toyonaka-nobata-tennis-c1@2027-01-09T0900';
const SECOND = 'toyonaka-nobata-tennis-c1@2027-01-09T1100';
const WITNESS = { value: 'ロト6 第1950回 03 11 19 24 37 42', source: 'みずほ銀行 ロト6 当せん番号 (2026-11-12)' };

const send = (socket: AgentClientSocket, event: LotteryEvent, body: unknown): Promise<unknown> =>
  (socket.timeout(10_000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> }).emitWithAck(event, body);

describe('the draw witness (issue 15, item 8)', () => {
  const clock = new ManualClock(jst('2026-11-05 12:00'));
  let hub: TestHub;
  let socket: AgentClientSocket | undefined;

  beforeAll(async () => {
    hub = await TestHub.start({ config: { lottery: { seedFacilities: true, seedDemoUsers: true } }, overrides: { clock } });
  });
  afterAll(async () => {
    socket?.close();
    await hub.close();
  });

  const moveTo = (instant: string) => clock.advance(Date.parse(instant) - clock.now().getTime());
  const witness = (body: unknown, token?: string | null) => hub.api('POST', `/api/lottery/rounds/${ROUND}/witness`, body, token);
  const publicDraw = async () => fetch(`${hub.url}${publicDrawPath(ROUND)}`);

  it('waits for the officer\'s witness at the draw time, draws with it, and reveals everything only at the results', async () => {
    const times = PublicCommitmentSchema.parse(await (await fetch(`${hub.url}${publicCommitmentPath(ROUND)}`)).json());
    const kiosk = await enrolKiosk(hub, { municipality: '豊中市', site: '野畑テニスコート' });
    socket = await connectKiosk(hub.url, kiosk, clock.now());
    const terminal = socket;
    const signIn = async (user: { userNumber: string; pin: string }): Promise<string> => {
      const ack = lotteryHubAckSchemas['lottery.signIn'].parse(await send(terminal, 'lottery.signIn', { userNumber: user.userNumber, pin: user.pin }));
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.sessionToken;
    };
    for (const [i, user] of DEMO_FACILITY_USERS.entries()) {
      const submit = { sessionToken: await signIn(user), clientEntryId: uuidv7(), firstSlotId: SLOT, ...(i > 0 ? { secondSlotId: SECOND } : {}) };
      expect(lotteryHubAckSchemas['lottery.entry.submit'].parse(await send(terminal, 'lottery.entry.submit', submit))).toMatchObject({ ok: true });
    }

    // While entries are open (and until the draw time) no witness is taken: nobody can fix the randomness early.
    expect(await witness(WITNESS)).toMatchObject({ status: 409, body: { error: { code: 'outside_window' } } });
    moveTo(times.drawAt);

    // Who may enter it: signed in (401), an administrator (403 for a technician) of the round's municipality (404 elsewhere).
    expect((await witness(WITNESS, null)).status).toBe(401);
    await hub.createUser('tech-toyonaka', 'technician', '豊中市');
    await hub.createUser('admin-suita', 'administrator', '吹田市');
    await hub.createUser('officer-toyonaka', 'administrator', '豊中市');
    expect((await witness(WITNESS, await hub.login('tech-toyonaka', 'tech-toyonaka-password-1'))).status).toBe(403);
    expect((await witness(WITNESS, await hub.login('admin-suita', 'admin-suita-password-1'))).status).toBe(404);
    expect((await witness({ value: ' 03 11 ', source: 'x' })).status).toBe(400);
    expect(await hub.count('SELECT COUNT(*) FROM lottery_rounds WHERE witness_value IS NOT NULL')).toBe(0);
    // Due, but without a witness nothing is drawn.
    expect(await hub.count('SELECT COUNT(*) FROM lottery_rounds WHERE drawn_at IS NOT NULL')).toBe(0);

    const officer = await hub.login('officer-toyonaka', 'officer-toyonaka-password-1');
    const entered = await witness(WITNESS, officer);
    expect(entered.status).toBe(200);
    expect(DrawWitnessResultSchema.parse(entered.body)).toEqual({ roundId: ROUND, drawn: true, witness: { ...WITNESS, enteredAt: clock.now().toISOString() } });
    // Once only: the same again is answered the same, another value is refused.
    expect((await witness(WITNESS, officer)).status).toBe(200);
    expect((await witness({ ...WITNESS, value: '01 02 03 04 05 06' }, officer)).status).toBe(409);
    // Audited: the early try, the technician, the entry once (a retry writes nothing), the other value;
    // the witness value is not in the trail (it is published with the results, not before).
    const trail = await hub.rows<{ actor: string; outcome: string; detail_json: string }>(
      "SELECT actor, outcome, detail_json FROM audit_log WHERE action = 'lottery.witness.entered' ORDER BY seq",
    );
    expect(trail.map((row) => [row.actor, row.outcome, (JSON.parse(row.detail_json) as { reason?: string }).reason ?? null])).toEqual([
      [expect.any(String), 'refused', 'before-draw-time'],
      ['tech-toyonaka', 'refused', 'role'],
      ['officer-toyonaka', 'ok', null],
      ['officer-toyonaka', 'refused', 'witness-kept'],
    ]);
    expect(trail.map((row) => row.detail_json).join()).not.toContain('ロト6 第1950回');

    // Drawn, but revealed nowhere before the results: the public route, the terminals' rounds and document.
    expect((await publicDraw()).status).toBe(409);
    const rounds = lotteryHubAckSchemas['lottery.rounds'].parse(await send(terminal, 'lottery.rounds', { municipality: '豊中市' }));
    if (!rounds.ok) throw new Error(rounds.error.message);
    expect(rounds.rounds.find((r) => r.roundId === ROUND)).toMatchObject({ seed: null, resultDigest: null });
    expect(await send(terminal, 'lottery.draw.published', { roundId: ROUND })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    moveTo(times.resultsAt);
    const response = await publicDraw();
    expect(response.status).toBe(200);
    const text = await response.text();
    const draw = PublishedDrawSchema.parse(JSON.parse(text));
    if (draw.format !== 'kiosk-lottery-draw/v2') throw new Error(`drawn as ${draw.format}`);
    expect(draw.witness).toEqual({ ...WITNESS, enteredAt: times.drawAt });
    expect(draw.drawSeed).toBe(drawSeedOf(draw.seed, WITNESS.value));
    expect(await send(terminal, 'lottery.draw.published', { roundId: ROUND })).toEqual({ ok: true, draw });

    // The citizen's script reproduces it.
    const file = path.join(hub.dir, 'witnessed-draw.json');
    writeFileSync(file, text);
    const rerun = spawnSync(process.execPath, [VERIFY_SCRIPT_FILE, file], { encoding: 'utf8' });
    expect(rerun.stderr).toContain('result digest matches');
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain(`digest ${draw.resultDigest}\n`);

    // The witness is an input: over other witnesses the same entries go to other winners.
    const winnersWith = (value: string) => runDraw({ ...drawInputOf(draw), witness: value }).slots.map((s) => s.winners.join()).join(';');
    const outcomes = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(winnersWith));
    expect(outcomes.size).toBeGreaterThan(1);
    expect(winnersWith(WITNESS.value)).toBe(runDraw(drawInputOf(draw)).slots.map((s) => s.winners.join()).join(';'));
  });
});
