/**
 * Offline entries and the demo draw through the real hub: the terminal fetches the offline-entry key
 * on `/agent`, sends a provisional entry in an `events` batch (twice), and any terminal then sees it
 * accepted; an administrator moves the demo lottery clock to the results (the draw runs) and the
 * person confirms the win. Real HTTP and socket.io, real SQLite file, the hub's 3072-bit key.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  BatchAckSchema,
  DemoClockAdvanceResultSchema,
  DemoClockViewSchema,
  OutboxEventSchema,
  lotteryHubAckSchemas,
  type LotteryEvent,
} from '@kiosk/protocols';
import { sealPin } from '../../src/domain/lottery/offline-seal';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from '../support/agent-client';
import { ManualClock } from '../support/manual-clock';
import { TestHub } from '../support/test-hub';
import { jst } from './support';

const send = (socket: AgentClientSocket, event: LotteryEvent | 'events', body: unknown): Promise<unknown> =>
  (socket.timeout(10_000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> }).emitWithAck(event, body);

const SLOT = 'toyonaka-nobata-tennis-c1@2027-01-09T0900';
const DEMO_USER = { userNumber: '10000008', pin: '1234' };

describe('offline entries and the demo draw, wired', () => {
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

  async function terminal(site: string): Promise<{ socket: AgentClientSocket; kioskId: string }> {
    const kiosk = await enrolKiosk(hub, { municipality: '豊中市', site });
    const socket = await connectKiosk(hub.url, kiosk, clock.now());
    sockets.push(socket);
    return { socket, kioskId: kiosk.kioskId };
  }

  async function signIn(socket: AgentClientSocket): Promise<string> {
    const ack = lotteryHubAckSchemas['lottery.signIn'].parse(await send(socket, 'lottery.signIn', DEMO_USER));
    if (!ack.ok) throw new Error(ack.error.message);
    return ack.sessionToken;
  }

  it('takes an offline entry exactly once and shows it at any terminal; the demo draw decides it and it can be confirmed', async () => {
    const street = await terminal('野畑テニスコート');
    const key = lotteryHubAckSchemas['lottery.offlineKey'].parse(await send(street.socket, 'lottery.offlineKey', {}));
    if (!key.ok) throw new Error(key.error.message);
    expect(createHash('sha256').update(Buffer.from(key.key.publicKey, 'base64')).digest('hex')).toBe(key.key.keyId);

    // The terminal was offline: it sealed the PIN and committed the event; now it reconnects and sends it, twice.
    const clientEntryId = uuidv7();
    const sealedPin = sealPin(key.key, { v: 1, pin: DEMO_USER.pin, userNumber: DEMO_USER.userNumber, clientEntryId });
    expect(Buffer.from(sealedPin.ciphertext, 'base64')).toHaveLength(384);
    const event = OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId: street.kioskId,
      seq: 1,
      occurredAt: jst('2026-11-05 11:40'),
      type: 'lottery.entry.provisional',
      payload: { clientEntryId, userNumber: DEMO_USER.userNumber, roundId: 'toyonaka-tennis-2027-01', firstSlotId: SLOT, secondSlotId: null, sealedPin },
    });
    expect(BatchAckSchema.parse(await send(street.socket, 'events', { events: [event] }))).toMatchObject({ ok: true, stored: 1, ackedThroughSeq: 1 });
    expect(BatchAckSchema.parse(await send(street.socket, 'events', { events: [event] }))).toMatchObject({ ok: true, stored: 0, duplicates: 1 });
    await hub.logs.waitFor('offline lottery entry accepted');

    // Another terminal: the person sees the offline entry accepted, once.
    const counter = await terminal('豊中市役所');
    const session = await signIn(counter.socket);
    const listed = lotteryHubAckSchemas['lottery.entries'].parse(await send(counter.socket, 'lottery.entries', { sessionToken: session }));
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.entries).toHaveLength(1);
    expect(listed.entries[0]).toMatchObject({ clientEntryId, channel: 'offline', result: 'pending', occurredAt: new Date(jst('2026-11-05 11:40')).toISOString() });
    expect(listed.provisional).toEqual([expect.objectContaining({ clientEntryId, status: 'accepted', entryId: listed.entries[0]?.entryId, rejection: null })]);
    expect(await hub.value('SELECT payload_json FROM events WHERE event_id = ?', event.id)).not.toContain(sealedPin.ciphertext.slice(0, 40));

    // The demo draw: an administrator moves the lottery's clock to the results; the draw runs at once.
    const before = DemoClockViewSchema.parse((await hub.api('GET', '/api/lottery/demo-clock')).body);
    expect(before.next.results).toMatchObject({ at: new Date(jst('2026-11-13 09:00')).toISOString() });
    const moved = await hub.api('POST', '/api/lottery/demo-clock', { to: 'results' });
    expect(moved.status).toBe(200);
    const result = DemoClockAdvanceResultSchema.parse(moved.body);
    expect(result.drawn).toContain('toyonaka-tennis-2027-01');
    expect(result.to).toBe(new Date(jst('2026-11-13 09:00')).toISOString());

    const after = lotteryHubAckSchemas['lottery.entries'].parse(await send(counter.socket, 'lottery.entries', { sessionToken: await signIn(counter.socket) }));
    if (!after.ok) throw new Error(after.error.message);
    const won = after.entries[0];
    expect(won).toMatchObject({ result: 'won-first', wonSlotId: SLOT, confirmation: 'pending' });
    const confirmed = lotteryHubAckSchemas['lottery.entry.confirm'].parse(
      await send(counter.socket, 'lottery.entry.confirm', { sessionToken: await signIn(counter.socket), entryId: won?.entryId }),
    );
    expect(confirmed).toMatchObject({ ok: true, entry: { confirmation: 'confirmed' } });

    // Kiosk authentication still runs on the real clock: a terminal can connect after the move.
    await terminal('庄内体育館');
  });

  it('judges offline entries on the lottery clock in the demo: an entry stamped with the lottery’s "now" after the clock moved is in the open window, its time kept', async () => {
    const moved = DemoClockAdvanceResultSchema.parse((await hub.api('POST', '/api/lottery/demo-clock', { to: 'entry-opens' })).body);
    expect(moved.to).toBe(new Date(jst('2026-12-01 00:00')).toISOString());
    const street = await terminal('野畑テニスコート');
    const key = lotteryHubAckSchemas['lottery.offlineKey'].parse(await send(street.socket, 'lottery.offlineKey', {}));
    if (!key.ok) throw new Error(key.error.message);
    const clientEntryId = uuidv7();
    const event = OutboxEventSchema.parse({
      id: uuidv7(),
      kioskId: street.kioskId,
      seq: 1,
      // The terminal stamps it with the lottery's time it heard from the hub (issue 20), not its own clock
      // (weeks before the lottery's time here); the hub takes it as it is.
      occurredAt: moved.to,
      type: 'lottery.entry.provisional',
      payload: {
        clientEntryId,
        userNumber: DEMO_USER.userNumber,
        roundId: 'toyonaka-tennis-2027-02',
        firstSlotId: 'toyonaka-nobata-tennis-c2@2027-02-06T0900',
        secondSlotId: null,
        sealedPin: sealPin(key.key, { v: 1, pin: DEMO_USER.pin, userNumber: DEMO_USER.userNumber, clientEntryId }),
      },
    });
    expect(BatchAckSchema.parse(await send(street.socket, 'events', { events: [event] }))).toMatchObject({ ok: true, stored: 1 });
    await hub.logs.waitFor('offline lottery entry accepted', { roundId: 'toyonaka-tennis-2027-02' });
    const listed = lotteryHubAckSchemas['lottery.entries'].parse(await send(street.socket, 'lottery.entries', { sessionToken: await signIn(street.socket) }));
    expect(listed.ok && listed.provisional.find((p) => p.clientEntryId === clientEntryId)).toMatchObject({ status: 'accepted' });
    expect(listed.ok && listed.entries.find((entry) => entry.clientEntryId === clientEntryId)?.occurredAt).toBe(moved.to);
  });

  it('lets only administrators of every municipality move the clock, and validates the target', async () => {
    await hub.createUser('tech', 'technician', '豊中市');
    await hub.createUser('cityadmin', 'administrator', '豊中市');
    const tech = await hub.login('tech', 'tech-password-1');
    const cityAdmin = await hub.login('cityadmin', 'cityadmin-password-1');
    expect((await hub.api('POST', '/api/lottery/demo-clock', { to: 'results' }, tech)).status).toBe(403);
    expect((await hub.api('POST', '/api/lottery/demo-clock', { to: 'results' }, cityAdmin)).status).toBe(403);
    expect((await hub.api('GET', '/api/lottery/demo-clock', undefined, tech)).status).toBe(403);
    expect((await hub.api('POST', '/api/lottery/demo-clock', { to: 'tomorrow' })).status).toBe(400);
    expect((await hub.api('POST', '/api/lottery/demo-clock', { to: 'results' }, null)).status).toBe(401);
  });

  it('is not there outside the demo', async () => {
    const plain = await TestHub.start();
    try {
      expect((await plain.api('GET', '/api/lottery/demo-clock')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
