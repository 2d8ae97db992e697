import {
  BatchAckSchema,
  EventBatchSchema,
  EventPayloadSchemas,
  HubCommandSchema,
  KioskAuthSchema,
  OutboxEventSchema,
  kioskAuthMessage,
  parseMessage,
} from './index';

const event = {
  id: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6a',
  kioskId: 'toyonaka-001',
  seq: 1,
  occurredAt: '2026-11-26T01:00:00.000Z',
  type: 'cash.credit',
  payload: { transactionId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6b', coinYen: 100 },
};

describe('outbox envelope', () => {
  it('accepts a well-formed event', () => {
    expect(OutboxEventSchema.parse(event)).toEqual(event);
  });

  it('covers every payload type in the union', () => {
    const types = OutboxEventSchema.options.map((option) => option.shape.type.value).sort();
    expect(types).toEqual(Object.keys(EventPayloadSchemas).sort());
  });

  it.each([
    ['a payload of another type', { ...event, type: 'agent.started' }],
    ['a coin that does not exist', { ...event, payload: { ...event.payload, coinYen: 30 } }],
    ['a non-v7 id', { ...event, id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }],
    ['seq 0', { ...event, seq: 0 }],
    ['a fractional seq', { ...event, seq: 1.5 }],
    ['a time without offset', { ...event, occurredAt: '2026-11-26T01:00:00' }],
    ['an unknown field', { ...event, extra: true }],
    ['an unknown type', { ...event, type: 'cash.stolen' }],
  ])('rejects %s', (_what, input) => {
    expect(OutboxEventSchema.safeParse(input).success).toBe(false);
  });

  it('limits a batch to 1..1000 events', () => {
    expect(EventBatchSchema.safeParse({ events: [] }).success).toBe(false);
    expect(EventBatchSchema.safeParse({ events: Array(1001).fill(event) }).success).toBe(false);
    expect(EventBatchSchema.safeParse({ events: [event] }).success).toBe(true);
  });
});

describe('parseMessage', () => {
  it('reports where the input is wrong without echoing values', () => {
    const secret = 'SECRET Value 9999';
    const result = parseMessage(OutboxEventSchema, { ...event, kioskId: secret }, 'event');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_message');
    expect(result.error.issues?.[0]?.path).toBe('kioskId');
    expect(JSON.stringify(result)).not.toContain(secret);
  });
});

describe('acks and commands', () => {
  it('distinguishes success and failure acks', () => {
    expect(BatchAckSchema.safeParse({ ok: true, ackedThroughSeq: 3, stored: 3, duplicates: 0 }).success).toBe(true);
    expect(BatchAckSchema.safeParse({ ok: true, stored: 3, duplicates: 0 }).success).toBe(false);
    expect(
      BatchAckSchema.safeParse({ ok: false, error: { code: 'invalid_message', message: 'x' } }).success,
    ).toBe(true);
  });

  it('types command params by command type', () => {
    const base = {
      commandId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6a',
      issuedAt: '2026-11-26T01:00:00Z',
      expiresAt: '2026-11-26T02:00:00Z',
    };
    expect(HubCommandSchema.safeParse({ ...base, type: 'service.set', params: { inService: false } }).success).toBe(true);
    expect(HubCommandSchema.safeParse({ ...base, type: 'service.set', params: {} }).success).toBe(false);
  });
});

describe('kiosk auth', () => {
  it('signs a message that binds kiosk, version, time and nonce', () => {
    const auth = { kioskId: 'toyonaka-001', protocolVersion: 1, timestamp: 1764118800000, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' };
    expect(kioskAuthMessage(auth)).toBe('kiosk-auth:v1:toyonaka-001:1764118800000:AAAAAAAAAAAAAAAAAAAAAA');
    expect(KioskAuthSchema.safeParse({ ...auth, signature: 'not base64!' }).success).toBe(false);
  });
});
