/**
 * Offline (provisional) lottery entries (src/domain/lottery/OFFLINE.md): a terminal's
 * `lottery.entry.provisional` outbox event goes through the hub's real event ingest (stored once,
 * recorded pending in the same transaction) and is judged once: the sealed PIN opened and checked at
 * the hub (counting toward the lock-out), the window judged by the terminal's time within the grace,
 * caps and duplicates as online. Real SQLite file, real RSA-OAEP.
 */
import { v7 as uuidv7 } from 'uuid';
import { OutboxEventSchema, lotteryHubAckSchemas, type OutboxEvent, type ProvisionalEntryView, type SealedPin } from '@kiosk/protocols';
import { sealPin } from '../../src/domain/lottery/offline-seal';
import { KyselyEventRepository } from '../../src/repositories/event.repository';
import { effectsOf } from '../../src/services/event-projection.rules';
import type { FacilityPrincipal } from '../../src/services/facility-users.service';
import { clientId, jst, seededWorld, type LotteryWorld } from './support';

const KIOSK = 'toyonaka-st-001';
const TENNIS = 'toyonaka-tennis-2027-01';
const court = (n: number, date: string, hhmm: string) => `toyonaka-nobata-tennis-c${n}@${date}T${hhmm}`;

describe('offline lottery entries', () => {
  let world: LotteryWorld;
  let events: KyselyEventRepository;
  let seq = 0;
  const people: Record<string, { userNumber: string; pin: string }> = {};

  beforeAll(async () => {
    world = await seededWorld(jst('2026-11-05 12:00'));
    await world.store.db
      .insertInto('kiosks')
      .values({ kiosk_id: KIOSK, name: 'street terminal', municipality: '豊中市', site: '野畑庭球場', kind: 'street-terminal', created_at: world.clock.now().toISOString() })
      .execute();
    events = new KyselyEventRepository(world.store);
    for (const [name, pin] of [['ann', '1111'], ['ben', '2222'], ['cat', '3333'], ['dan', '4444'], ['eve', '5555']] as const) {
      const { userNumber } = await world.users.register({ municipality: '豊中市', pin });
      people[name] = { userNumber, pin };
    }
  });
  afterAll(() => world.close());

  /** The event a terminal commits: PIN sealed to the hub's published key, bound to the user and the entry. */
  function provisional(
    who: { userNumber: string; pin: string },
    choices: { first: string; second?: string },
    options: {
      occurredAt?: string;
      clientEntryId?: string;
      sealFor?: { userNumber?: string; clientEntryId?: string };
      /** An offline sign-in (v2): its PIN sealed once, carried by each of its entries. */
      session?: { offlineSessionId: string; sealedPin: SealedPin };
    } = {},
  ): OutboxEvent {
    const clientEntryId = options.clientEntryId ?? clientId();
    const sealedPin =
      options.session?.sealedPin ??
      sealPin(world.offlineKey.published, {
        v: 1,
        pin: who.pin,
        userNumber: options.sealFor?.userNumber ?? who.userNumber,
        clientEntryId: options.sealFor?.clientEntryId ?? clientEntryId,
      });
    // Parsed as the hub's gateway parses a batch: the event must be valid on the wire.
    return OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId: KIOSK,
      seq: ++seq,
      occurredAt: options.occurredAt ?? world.clock.now().toISOString(),
      type: 'lottery.entry.provisional',
      payload: {
        clientEntryId,
        userNumber: who.userNumber,
        roundId: TENNIS,
        firstSlotId: choices.first,
        secondSlotId: choices.second ?? null,
        sealedPin,
        ...(options.session ? { offlineSessionId: options.session.offlineSessionId } : {}),
      },
    });
  }

  /** Through the hub's ingest (the event's unique key and the intake in one transaction), then judged. */
  async function deliver(...batch: OutboxEvent[]) {
    const outcome = await events.ingest(
      KIOSK,
      batch.map((event) => ({ event, effects: effectsOf(event) })),
      world.clock.now().toISOString(),
    );
    const decided = await world.offline.judgePending();
    return { ...outcome, decided };
  }

  async function principal(who: { userNumber: string; pin: string }): Promise<FacilityPrincipal> {
    return world.users.verifyCredentials(who.userNumber, who.pin);
  }

  async function outcomeOf(who: { userNumber: string; pin: string }, clientEntryId: string): Promise<ProvisionalEntryView | undefined> {
    return (await world.offline.listProvisional(await principal(who))).find((p) => p.clientEntryId === clientEntryId);
  }

  const clientEntryIdOf = (event: OutboxEvent) => (event.type === 'lottery.entry.provisional' ? event.payload.clientEntryId : '');
  const entriesWith = async (clientEntryId: string) =>
    (await world.store.db.selectFrom('lottery_entries').select('entry_id').where('client_entry_id', '=', clientEntryId).execute()).length;
  const provisionalRow = (clientEntryId: string) =>
    world.store.db.selectFrom('lottery_provisional_entries').select(['reason', 'message', 'sealed_pin']).where('client_entry_id', '=', clientEntryId).executeTakeFirst();
  const reasonOf = async (event: OutboxEvent) => (await provisionalRow(clientEntryIdOf(event)))?.reason;
  const pinState = (userNumber: string) =>
    world.store.db.selectFrom('facility_users').select(['failed_pin_attempts', 'locked_until']).where('user_number', '=', userNumber).executeTakeFirst();

  it('accepts an entry whose sealed PIN is right: a normal entry, channel offline, at the terminal time', async () => {
    const takenAt = jst('2026-11-05 10:30');
    const event = provisional(people.ann!, { first: court(1, '2027-01-09', '0900'), second: court(2, '2027-01-09', '0900') }, { occurredAt: takenAt });
    const result = await deliver(event);
    expect(result).toMatchObject({ stored: 1, duplicates: 0, decided: 1 });

    const me = await principal(people.ann!);
    const entries = await world.lottery.listEntries(me);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      clientEntryId: clientEntryIdOf(event),
      channel: 'offline',
      status: 'active',
      occurredAt: new Date(takenAt).toISOString(),
      firstSlotId: court(1, '2027-01-09', '0900'),
      secondSlotId: court(2, '2027-01-09', '0900'),
    });
    const seen = await outcomeOf(people.ann!, clientEntryIdOf(event));
    expect(seen).toMatchObject({ status: 'accepted', entryId: entries[0]?.entryId, entryNumber: entries[0]?.entryNumber, rejection: null });

    // Any terminal, through the protocol: both lists, valid by the terminal's schema.
    const signIn = lotteryHubAckSchemas['lottery.signIn'].parse(await world.handlers.handle('toyonaka-st-002', 'lottery.signIn', people.ann!));
    if (!signIn.ok) throw new Error('sign-in refused');
    const ack = lotteryHubAckSchemas['lottery.entries'].parse(
      await world.handlers.handle('toyonaka-st-002', 'lottery.entries', { sessionToken: signIn.sessionToken }),
    );
    expect(ack).toMatchObject({ ok: true, entries: [{ channel: 'offline' }], provisional: [{ status: 'accepted' }] });

    // The sealed PIN is erased once judged, and was never kept in the event log.
    expect((await provisionalRow(clientEntryIdOf(event)))?.sealed_pin).toBeNull();
    const logged = (await world.store.db.selectFrom('events').select('payload_json').where('event_id', '=', event.id).executeTakeFirst())?.payload_json ?? '';
    expect(logged).toContain(clientEntryIdOf(event));
    expect(logged).not.toContain(event.type === 'lottery.entry.provisional' ? event.payload.sealedPin.ciphertext.slice(0, 40) : '?');
  });

  it('publishes the key terminals seal to, named by the SHA-256 of its SPKI', async () => {
    const ack = lotteryHubAckSchemas['lottery.offlineKey'].parse(await world.handlers.handle(KIOSK, 'lottery.offlineKey', {}));
    expect(ack).toEqual({ ok: true, key: world.offlineKey.published });
    if (!ack.ok) return;
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(Buffer.from(ack.key.publicKey, 'base64')).digest('hex')).toBe(ack.key.keyId);
  });

  it('stores and judges a duplicate delivery once: one entry', async () => {
    const event = provisional(people.ben!, { first: court(3, '2027-01-09', '0900') });
    expect(await deliver(event)).toMatchObject({ stored: 1, duplicates: 0, decided: 1 });
    expect(await deliver(event)).toMatchObject({ stored: 0, duplicates: 1, decided: 0 });
    // The agent re-enqueued the same entry under a new event: the same entry again, not a second one.
    const again = provisional(people.ben!, { first: court(3, '2027-01-09', '0900') }, { clientEntryId: clientEntryIdOf(event) });
    expect(await deliver(again)).toMatchObject({ stored: 1, decided: 1 });
    expect(await entriesWith(clientEntryIdOf(event))).toBe(1);
    const views = (await world.offline.listProvisional(await principal(people.ben!))).filter((p) => p.clientEntryId === clientEntryIdOf(event));
    expect(views).toHaveLength(2);
    expect(new Set(views.map((v) => v.entryId)).size).toBe(1);
    expect(views.every((v) => v.status === 'accepted')).toBe(true);
  });

  it('judges concurrent runs once', async () => {
    const event = provisional(people.ben!, { first: court(4, '2027-01-09', '0900') });
    await events.ingest(KIOSK, [{ event, effects: effectsOf(event) }], world.clock.now().toISOString());
    const counts = await Promise.all([world.offline.judgePending(), world.offline.judgePending(), world.offline.judgePending()]);
    expect(counts.reduce((a, b) => Math.max(a, b), 0)).toBe(1);
    expect(await entriesWith(clientEntryIdOf(event))).toBe(1);
  });

  it('rejects a wrong PIN and counts it toward the lock-out; the 5th locks, then even the right PIN is refused', async () => {
    const cat = people.cat!;
    const wrong = { ...cat, pin: '9999' };
    const reasons: string[] = [];
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      const event = provisional(wrong, { first: court(1, '2027-01-16', '0900') });
      await deliver(event);
      const row = await provisionalRow(clientEntryIdOf(event));
      reasons.push(row?.reason ?? '');
      messages.push(row?.message ?? '');
    }
    expect(reasons).toEqual(['wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin']);
    expect(messages[4]).toMatch(/locked/);
    const right = provisional(cat, { first: court(1, '2027-01-16', '0900') });
    await deliver(right);
    expect(await reasonOf(right)).toBe('account-locked');
    await expect(world.users.verifyCredentials(cat.userNumber, cat.pin)).rejects.toMatchObject({ code: 'account_locked' });
    expect(await entriesWith(clientEntryIdOf(right))).toBe(0);

    // After the lock period the right PIN works again and the rejections are visible to the person.
    world.clock.set(jst('2026-11-05 13:00'));
    const views = await world.offline.listProvisional(await principal(cat));
    expect(views.filter((v) => v.rejection?.reason === 'wrong-pin')).toHaveLength(5);
    expect(views.find((v) => v.clientEntryId === clientEntryIdOf(right))).toMatchObject({ status: 'rejected', entryId: null });
    world.clock.set(jst('2026-11-05 12:00'));
  });

  /** The PIN typed at one offline sign-in, sealed once for it (as the terminal does, OFFLINE.md §2 v2). */
  function offlineSignIn(who: { userNumber: string }, pin: string): { offlineSessionId: string; sealedPin: SealedPin } {
    const offlineSessionId = clientId();
    return { offlineSessionId, sealedPin: sealPin(world.offlineKey.published, { v: 2, pin, userNumber: who.userNumber, offlineSessionId }) };
  }

  it('counts one PIN attempt per offline sign-in: one typo and five entries cost one attempt, not a lock-out (issue 15)', async () => {
    const { userNumber } = await world.users.register({ municipality: '豊中市', pin: '6161' });
    const fay = { userNumber, pin: '6161' };
    const typo = offlineSignIn(fay, '6116');
    const five = [1, 2, 3, 4, 5].map((n) => provisional(fay, { first: court(n, '2027-01-23', '0900') }, { session: typo }));
    await deliver(...five.slice(0, 3));
    await deliver(...five.slice(3)); // later batches of the same sign-in reuse its verdict too
    expect(await Promise.all(five.map(reasonOf))).toEqual(['wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin']);
    expect(await pinState(userNumber)).toEqual({ failed_pin_attempts: 1, locked_until: null });
    // Not locked: the right PIN signs in, and a new offline sign-in with it has its entries accepted.
    await expect(world.users.verifyCredentials(fay.userNumber, fay.pin)).resolves.toMatchObject({ userNumber });
    const right = offlineSignIn(fay, fay.pin);
    const two = [1, 2].map((n) => provisional(fay, { first: court(n, '2027-01-23', '1100') }, { session: right }));
    await deliver(...two);
    expect(await Promise.all(two.map(reasonOf))).toEqual([null, null]);
    expect(await Promise.all(two.map((event) => entriesWith(clientEntryIdOf(event))))).toEqual([1, 1]);
    expect(await pinState(userNumber)).toEqual({ failed_pin_attempts: 0, locked_until: null });
  });

  it('refuses a sign-in seal carried by an entry of another sign-in, without counting an attempt (issue 15)', async () => {
    const { userNumber } = await world.users.register({ municipality: '豊中市', pin: '7171' });
    const session = offlineSignIn({ userNumber }, '7117');
    const moved = provisional({ userNumber, pin: '7117' }, { first: court(1, '2027-01-23', '1300') }, { session: { ...session, offlineSessionId: clientId() } });
    await deliver(moved);
    expect(await reasonOf(moved)).toBe('sealed-pin-invalid');
    expect(await pinState(userNumber)).toEqual({ failed_pin_attempts: 0, locked_until: null });
  });

  it('refuses a backdated online entry: offlineOccurredAt is not accepted from a terminal\'s request (issue 15)', async () => {
    const signIn = lotteryHubAckSchemas['lottery.signIn'].parse(await world.handlers.handle(KIOSK, 'lottery.signIn', people.eve!));
    if (!signIn.ok) throw new Error('sign-in refused');
    const clientEntryId = clientId();
    const backdated = { sessionToken: signIn.sessionToken, clientEntryId, firstSlotId: court(3, '2027-01-23', '0900'), offlineOccurredAt: jst('2026-11-01 00:01') };
    expect(await world.handlers.handle(KIOSK, 'lottery.entry.submit', backdated)).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await entriesWith(clientEntryId)).toBe(0);
    const { offlineOccurredAt: _dropped, ...online } = backdated;
    expect(await world.handlers.handle(KIOSK, 'lottery.entry.submit', online)).toMatchObject({ ok: true, entry: { channel: 'online' } });
  });

  it('a right PIN clears the wrong-PIN count, as a sign-in does', async () => {
    const dan = people.dan!;
    for (let i = 0; i < 4; i++) await deliver(provisional({ ...dan, pin: '0000' }, { first: court(2, '2027-01-16', '0900') }));
    const ok = provisional(dan, { first: court(2, '2027-01-16', '0900') });
    await deliver(ok);
    expect(await entriesWith(clientEntryIdOf(ok))).toBe(1);
    expect(await pinState(dan.userNumber)).toEqual({ failed_pin_attempts: 0, locked_until: null });
  });

  it('rejects a tampered or replayed sealed PIN clearly, without counting a PIN attempt', async () => {
    const eve = people.eve!;
    const event = provisional(eve, { first: court(3, '2027-01-16', '0900') });
    if (event.type !== 'lottery.entry.provisional') throw new Error('unexpected');
    const bytes = Buffer.from(event.payload.sealedPin.ciphertext, 'base64');
    bytes[10] = (bytes[10] ?? 0) ^ 0x01;
    const tampered = { ...event, payload: { ...event.payload, sealedPin: { ...event.payload.sealedPin, ciphertext: bytes.toString('base64') } } };
    // Sealed for another entry of the same person: cannot be moved into this one.
    const replayed = provisional(eve, { first: court(4, '2027-01-16', '0900') }, { sealFor: { clientEntryId: clientId() } });
    // Sealed for another card.
    const otherCard = provisional(eve, { first: court(1, '2027-01-31', '0900') }, { sealFor: { userNumber: people.ann!.userNumber } });
    // Under a key the hub does not have.
    const unknownKey = provisional(eve, { first: court(2, '2027-01-31', '0900') });
    if (unknownKey.type !== 'lottery.entry.provisional') throw new Error('unexpected');
    const foreign = { ...unknownKey, payload: { ...unknownKey.payload, sealedPin: { ...unknownKey.payload.sealedPin, keyId: 'f'.repeat(64) } } };
    await deliver(tampered, replayed, otherCard, foreign);
    for (const e of [tampered, replayed, otherCard, foreign]) {
      expect(await outcomeOf(eve, clientEntryIdOf(e))).toMatchObject({
        status: 'rejected',
        rejection: { reason: 'sealed-pin-invalid', message: expect.stringMatching(/could not be read/) },
      });
      expect(await entriesWith(clientEntryIdOf(e))).toBe(0);
    }
    expect((await pinState(eve.userNumber))?.failed_pin_attempts).toBe(0);
    expect(world.logs.lines.some((l) => l.msg === 'sealed PIN of an offline entry refused')).toBe(true);
  });

  it('rejects an unknown card, an invalid choice and a duplicate slot', async () => {
    const ghost = { userNumber: '99999997', pin: '1234' };
    const unknown = provisional(ghost, { first: court(1, '2027-01-23', '0900') });
    const sameTwice = provisional(people.eve!, { first: court(1, '2027-01-23', '0900'), second: court(1, '2027-01-23', '0900') });
    const duplicate = provisional(people.ann!, { first: court(1, '2027-01-09', '0900') });
    await deliver(unknown, sameTwice, duplicate);
    expect([await reasonOf(unknown), await reasonOf(sameTwice), await reasonOf(duplicate)]).toEqual(['unknown-user', 'invalid-choice', 'duplicate-slot']);
  });

  describe('the entry window, by the terminal time within the grace', () => {
    // January tennis: entries 2026-11-01 00:00 to 2026-11-10 24:00 (Japan time); grace 24 hours.
    it('accepts an entry made in the window that arrives within the grace', async () => {
      world.clock.set(jst('2026-11-11 20:00'));
      const event = provisional(people.ben!, { first: court(1, '2027-01-30', '0900') }, { occurredAt: jst('2026-11-10 23:59') });
      await deliver(event);
      expect(await outcomeOf(people.ben!, clientEntryIdOf(event))).toMatchObject({ status: 'accepted' });
    });

    it('rejects one that arrives after the grace, and one made after the close', async () => {
      world.clock.set(jst('2026-11-12 00:01'));
      const late = provisional(people.ben!, { first: court(2, '2027-01-30', '0900') }, { occurredAt: jst('2026-11-10 23:00') });
      await deliver(late);
      world.clock.set(jst('2026-11-11 10:00'));
      const afterClose = provisional(people.ben!, { first: court(3, '2027-01-30', '0900') }, { occurredAt: jst('2026-11-11 00:00') });
      const ahead = provisional(people.ben!, { first: court(4, '2027-01-30', '0900') }, { occurredAt: jst('2026-11-11 10:30') });
      await deliver(afterClose, ahead);
      expect(await outcomeOf(people.ben!, clientEntryIdOf(late))).toMatchObject({ status: 'rejected', rejection: { reason: 'window-closed' } });
      expect(await outcomeOf(people.ben!, clientEntryIdOf(afterClose))).toMatchObject({ status: 'rejected', rejection: { reason: 'window-closed' } });
      expect(await outcomeOf(people.ben!, clientEntryIdOf(ahead))).toMatchObject({ status: 'rejected', rejection: { reason: 'clock-ahead' } });
      for (const e of [late, afterClose, ahead]) expect(await entriesWith(clientEntryIdOf(e))).toBe(0);
    });
  });

  it('judges an entry left pending by a crash at the next run, once', async () => {
    world.clock.set(jst('2026-11-11 12:00'));
    const event = provisional(people.ann!, { first: court(4, '2027-01-23', '0900') }, { occurredAt: jst('2026-11-10 12:00') });
    await events.ingest(KIOSK, [{ event, effects: effectsOf(event) }], world.clock.now().toISOString());
    expect(await outcomeOf(people.ann!, clientEntryIdOf(event))).toMatchObject({ status: 'pending', decidedAt: null });
    expect(await world.offline.judgePending()).toBe(1);
    expect(await world.offline.judgePending()).toBe(0);
    expect(await outcomeOf(people.ann!, clientEntryIdOf(event))).toMatchObject({ status: 'accepted' });
  });
});
