import { sql } from 'kysely';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lotteryHubAckSchemas, type EntryView, type PublishedDraw } from '@kiosk/protocols';
import { countBlocks } from '../../src/domain/lottery/slots';
import type { ProtocolException } from '../../src/errors';
import type { FacilityPrincipal } from '../../src/services/facility-users.service';
import { clientId, jst, seededWorld, type LotteryWorld } from './support';

const TENNIS = 'toyonaka-tennis-2027-01';
const NOBATA = 'toyonaka-nobata-tennis';
const court = (n: number, date: string, hhmm: string) => `${NOBATA}-c${n}@${date}T${hhmm}`;
const hubRoot = path.resolve(__dirname, '..', '..');

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error as ProtocolException).code ?? String(error),
  );

/** Runs the published-draw command as its own process (from its sources, as jest compiles them). */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', path.join(hubRoot, 'test/support/register-ts.cjs'), path.join(hubRoot, 'src/tools/rerun-draw.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (exitCode) => resolve({ code: exitCode, stdout, stderr })));
}

/**
 * One January tennis lottery from announcement to first-come booking, on a real SQLite file, with the
 * clock moved across the round's milestones (Japan time). The steps build on each other.
 */
describe('facility lottery, end to end', () => {
  let world: LotteryWorld;
  const people: Record<'alice' | 'alice2' | 'bob' | 'carol' | 'dave', { userNumber: string; principal: FacilityPrincipal }> = {} as never;
  const entries: Record<string, EntryView> = {};
  let published: PublishedDraw;
  let carolBookingId = '';

  beforeAll(async () => {
    world = await seededWorld(jst('2026-10-20 12:00'));
    const fingerprint = createHash('sha256').update('alice my number certificate').digest('hex');
    const pins = { alice: '1111', alice2: '2222', bob: '3333', carol: '4444', dave: '5555' } as const;
    for (const name of Object.keys(pins) as (keyof typeof pins)[]) {
      const { userNumber } = await world.users.register({
        municipality: '豊中市',
        pin: pins[name],
        certificateFingerprint: name.startsWith('alice') ? fingerprint : undefined,
      });
      people[name] = { userNumber, principal: await world.users.verifyCredentials(userNumber, pins[name]) };
    }
  });
  afterAll(() => world.close());

  const submit = (who: keyof typeof people, first: string, second?: string, extra: { offlineOccurredAt?: string; clientEntryId?: string } = {}) =>
    world.lottery.submitEntry(people[who].principal, { clientEntryId: extra.clientEntryId ?? clientId(), firstSlotId: first, secondSlotId: second, ...extra });

  it('creates the rounds ahead: January as a lottery with only its commitment public, past months first-come only', async () => {
    const rounds = await world.rounds.listRounds('豊中市');
    const january = rounds.find((r) => r.roundId === TENNIS);
    expect(january).toMatchObject({ kind: 'lottery', phase: 'announced', seed: null, entryOpensAt: jst('2026-11-01 00:00') });
    expect(january?.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(rounds.find((r) => r.roundId === 'toyonaka-tennis-2026-12')).toMatchObject({ kind: 'first-come-only', phase: 'first-come', commitment: null });
    expect(new Set(rounds.map((r) => r.facilityType)).size).toBe(6);
    expect(await world.rounds.ensureRounds()).toEqual([]);
    expect(people.alice.principal.identityId).toBe(people.alice2.principal.identityId);
  });

  it('refuses entries before the window opens and first-come booking of lottery months', async () => {
    expect(await code(submit('alice', court(1, '2027-01-09', '0900')))).toBe('outside_window');
    expect(await code(world.booking.book(people.bob.principal, { clientBookingId: clientId(), slotId: court(1, '2027-01-09', '0900') }))).toBe('outside_window');
  });

  it('takes entries in the window, the same entry again for the same client entry id', async () => {
    world.clock.set(jst('2026-11-01 00:00'));
    const id = clientId();
    const first = await submit('alice', court(1, '2027-01-09', '0900'), court(2, '2027-01-09', '0900'), { clientEntryId: id });
    expect(first).toMatchObject({ status: 'active', channel: 'online', result: 'pending', confirmation: 'none', roundId: TENNIS });
    expect(first.entryNumber).toMatch(/^[1-8][0-9]{9}$/);
    const retried = await submit('alice', court(1, '2027-01-09', '0900'), court(2, '2027-01-09', '0900'), { clientEntryId: id });
    expect(retried.entryId).toBe(first.entryId);
    expect(await code(submit('alice', court(3, '2027-01-09', '0900'), undefined, { clientEntryId: id }))).toBe('idempotency_conflict');
    entries.aliceContested = first;
  });

  it('refuses the same slot from a linked card, as 1st or 2nd choice', async () => {
    expect(await code(submit('alice2', court(1, '2027-01-09', '0900')))).toBe('duplicate_entry');
    expect(await code(submit('alice2', court(3, '2027-01-09', '0900'), court(2, '2027-01-09', '0900')))).toBe('duplicate_entry');
  });

  it('enforces the entry cap counting back-to-back slots once, and the hours cap', async () => {
    entries.aliceB2B = await submit('alice', court(1, '2027-01-09', '1100'));
    entries.aliceCancel = await submit('alice', court(1, '2027-01-16', '0900'));
    entries.alice23 = await submit('alice', court(1, '2027-01-23', '0900'));
    entries.alice30 = await submit('alice2', court(1, '2027-01-30', '0900'));
    // The 5th separate block is refused (caps: 4 entries, 16 hours, 2 wins per person per round)…
    const refused = await submit('alice2', court(1, '2027-01-31', '0900')).catch((e: unknown) => e as ProtocolException);
    expect(refused).toMatchObject({ code: 'cap_exceeded' });
    expect((refused as ProtocolException).failure.error.issues).toEqual([{ path: 'entries', message: 'limit 4' }]);
    // …until a cancellation frees one (allowed while the window is open; repeating it is harmless).
    expect((await world.lottery.cancelEntry(people.alice2.principal, entries.aliceCancel.entryId)).status).toBe('cancelled');
    expect((await world.lottery.cancelEntry(people.alice.principal, entries.aliceCancel.entryId)).status).toBe('cancelled');
    await submit('alice2', court(1, '2027-01-31', '0900'));
    // Back-to-back with an entered slot: still 4 entries, so accepted, until the hours run out.
    for (const hhmm of ['1100', '1300', '1500']) await submit('alice2', court(1, '2027-01-30', hhmm));
    const hours = await submit('alice2', court(1, '2027-01-30', '1700')).catch((e: unknown) => e as ProtocolException);
    expect((hours as ProtocolException).failure.error).toMatchObject({ code: 'cap_exceeded', issues: [{ path: 'hours' }] });
    // One person, two cards: either card sees all the entries.
    const seen = await world.lottery.listEntries(people.alice.principal);
    expect(seen.filter((e) => e.status === 'active')).toHaveLength(8);
    expect(seen.map((e) => e.entryId).sort()).toEqual((await world.lottery.listEntries(people.alice2.principal)).map((e) => e.entryId).sort());
  });

  it('answers terminals through the protocol handlers', async () => {
    const signIn = await world.handlers.handle('toyonaka-st-001', 'lottery.signIn', { userNumber: people.bob.userNumber, pin: '3333' });
    const parsed = lotteryHubAckSchemas['lottery.signIn'].parse(signIn);
    if (!parsed.ok) throw new Error('sign-in refused');
    const ack = await world.handlers.handle('toyonaka-st-001', 'lottery.entry.submit', {
      sessionToken: parsed.sessionToken,
      clientEntryId: clientId(),
      firstSlotId: court(1, '2027-01-09', '0900'),
      secondSlotId: court(3, '2027-01-09', '0900'),
    });
    expect(lotteryHubAckSchemas['lottery.entry.submit'].parse(ack)).toMatchObject({ ok: true, entry: { status: 'active' } });
    expect(await world.handlers.handle('toyonaka-st-001', 'lottery.entries', { sessionToken: 'x'.repeat(43) })).toMatchObject({
      ok: false,
      error: { code: 'session_expired' },
    });
    expect(await world.handlers.handle('toyonaka-st-001', 'lottery.entry.submit', { sessionToken: parsed.sessionToken })).toMatchObject({
      ok: false,
      error: { code: 'invalid_message' },
    });
    const facilities = await world.handlers.handle('toyonaka-st-001', 'lottery.facilities', { municipality: '豊中市' });
    expect(lotteryHubAckSchemas['lottery.facilities'].parse(facilities)).toMatchObject({ ok: true, facilities: expect.arrayContaining([]) });
    await submit('carol', court(1, '2027-01-09', '0900'));
  });

  it('accepts an offline entry made in the window if it syncs within the grace period, and not later', async () => {
    world.clock.set(jst('2026-11-11 12:00'));
    expect(await code(submit('dave', court(4, '2027-01-10', '0700')))).toBe('outside_window');
    entries.daveOffline = await submit('dave', court(4, '2027-01-10', '0700'), undefined, { offlineOccurredAt: jst('2026-11-10 23:50') });
    expect(entries.daveOffline).toMatchObject({ channel: 'offline', occurredAt: jst('2026-11-10 23:50'), acceptedAt: jst('2026-11-11 12:00') });
    world.clock.set(jst('2026-11-12 00:00'));
    expect(await code(submit('dave', court(4, '2027-01-10', '0900'), undefined, { offlineOccurredAt: jst('2026-11-10 23:55') }))).toBe('outside_window');
    expect(await code(world.lottery.cancelEntry(people.alice.principal, entries.alice23?.entryId ?? ''))).toBe('outside_window');
  });

  it('draws once its officer entered the witness at the draw time, and reveals it all only with the results', async () => {
    world.clock.set(jst('2026-11-12 08:59'));
    expect(await world.rounds.runDueDraws()).toEqual([]);
    expect(await code(world.rounds.draw(TENNIS))).toBe('outside_window');
    // Nobody fixes the draw's randomness while entries could still count: no witness before the draw time.
    expect(await code(world.witness(TENNIS))).toBe('outside_window');
    world.clock.set(jst('2026-11-12 09:00'));
    // Due, but the draw waits for its witness (issue 15, item 8).
    await world.rounds.tick();
    expect(await world.rounds.runDueDraws()).toEqual([]);
    expect(await code(world.rounds.draw(TENNIS))).toBe('conflict');
    await world.witness(TENNIS, 'ロト6 第1950回 03 11 19 24 37 42');
    // Entered once, never changed; the same entry again is answered as before.
    expect(await code(world.witness(TENNIS, 'another value'))).toBe('conflict');
    await world.witness(TENNIS, 'ロト6 第1950回 03 11 19 24 37 42');

    // Drawn, yet neither the seed nor the document reaches anyone before the results (issue 18, item 2): not the terminals either.
    const drawn = (await world.rounds.listRounds('豊中市')).find((r) => r.roundId === TENNIS);
    expect(drawn).toMatchObject({ seed: null, resultDigest: null });
    expect(await code(world.rounds.publishedDraw(TENNIS))).toBe('conflict');
    const early = await world.handlers.handle('test-kiosk', 'lottery.draw.published', { roundId: TENNIS });
    expect(early).toMatchObject({ ok: false, error: { code: 'conflict' } });

    world.clock.set(drawn?.resultsAt ?? '');
    const round = (await world.rounds.listRounds('豊中市')).find((r) => r.roundId === TENNIS);
    expect(round?.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(Buffer.from(round?.seed ?? '', 'hex')).digest('hex')).toBe(round?.commitment);
    const answered = await world.handlers.handle('test-kiosk', 'lottery.draw.published', { roundId: TENNIS });
    expect(answered).toMatchObject({ ok: true, draw: { roundId: TENNIS, seed: round?.seed } });

    published = await world.rounds.publishedDraw(TENNIS);
    expect(published).toMatchObject({ format: 'kiosk-lottery-draw/v2', witness: { value: 'ロト6 第1950回 03 11 19 24 37 42' } });
    expect(published.entries).toHaveLength(11);
    const text = JSON.stringify(published);
    for (const person of Object.values(people)) {
      expect(text).not.toContain(person.userNumber);
      expect(text).not.toContain(person.principal.identityId);
    }
    // Alice's entries through two cards share one pseudonym; others have their own.
    const aliceRefs = new Set([entries.aliceContested, entries.alice23, entries.alice30].map((e) => e?.entryNumber));
    const pseudonyms = new Set(published.entries.filter((e) => aliceRefs.has(e.ref)).map((e) => e.entrant));
    expect(pseudonyms.size).toBe(1);
    expect(new Set(published.entries.map((e) => e.entrant)).size).toBe(4);
    expect(await world.rounds.draw(TENNIS)).toEqual(published);

    const file = path.join(world.dir, 'draw.json');
    writeFileSync(file, JSON.stringify(published, null, 2));
    const rerun = await runCli(['--published', file]);
    expect(rerun.stderr).toContain('result digest matches');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout.endsWith(`digest ${published.resultDigest}\n`)).toBe(true);
    expect(rerun.stdout).toContain(`slot ${court(1, '2027-01-09', '0900')} capacity 1 winners `);

    const wrongSeed = createHash('sha256').update('not the seed').digest('hex');
    writeFileSync(file, JSON.stringify({ ...published, seed: wrongSeed }));
    const tampered = await runCli(['--published', file]);
    expect(tampered.code).toBe(3);
    expect(tampered.stderr).toContain('commitment mismatch');
    // Back to the draw day for what follows.
    world.clock.set(jst('2026-11-12 09:00'));
  });

  it('keeps the results hidden until they are published', async () => {
    const before = await world.lottery.listEntries(people.alice.principal);
    expect(before.every((e) => e.result === 'pending' || e.status !== 'active')).toBe(true);
    expect(await world.booking.listBookings(people.alice.principal)).toEqual([]);
    world.clock.set(jst('2026-11-13 09:00'));
    const after = await world.lottery.listEntries(people.alice.principal);
    expect(after.filter((e) => e.status === 'active').every((e) => e.result !== 'pending')).toBe(true);
  });

  it('respected the wins cap, one winner per slot, and 2nd choices only for lost 1st choices', async () => {
    const mine = (await world.lottery.listEntries(people.alice.principal)).filter((e) => e.wonSlotId);
    const spans = mine.map((e) => {
      const [unitId, when] = (e.wonSlotId ?? '').split('@') as [string, string];
      const start = `${when.slice(11, 13)}:${when.slice(13)}`;
      return { unitId, date: when.slice(0, 10), start, end: `${String(Number(when.slice(11, 13)) + 2).padStart(2, '0')}:${when.slice(13)}` };
    });
    expect(countBlocks(spans)).toBe(2);
    const { rows: live } = await sql`
      SELECT slot_id, count(*) AS n FROM facility_bookings WHERE status IN ('held', 'confirmed') GROUP BY slot_id HAVING count(*) > 1`.execute(world.store.db);
    expect(live).toEqual([]);
    for (const person of Object.values(people)) {
      for (const entry of await world.lottery.listEntries(person.principal)) {
        if (entry.result === 'won-second') expect(entry.wonSlotId).toBe(entry.secondSlotId);
        if (entry.result === 'won-first') expect(entry.wonSlotId).toBe(entry.firstSlotId);
      }
    }
    const dave = await world.lottery.listEntries(people.dave.principal);
    expect(dave[0]).toMatchObject({ result: 'won-first', confirmation: 'pending', confirmBy: jst('2026-11-21 00:00') });
  });

  it('lets winners confirm or decline in the confirmation window', async () => {
    const wins = (await world.lottery.listEntries(people.alice.principal)).filter((e) => e.confirmation === 'pending');
    expect(wins.length).toBeGreaterThanOrEqual(2);
    const [keep, drop] = wins as [EntryView, EntryView];
    expect((await world.lottery.confirm(people.alice.principal, keep.entryId)).confirmation).toBe('confirmed');
    expect((await world.lottery.confirm(people.alice2.principal, keep.entryId)).confirmation).toBe('confirmed');
    expect((await world.lottery.decline(people.alice.principal, drop.entryId)).confirmation).toBe('declined');
    expect(await code(world.lottery.confirm(people.alice.principal, drop.entryId))).toBe('slot_unavailable');
    expect(await code(world.lottery.confirm(people.bob.principal, keep.entryId))).toBe('not_found');
    const lost = (await world.lottery.listEntries(people.alice.principal)).find((e) => e.result === 'lost');
    if (lost) expect(await code(world.lottery.confirm(people.alice.principal, lost.entryId))).toBe('slot_unavailable');
    const bookings = await world.booking.listBookings(people.alice.principal);
    expect(bookings.find((b) => b.status === 'confirmed')).toMatchObject({ source: 'lottery', bookingNumber: keep.entryNumber, slotId: keep.wonSlotId });
    entries.aliceDeclined = drop;
  });

  it('releases unconfirmed wins when confirmation closes, and opens them first-come at 12:00 the next day', async () => {
    world.clock.set(jst('2026-11-21 00:00'));
    expect(await code(world.lottery.confirm(people.dave.principal, entries.daveOffline?.entryId ?? ''))).toBe('outside_window');
    await world.rounds.tick();
    expect((await world.lottery.listEntries(people.dave.principal))[0]?.confirmation).toBe('released');
    const daveSlot = court(4, '2027-01-10', '0700');
    const stateOf = async (slotId: string) =>
      (await world.booking.availability(NOBATA, slotId.slice(-15, -5), slotId.slice(-15, -5))).slots.find((s) => s.slotId === slotId)?.state;
    expect(await stateOf(daveSlot)).toBe('lottery-closed');

    world.clock.set(jst('2026-11-21 11:59'));
    expect(await code(world.booking.book(people.carol.principal, { clientBookingId: clientId(), slotId: daveSlot }))).toBe('outside_window');
    world.clock.set(jst('2026-11-21 12:00'));
    expect(await stateOf(daveSlot)).toBe('available');
    expect(await stateOf(entries.aliceDeclined?.wonSlotId ?? '')).toBe('available');
    const id = clientId();
    const booking = await world.booking.book(people.carol.principal, { clientBookingId: id, slotId: daveSlot });
    expect(booking).toMatchObject({ source: 'first-come', status: 'confirmed', feeYen: 1200 });
    expect(booking.bookingNumber).toMatch(/^9[0-9]{9}$/);
    expect(await code(world.booking.book(people.bob.principal, { clientBookingId: clientId(), slotId: daveSlot }))).toBe('slot_unavailable');
    expect((await world.booking.book(people.carol.principal, { clientBookingId: id, slotId: daveSlot })).bookingId).toBe(booking.bookingId);
    expect(await code(world.booking.book(people.carol.principal, { clientBookingId: id, slotId: court(4, '2027-01-10', '0900') }))).toBe('idempotency_conflict');
    expect(await stateOf(daveSlot)).toBe('booked');
    carolBookingId = booking.bookingId;
  });

  it('shows the cancellation charge first and cancels only at the charge the person accepted', async () => {
    const quote = await world.booking.quoteCancellation(people.carol.principal, carolBookingId);
    // Tennis: free until the end of the day 3 days before use (Jan 10 − 3 = the whole of Jan 7).
    expect(quote).toEqual({ bookingId: carolBookingId, feeYen: 1200, freeUntil: jst('2027-01-08 00:00'), chargeYen: 0, cancellable: true });
    expect((await world.booking.cancel(people.carol.principal, carolBookingId, 0)).status).toBe('cancelled');
    const slotId = court(4, '2027-01-10', '0700');
    const bobs = await world.booking.book(people.bob.principal, { clientBookingId: clientId(), slotId });
    world.clock.set(jst('2027-01-08 10:00'));
    expect((await world.booking.quoteCancellation(people.bob.principal, bobs.bookingId)).chargeYen).toBe(1200);
    expect(await code(world.booking.cancel(people.bob.principal, bobs.bookingId, 0))).toBe('stale_quote');
    expect((await world.booking.cancel(people.bob.principal, bobs.bookingId, 1200)).status).toBe('cancelled');
    const charged = await world.store.db.selectFrom('facility_bookings').select('charge_yen').where('booking_id', '=', bobs.bookingId).executeTakeFirst();
    expect(charged?.charge_yen).toBe(1200);
  });

  it('never logged a PIN or a user number', () => {
    const text = world.logs.text();
    expect(world.logs.find('lottery drawn', { roundId: TENNIS })).toBeDefined();
    for (const pin of ['1111', '2222', '3333', '4444', '5555']) expect(text).not.toContain(`"${pin}"`);
    for (const person of Object.values(people)) expect(text).not.toContain(person.userNumber);
  });
});
