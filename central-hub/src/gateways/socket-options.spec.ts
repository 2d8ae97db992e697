import { LogChunkSchema, MAX_EVENT_BATCH, MAX_LOG_CHUNK_LINES, MAX_LOG_LINE_CHARS, OutboxEventSchema } from '@kiosk/protocols';
import { AUTHENTICATED_MAX_MESSAGE_BYTES } from './socket-options';

/** A socket.io event frame as the client sends it (namespace, ack id, event name and payload). */
const frameBytes = (event: string, payload: unknown) => Buffer.byteLength(`42/agent,4294967295${JSON.stringify([event, payload])}`);
const UUID = '019abcde-f012-7345-8678-9abcdef01234';

describe('the authenticated socket message limit', () => {
  it('admits a full batch of the largest outbox events, with 3-byte characters', () => {
    const events = Array.from({ length: MAX_EVENT_BATCH }, (_, i) =>
      OutboxEventSchema.parse({
        id: UUID,
        kioskId: 'kiosk-abcd1234',
        seq: 1_000_000_000 + i,
        occurredAt: '2026-11-26T01:00:00.000Z',
        type: 'command.result',
        payload: { commandId: UUID, status: 'failed', detail: 'あ'.repeat(2000) },
      }),
    );
    const bytes = frameBytes('events', { events });
    expect(bytes).toBeLessThanOrEqual(AUTHENTICATED_MAX_MESSAGE_BYTES);
    // Sized to it, not far above: the limit is what one peer can make the hub hold at once.
    expect(AUTHENTICATED_MAX_MESSAGE_BYTES).toBeLessThan(bytes * 1.25);
  });

  it('admits the largest log chunk the protocol allows, with 3-byte characters', () => {
    const lineChars = MAX_LOG_LINE_CHARS;
    const chunk = LogChunkSchema.parse({
      commandId: UUID,
      index: 0,
      final: false,
      lines: Array.from({ length: MAX_LOG_CHUNK_LINES }, () => 'ログ'.repeat(lineChars / 2)),
    });
    expect(frameBytes('logs.chunk', chunk)).toBeLessThanOrEqual(AUTHENTICATED_MAX_MESSAGE_BYTES);
  });
});
