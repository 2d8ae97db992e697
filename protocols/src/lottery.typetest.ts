/**
 * Type-level tests of the lottery event map (compiled by `tsc -b`, never run): each `@ts-expect-error`
 * line must fail to compile.
 */
import type { Socket as ServerSocket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { LotteryAgentToHubEvents } from './lottery';
import type { NewOutboxEvent } from './outbox-events';

declare const terminal: ClientSocket<Record<string, never>, LotteryAgentToHubEvents>;
declare const hub: ServerSocket<LotteryAgentToHubEvents>;

export function terminalEnd(): void {
  terminal.emit('lottery.signIn', { userNumber: '12345674', pin: '0123' }, (ack) => {
    if (ack.ok) terminal.emit('lottery.entries', { sessionToken: ack.sessionToken }, () => undefined);
    else if (ack.attemptsLeft !== undefined) void ack.error.code;
  });
  // @ts-expect-error an entry without its client entry id
  terminal.emit('lottery.entry.submit', { sessionToken: 'x', firstSlotId: 'y' }, () => undefined);
  // @ts-expect-error a booking cancellation must say which charge the person accepted
  terminal.emit('lottery.booking.cancel', { sessionToken: 'x', bookingId: 'y' }, () => undefined);
  terminal.emit('lottery.offlineKey', {}, (ack) => {
    if (ack.ok) void ack.key.publicKey;
  });
}

export function provisionalEntry(): NewOutboxEvent {
  const sealedPin = { keyId: 'k', ciphertext: 'c' };
  const payload = { clientEntryId: 'c', userNumber: '10000008', roundId: 'r', firstSlotId: 's', secondSlotId: null, sealedPin };
  // @ts-expect-error an offline entry carries its PIN only sealed, never in clear
  const clear: NewOutboxEvent = { type: 'lottery.entry.provisional', payload: { ...payload, sealedPin: undefined, pin: '1234' } };
  void clear;
  return { type: 'lottery.entry.provisional', payload, occurredAt: '2026-11-05T11:40:00+09:00' };
}

export function hubEnd(): void {
  hub.on('lottery.booking.quote-cancel', (_request, ack) => {
    // @ts-expect-error a quote must say whether the booking can be cancelled
    ack({ ok: true, quote: { bookingId: 'b', feeYen: 1200, freeUntil: 't', chargeYen: 0 } });
    ack({ ok: true, quote: { bookingId: 'b', feeYen: 1200, freeUntil: 't', chargeYen: 0, cancellable: true } });
  });
}
