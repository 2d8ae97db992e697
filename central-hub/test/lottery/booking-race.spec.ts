import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FacilityPrincipal } from '../../src/services/facility-users.service';
import { isUniqueViolation } from '../../src/storage/storage-errors';
import { TEST_ENGINE } from '../support/test-store';
import { clientId, jst, seededWorld, type LotteryWorld } from './support';

const hubRoot = path.resolve(__dirname, '..', '..');
const NOW = jst('2026-10-20 12:00');
/** December is first-come only when the hub starts on Oct 20 (its lottery window closed on Oct 10). */
const slots = [1, 2, 3, 4].flatMap((c) => ['0700', '0900', '1100', '1300', '1500'].map((t) => `toyonaka-nobata-tennis-c${c}@2026-12-05T${t}`));

interface Racer {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<{ code: number | null; lines: { slotId: string; outcome: string }[]; stderr: string }>;
}

function racer(dir: string, principal: FacilityPrincipal, goFile: string): Racer {
  const child = spawn(
    process.execPath,
    ['-r', path.join(hubRoot, 'test/support/register-ts.cjs'), path.join(__dirname, 'support/booking-racer.ts'), dir, JSON.stringify(principal), NOW, goFile, ...slots],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{ code: number | null; lines: { slotId: string; outcome: string }[]; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      markReady();
      const lines = stdout
        .split('\n')
        .slice(1)
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as { slotId: string; outcome: string });
      resolve({ code, lines, stderr });
    }),
  );
  return { child, ready, done };
}

/** Two processes on one SQLite file race only on SQLite; PostgreSQL's races run in-process on its pool. */
const itOnSqlite = TEST_ENGINE === 'sqlite' ? it : it.skip;

/** No double booking: two racers for the same slots, on real separate connections, or at once in one process. */
describe('first-come booking race', () => {
  let world: LotteryWorld;
  let a: FacilityPrincipal;
  let b: FacilityPrincipal;
  const racers: Racer[] = [];

  beforeAll(async () => {
    world = await seededWorld(NOW);
    const first = await world.users.register({ municipality: '豊中市', pin: '1357' });
    const second = await world.users.register({ municipality: '豊中市', pin: '2468' });
    a = await world.users.verifyCredentials(first.userNumber, '1357');
    b = await world.users.verifyCredentials(second.userNumber, '2468');
  });

  afterAll(async () => {
    for (const r of racers) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(racers.map((r) => r.done));
    await world.close();
  });

  const liveBookingsPerSlot = () =>
    world.store.db
      .selectFrom('facility_bookings')
      .select((eb) => ['slot_id', eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['held', 'confirmed'])
      .groupBy('slot_id')
      .execute();

  itOnSqlite('two processes racing for the same 20 slots: each slot is booked exactly once', async () => {
    const goFile = path.join(world.dir, 'go');
    racers.push(racer(world.dir, a, goFile), racer(world.dir, b, goFile));
    await Promise.all(racers.map((r) => r.ready));
    writeFileSync(goFile, 'go');
    const [ra, rb] = await Promise.all(racers.map((r) => r.done));
    expect(ra?.stderr).toBe('');
    expect(rb?.stderr).toBe('');
    expect([ra?.code, rb?.code]).toEqual([0, 0]);
    for (const slotId of slots) {
      const outcomes = [ra, rb].map((r) => r?.lines.find((line) => line.slotId === slotId)?.outcome).sort();
      expect(outcomes).toEqual(['booked', 'slot_unavailable']);
    }
    const live = await liveBookingsPerSlot();
    expect(live).toHaveLength(slots.length);
    expect(live.every((row) => Number(row.n) === 1)).toBe(true);
  }, 60_000);

  it('two requests at once in one process: exactly one wins', async () => {
    const slotId = 'toyonaka-nobata-tennis-c1@2026-12-06T0900';
    const outcomes = await Promise.all(
      [a, b].map((who) =>
        world.booking.book(who, { clientBookingId: clientId(), slotId }).then(
          () => 'booked',
          (error: unknown) => (error as { code: string }).code,
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(['booked', 'slot_unavailable']);
  });

  it('the database itself refuses a second live booking of a slot, whatever code writes it', async () => {
    const slotId = 'toyonaka-nobata-tennis-c1@2026-12-06T0900';
    const insert = (bookingId: string, bookingNumber: string, status: 'confirmed' | 'cancelled') =>
      world.store.db
        .insertInto('facility_bookings')
        .values({ booking_id: bookingId, booking_number: bookingNumber, slot_id: slotId, user_number: a.userNumber, source: 'first-come', status, fee_yen: 1200, created_at: NOW, updated_at: NOW })
        .execute();
    const refused = await insert('01900000-0000-7000-8000-00000000000a', '9000000001', 'confirmed').then(() => null, (error: unknown) => error);
    expect(isUniqueViolation(refused)).toBe(true);
    // A cancelled booking does not hold the slot.
    await expect(insert('01900000-0000-7000-8000-00000000000b', '9000000002', 'cancelled')).resolves.toBeDefined();
  });
});
