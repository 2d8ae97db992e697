/**
 * Exactly-once ingest against a real hub and its real SQLite file: a batch is stored whole or not at
 * all, duplicates are absorbed and counted, gaps are reported rather than skipped, and every refusal is
 * a structured Failure in the ack.
 */
import { v7 as uuidv7 } from 'uuid';
import { BatchAckSchema, OutboxEventSchema, SimpleAckSchema, type OutboxEvent, type Telemetry } from '@kiosk/protocols';
import { TestHub } from './support/test-hub';
import {
  connectAgent,
  creditEvent,
  creditEvents,
  enrolKiosk,
  signedAuth,
  type AgentClientSocket,
  type EnrolledKiosk,
} from './support/agent-client';

describe('event ingest', () => {
  let hub: TestHub;
  let kiosk: EnrolledKiosk;
  let socket: AgentClientSocket;

  beforeAll(async () => {
    hub = await TestHub.start();
  });

  beforeEach(async () => {
    // A fresh kiosk per test: each starts at seq 1 with nothing stored.
    kiosk = await enrolKiosk(hub);
    const connection = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey));
    if (connection.refusal) throw new Error(connection.refusal.code);
    socket = connection.socket;
  });

  afterEach(() => {
    socket.close();
  });

  afterAll(async () => {
    await hub.close();
  });

  const send = async (events: unknown[]) =>
    BatchAckSchema.parse(await socket.timeout(5000).emitWithAck('events', { events: events as OutboxEvent[] }));
  const rows = () => hub.count('SELECT count(*) FROM events WHERE kiosk_id = ?', kiosk.kioskId);
  const acked = () => hub.count('SELECT acked_through_seq FROM kiosks WHERE kiosk_id = ?', kiosk.kioskId);
  const ledgerRows = () => hub.count('SELECT count(*) FROM cash_ledger WHERE kiosk_id = ?', kiosk.kioskId);

  it('stores a batch and acks the highest contiguous seq', async () => {
    expect(await send(creditEvents(kiosk.kioskId, 1, 5))).toEqual({ ok: true, ackedThroughSeq: 5, stored: 5, duplicates: 0 });
    expect(await rows()).toBe(5);
    expect(await acked()).toBe(5);
    // The effect (a ledger row per coin) was applied in the same transaction.
    expect(await ledgerRows()).toBe(5);
  });

  it('refuses a batch with one malformed event as a whole and stores nothing of it', async () => {
    const good = creditEvents(kiosk.kioskId, 1, 3);
    const bad = { ...creditEvent(kiosk.kioskId, 2), payload: { transactionId: uuidv7(), coinYen: 30 } };
    const ack = await send([good[0], bad, good[2]]);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    if (!ack.ok) expect(ack.error.issues?.map((issue) => issue.path)).toContain('events.1.payload.coinYen');
    expect(await rows()).toBe(0);
    expect(await ledgerRows()).toBe(0);
    expect(await acked()).toBe(0);
  });

  it('absorbs duplicates: acked and counted, stored once, effects applied once', async () => {
    const batch = creditEvents(kiosk.kioskId, 1, 4);
    expect(await send(batch)).toEqual({ ok: true, ackedThroughSeq: 4, stored: 4, duplicates: 0 });
    expect(await send(batch)).toEqual({ ok: true, ackedThroughSeq: 4, stored: 0, duplicates: 4 });
    const overlapping = [...batch.slice(2), ...creditEvents(kiosk.kioskId, 5, 2)];
    expect(await send(overlapping)).toEqual({ ok: true, ackedThroughSeq: 6, stored: 2, duplicates: 2 });
    expect(await rows()).toBe(6);
    expect(await ledgerRows()).toBe(6);
  });

  it('reports a gap instead of skipping it, and closes it when the missing event arrives', async () => {
    expect(await send(creditEvents(kiosk.kioskId, 1, 2))).toMatchObject({ ackedThroughSeq: 2 });
    expect(await send([creditEvent(kiosk.kioskId, 5), creditEvent(kiosk.kioskId, 6)])).toEqual({
      ok: true,
      ackedThroughSeq: 2,
      stored: 2,
      duplicates: 0,
      gap: { missingFromSeq: 3, nextHeldSeq: 5 },
    });
    expect(hub.logs.find('gap in kiosk event sequence', { kioskId: kiosk.kioskId, missingFromSeq: 3, nextHeldSeq: 5 })).toBeDefined();
    expect(await send([creditEvent(kiosk.kioskId, 3)])).toEqual({
      ok: true,
      ackedThroughSeq: 3,
      stored: 1,
      duplicates: 0,
      gap: { missingFromSeq: 4, nextHeldSeq: 5 },
    });
    expect(await send([creditEvent(kiosk.kioskId, 4)])).toEqual({ ok: true, ackedThroughSeq: 6, stored: 1, duplicates: 0 });
    expect(await acked()).toBe(6);
  });

  it('refuses a batch reusing a stored seq under another event id, rolling back the whole batch', async () => {
    expect(await send(creditEvents(kiosk.kioskId, 1, 2))).toMatchObject({ ok: true, ackedThroughSeq: 2 });
    const ack = await send([creditEvent(kiosk.kioskId, 3), creditEvent(kiosk.kioskId, 2)]);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    // seq 3 was inserted before the conflict on seq 2 and must have been rolled back with it.
    expect(await rows()).toBe(2);
    expect(await ledgerRows()).toBe(2);
    expect(await acked()).toBe(2);
  });

  it('refuses a conflicting batch alone: batches of other kiosks sent at the same time are stored', async () => {
    const other = await enrolKiosk(hub);
    const connection = await connectAgent(hub.url, signedAuth(other.kioskId, other.privateKey));
    if (connection.refusal) throw new Error(connection.refusal.code);
    try {
      expect(await send(creditEvents(kiosk.kioskId, 1, 1))).toMatchObject({ ok: true, ackedThroughSeq: 1 });
      // Sent together, so the hub may commit them in one group transaction.
      const [refused, stored] = await Promise.all([
        send([creditEvent(kiosk.kioskId, 2), creditEvent(kiosk.kioskId, 1)]),
        connection.socket.timeout(5000).emitWithAck('events', { events: creditEvents(other.kioskId, 1, 2) }),
      ]);
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
      expect(BatchAckSchema.parse(stored)).toEqual({ ok: true, ackedThroughSeq: 2, stored: 2, duplicates: 0 });
      expect(await rows()).toBe(1);
      expect(await hub.count('SELECT count(*) FROM cash_ledger WHERE kiosk_id = ?', other.kioskId)).toBe(2);
    } finally {
      connection.socket.close();
    }
  });

  it('refuses a known event id sent again under another seq', async () => {
    const [first] = creditEvents(kiosk.kioskId, 1, 1);
    expect(await send([first])).toMatchObject({ ok: true });
    const moved = OutboxEventSchema.parse({ ...first, seq: 2 });
    expect(await send([moved])).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await rows()).toBe(1);
  });

  it("refuses a batch carrying another kiosk's event and stores none of it", async () => {
    const ack = await send([creditEvent(kiosk.kioskId, 1), creditEvent('kiosk-someone1', 2)]);
    expect(ack).toMatchObject({ ok: false, error: { code: 'kiosk_mismatch' } });
    expect(await rows()).toBe(0);
    expect(await hub.count("SELECT count(*) FROM events WHERE kiosk_id = 'kiosk-someone1'")).toBe(0);
  });

  it('answers malformed messages of every kind in the ack', async () => {
    expect(await send([])).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const raw = (event: 'events' | 'telemetry' | 'hello', body: unknown) =>
      (socket.timeout(5000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> }).emitWithAck(event, body);
    expect(BatchAckSchema.parse(await raw('events', 'not a batch'))).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(SimpleAckSchema.parse(await raw('telemetry', { sentAt: 'yesterday' }))).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await raw('hello', { protocolVersion: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await rows()).toBe(0);
  });

  it('answers an unknown message with a structured error rather than silence', async () => {
    const untyped = socket.timeout(5000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> };
    expect(await untyped.emitWithAck('events.delete', { all: true })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });

  it('ignores a message sent without an ack callback, and keeps serving the socket', async () => {
    // Untyped on purpose: the protocol's event map (rightly) does not allow an `events` without an ack.
    const untyped = socket as unknown as { emit(event: string, body: unknown): void };
    untyped.emit('events', { events: creditEvents(kiosk.kioskId, 1, 3) });
    // The next message on the same socket is answered, so the first one has been handled by now.
    expect(await send(creditEvents(kiosk.kioskId, 1, 1))).toEqual({ ok: true, ackedThroughSeq: 1, stored: 1, duplicates: 0 });
    expect(await rows()).toBe(1);
    expect(hub.logs.find('agent message without ack callback ignored', { kioskId: kiosk.kioskId, event: 'events' })).toBeDefined();
  });

  it('stores a full batch of 1000 events in one go', async () => {
    expect(await send(creditEvents(kiosk.kioskId, 1, 1000))).toEqual({ ok: true, ackedThroughSeq: 1000, stored: 1000, duplicates: 0 });
    expect(await rows()).toBe(1000);
    expect(await hub.count('SELECT count(DISTINCT seq) FROM events WHERE kiosk_id = ?', kiosk.kioskId)).toBe(1000);
  });

  it('projects device health, agent version and payouts from events', async () => {
    const device = { deviceId: 'printer-a4', kind: 'document-printer', status: 'warning', reasons: ['paper-near-end'], since: new Date().toISOString() };
    const events = [
      OutboxEventSchema.parse({ id: uuidv7(), kioskId: kiosk.kioskId, seq: 1, occurredAt: new Date().toISOString(), type: 'agent.started', payload: { agentVersion: '9.9.9' } }),
      OutboxEventSchema.parse({ id: uuidv7(), kioskId: kiosk.kioskId, seq: 2, occurredAt: new Date().toISOString(), type: 'device.health.changed', payload: device }),
      OutboxEventSchema.parse({
        id: uuidv7(),
        kioskId: kiosk.kioskId,
        seq: 3,
        occurredAt: new Date().toISOString(),
        type: 'cash.payout',
        payload: { transactionId: uuidv7(), amountYen: 150, reason: 'change' },
      }),
    ];
    expect(await send(events)).toMatchObject({ ok: true, stored: 3 });
    expect(await hub.value('SELECT agent_version FROM kiosks WHERE kiosk_id = ?', kiosk.kioskId)).toBe('9.9.9');
    expect(await hub.row('SELECT status, reasons_json FROM device_health WHERE kiosk_id = ?', kiosk.kioskId)).toEqual({
      status: 'warning',
      reasons_json: '["paper-near-end"]',
    });
    expect(await hub.row('SELECT direction, amount_yen, reason FROM cash_ledger WHERE kiosk_id = ?', kiosk.kioskId)).toEqual({
      direction: 'payout',
      amount_yen: 150,
      reason: 'change',
    });
  });

  it('keeps the latest telemetry and last heartbeat', async () => {
    const telemetry: Telemetry = {
      sentAt: new Date().toISOString(),
      outbox: { backlog: 7, oldestOccurredAt: null, lastSeq: 7 },
      devices: [],
      agent: { version: '0.1.0', uptimeSeconds: 12.5, rssBytes: 50_000_000, outOfService: true },
    };
    expect(await socket.timeout(5000).emitWithAck('telemetry', telemetry)).toEqual({ ok: true });
    expect(await hub.row('SELECT outbox_backlog, out_of_service FROM kiosk_telemetry WHERE kiosk_id = ?', kiosk.kioskId)).toEqual({ outbox_backlog: 7, out_of_service: 1 });
    expect(await hub.value('SELECT last_heartbeat_at FROM kiosks WHERE kiosk_id = ?', kiosk.kioskId)).not.toBeNull();
  });
});
