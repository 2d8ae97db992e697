/**
 * Issue 14: two hub processes (two real hubs in this test process on one PostgreSQL database, sharing
 * one clock) reach a lottery round's draw time together. Entries come in through both. At the draw time
 * the draw officer's witness reaches both processes at once (each draws as soon as it has the witness)
 * while both run their lottery tick: the round is drawn once, its wins held once, and the public draw
 * route of each process answers the same document.
 */
import { v7 as uuidv7 } from 'uuid';
import { DrawWitnessResultSchema, PublicCommitmentSchema, PublishedDrawSchema, lotteryHubAckSchemas, publicCommitmentPath, publicDrawPath, type LotteryEvent } from '@kiosk/protocols';
import { DEMO_FACILITY_USERS } from '../src/domain/lottery/demo-users';
import { LOTTERY_TICK } from '../src/services/lottery-scheduler.service';
import { jst } from './lottery/support';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from './support/agent-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TEST_ENGINE } from './support/test-store';
import { TestHub } from './support/test-hub';

jest.setTimeout(120_000);

const ROUND = 'toyonaka-tennis-2027-01';
const SLOT = 'toyonaka-nobata-tennis-c1@2027-01-09T0900';
const SECOND = 'toyonaka-nobata-tennis-c1@2027-01-09T1100';
const WITNESS = { value: 'ロト6 第1950回 03 11 19 24 37 42', source: 'みずほ銀行 ロト6 当せん番号 (2026-11-12)' };

const describeOnPostgres = TEST_ENGINE === 'postgres' ? describe : describe.skip;

const send = (socket: AgentClientSocket, event: LotteryEvent, body: unknown): Promise<unknown> =>
  (socket.timeout(10_000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> }).emitWithAck(event, body);

describeOnPostgres('two hub processes reach a round\'s draw time together', () => {
  const clock = new ManualClock(jst('2026-11-05 12:00'));
  const schedulers = { a: new ManualScheduler(), b: new ManualScheduler() };
  const sockets: AgentClientSocket[] = [];
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    const lottery = { seedFacilities: true, seedDemoUsers: true };
    a = await TestHub.start({ config: { lottery }, overrides: { clock, scheduler: schedulers.a } });
    b = await TestHub.start({ config: { lottery, database: a.database }, overrides: { clock, scheduler: schedulers.b } });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await b?.close();
    await a?.close();
  });

  const moveTo = (instant: string) => clock.advance(Date.parse(instant) - clock.now().getTime());

  /** A street terminal on `hub`, through which `user` enters the round. */
  async function enter(hub: TestHub, user: { userNumber: string; pin: string }, second: boolean): Promise<string> {
    const socket = await connectKiosk(hub.url, await enrolKiosk(hub, { municipality: '豊中市', site: '野畑テニスコート' }), clock.now());
    sockets.push(socket);
    const signedIn = lotteryHubAckSchemas['lottery.signIn'].parse(await send(socket, 'lottery.signIn', { userNumber: user.userNumber, pin: user.pin }));
    if (!signedIn.ok) throw new Error(signedIn.error.message);
    const submit = { sessionToken: signedIn.sessionToken, clientEntryId: uuidv7(), firstSlotId: SLOT, ...(second ? { secondSlotId: SECOND } : {}) };
    const entry = lotteryHubAckSchemas['lottery.entry.submit'].parse(await send(socket, 'lottery.entry.submit', submit));
    if (!entry.ok) throw new Error(entry.error.message);
    return entry.entry.entryNumber;
  }

  it('draws the round once, and both processes publish the same document', async () => {
    const times = PublicCommitmentSchema.parse(await (await fetch(`${a.url}${publicCommitmentPath(ROUND)}`)).json());
    const entryNumbers: string[] = [];
    for (const [i, user] of DEMO_FACILITY_USERS.entries()) entryNumbers.push(await enter(i % 2 === 0 ? a : b, user, i > 0));

    await a.createUser('officer-toyonaka', 'administrator', '豊中市');
    moveTo(times.drawAt);
    // Signed in once the draw time has come (a console session lasts hours, the entry period weeks).
    const officerOnA = await a.login('officer-toyonaka', 'officer-toyonaka-password-1');
    const officerOnB = await b.login('officer-toyonaka', 'officer-toyonaka-password-1');

    // Together: the witness through each process (each draws once it has it), and each process's tick.
    const [onA, onB] = await Promise.all([
      a.api('POST', `/api/lottery/rounds/${ROUND}/witness`, WITNESS, officerOnA),
      b.api('POST', `/api/lottery/rounds/${ROUND}/witness`, WITNESS, officerOnB),
      schedulers.a.run(LOTTERY_TICK),
      schedulers.b.run(LOTTERY_TICK),
    ]);
    for (const answer of [onA, onB]) {
      expect(answer.status).toBe(200);
      expect(DrawWitnessResultSchema.parse(answer.body)).toMatchObject({ roundId: ROUND, drawn: true });
    }
    // The ticks again, later: nothing more is drawn.
    await Promise.all([schedulers.a.run(LOTTERY_TICK), schedulers.b.run(LOTTERY_TICK)]);

    // One draw: one "drawn" in both processes' logs, one result per entry, one held win per winner.
    const drawnLines = [...a.logs.lines, ...b.logs.lines].filter((line) => line.msg === 'lottery drawn' && line.roundId === ROUND);
    expect(drawnLines).toHaveLength(1);
    expect(await a.count('SELECT count(*) FROM lottery_rounds WHERE round_id = ? AND drawn_at IS NOT NULL', ROUND)).toBe(1);
    const wins = Number(drawnLines[0]?.wins);
    expect(wins).toBeGreaterThan(0);
    expect(await a.count(`SELECT count(*) FROM facility_bookings WHERE booking_number IN (${entryNumbers.map(() => '?').join(', ')})`, ...entryNumbers)).toBe(wins);

    // Published with the results: the same document from either process's public route.
    moveTo(times.resultsAt);
    const [fromA, fromB] = await Promise.all([a, b].map((hub) => fetch(`${hub.url}${publicDrawPath(ROUND)}`)));
    expect([fromA?.status, fromB?.status]).toEqual([200, 200]);
    const [textA, textB] = await Promise.all([fromA, fromB].map((response) => response?.text() ?? Promise.resolve('')));
    expect(textB).toBe(textA);
    const draw = PublishedDrawSchema.parse(JSON.parse(textA ?? ''));
    expect(draw.entries.map((entry) => entry.ref).sort()).toEqual([...entryNumbers].sort());
    expect(draw.drawnAt).toBe(times.drawAt);
  });
});
