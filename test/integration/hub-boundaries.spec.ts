/**
 * Proofs 4 and 5 of the spine, across real processes: a malformed batch is refused as a whole with a
 * structured error and changes nothing; unknown kiosks, bad signatures, replayed or stale handshakes and
 * reused enrolment codes are refused and logged.
 */
import { generateKeyPairSync } from 'node:crypto';
import { BatchAckSchema, OutboxEventSchema, type OutboxEvent } from '@kiosk/protocols';
import { TestSystem } from '../support/system';
import { connectAgentSocket, signedAuth, uuidv7, type AgentSocket } from '../support/kiosk-client';

jest.setTimeout(60_000);

describe('hub boundaries (real hub process)', () => {
  const system = new TestSystem();
  let kioskId: string;
  let privateKeyPem: string;
  const sockets: AgentSocket[] = [];

  beforeAll(async () => {
    await system.startHub();
    await system.startAgent();
    ({ kioskId, privateKeyPem } = system.identity());
    await system.agent?.waitForLog((entry) => entry.msg === 'hub connected');
    // From here on the test speaks for the kiosk itself, so the agent must not compete for the seqs.
    await system.agent?.stop();
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await system.close();
  });

  async function connectAsKiosk(): Promise<AgentSocket> {
    const { socket, refusal } = await connectAgentSocket(system.hubUrl, signedAuth(kioskId, privateKeyPem));
    sockets.push(socket);
    expect(refusal).toBeNull();
    return socket;
  }

  function creditEvent(seq: number, coinYen: number): unknown {
    return {
      id: uuidv7(),
      kioskId,
      seq,
      occurredAt: new Date().toISOString(),
      type: 'cash.credit',
      payload: { transactionId: uuidv7(), coinYen },
    };
  }

  describe('event batches', () => {
    it('refuses a batch with one malformed event as a whole, with a structured error, storing nothing', async () => {
      const socket = await connectAsKiosk();
      const before = await system.storedEvents(kioskId);
      const next = before.ackedThroughSeq + 1;
      const batch = [creditEvent(next, 100), creditEvent(next + 1, 30), creditEvent(next + 2, 500)];

      const ack = BatchAckSchema.parse(
        await socket.timeout(5000).emitWithAck('events', { events: batch as OutboxEvent[] }),
      );
      expect(ack.ok).toBe(false);
      if (ack.ok) return;
      expect(ack.error.code).toBe('invalid_message');
      expect(ack.error.issues?.map((issue) => issue.path)).toContain('events.1.payload.coinYen');
      expect(await system.storedEvents(kioskId)).toEqual(before);

      // The same batch, corrected, is stored whole; sent again, it is absorbed as duplicates.
      const fixed = batch.map((event, index) =>
        OutboxEventSchema.parse(index === 1 ? creditEvent(next + 1, 50) : event),
      );
      const stored = BatchAckSchema.parse(await socket.timeout(5000).emitWithAck('events', { events: fixed }));
      expect(stored).toEqual({ ok: true, ackedThroughSeq: next + 2, stored: 3, duplicates: 0 });
      const again = BatchAckSchema.parse(await socket.timeout(5000).emitWithAck('events', { events: fixed }));
      expect(again).toEqual({ ok: true, ackedThroughSeq: next + 2, stored: 0, duplicates: 3 });
      expect((await system.storedEvents(kioskId)).rows).toBe(before.rows + 3);
    });

    it('reports a gap instead of skipping it', async () => {
      const socket = await connectAsKiosk();
      const acked = (await system.storedEvents(kioskId)).ackedThroughSeq;
      const ahead = OutboxEventSchema.parse(creditEvent(acked + 2, 10));
      const ack = BatchAckSchema.parse(await socket.timeout(5000).emitWithAck('events', { events: [ahead] }));
      expect(ack).toEqual({
        ok: true,
        ackedThroughSeq: acked,
        stored: 1,
        duplicates: 0,
        gap: { missingFromSeq: acked + 1, nextHeldSeq: acked + 2 },
      });

      const filler = OutboxEventSchema.parse(creditEvent(acked + 1, 10));
      const closed = BatchAckSchema.parse(await socket.timeout(5000).emitWithAck('events', { events: [filler] }));
      expect(closed).toEqual({ ok: true, ackedThroughSeq: acked + 2, stored: 1, duplicates: 0 });
    });

    it("refuses events that carry another kiosk's id", async () => {
      const socket = await connectAsKiosk();
      const before = await system.storedEvents(kioskId);
      const foreign = OutboxEventSchema.parse({ ...(creditEvent(before.ackedThroughSeq + 1, 10) as object), kioskId: 'kiosk-someone-else' });
      const ack = BatchAckSchema.parse(await socket.timeout(5000).emitWithAck('events', { events: [foreign] }));
      expect(ack.ok).toBe(false);
      if (!ack.ok) expect(ack.error.code).toBe('kiosk_mismatch');
      expect(await system.storedEvents(kioskId)).toEqual(before);
    });
  });

  describe('kiosk authentication', () => {
    /** The refusal is logged with its code (the log line may arrive just after the socket's answer). */
    async function hubLogged(code: string): Promise<boolean> {
      const hub = system.hub;
      if (!hub) return false;
      await hub.waitForLog((entry) => entry.msg === 'agent handshake refused' && entry.code === code, 5000);
      return true;
    }

    it('refuses an unknown kiosk as a wrong key (a stranger learns no kiosk id), and logs why', async () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      const { refusal } = await connectAgentSocket(system.hubUrl, signedAuth('kiosk-nobody00', privateKey));
      expect(refusal?.code).toBe('bad_signature');
      await system.hub?.waitForLog((entry) => entry.msg === 'agent handshake refused' && entry.reason === 'unknown_kiosk', 5000);
    });

    it('refuses a handshake signed with another key', async () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      const { refusal } = await connectAgentSocket(system.hubUrl, signedAuth(kioskId, privateKey));
      expect(refusal?.code).toBe('bad_signature');
      expect(await hubLogged('bad_signature')).toBe(true);
    });

    it('refuses a replayed handshake', async () => {
      const auth = signedAuth(kioskId, privateKeyPem);
      const first = await connectAgentSocket(system.hubUrl, auth);
      sockets.push(first.socket);
      expect(first.refusal).toBeNull();
      first.socket.close();
      const replay = await connectAgentSocket(system.hubUrl, auth);
      expect(replay.refusal?.code).toBe('replayed_handshake');
      expect(await hubLogged('replayed_handshake')).toBe(true);
    });

    it('refuses a stale handshake and another protocol version', async () => {
      const stale = await connectAgentSocket(system.hubUrl, signedAuth(kioskId, privateKeyPem, { timestamp: Date.now() - 10 * 60_000 }));
      expect(stale.refusal?.code).toBe('stale_handshake');
      const future = await connectAgentSocket(system.hubUrl, signedAuth(kioskId, privateKeyPem, { protocolVersion: 99 }));
      expect(future.refusal?.code).toBe('unsupported_protocol');
    });

    it('accepts an enrolment code once', async () => {
      const code = await system.createEnrolmentCode();
      const enrol = (publicKey: string) =>
        fetch(`${system.hubUrl}/api/kiosks/enrol`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code, publicKey }),
        });
      const spki = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

      const first = await enrol(spki());
      expect(first.status).toBe(201);
      const reused = await enrol(spki());
      expect(reused.status).toBe(400);
      expect(await reused.json()).toMatchObject({ ok: false, error: { code: 'invalid_enrolment_code' } });
    });
  });
});
