import type { OutboxEvent } from '@kiosk/protocols';
import type { Effect } from '../repositories/event.repository';

/**
 * What each kind of outbox event changes on the hub besides being stored. Pure: the repository applies
 * the effects in the event's own transaction, and only for an event it had not stored before.
 */
export function effectsOf(event: OutboxEvent): Effect[] {
  switch (event.type) {
    case 'device.health.changed':
      return [{ kind: 'device-health', device: event.payload }];
    case 'cash.credit':
      return [
        { kind: 'cash', transactionId: event.payload.transactionId, direction: 'credit', amountYen: event.payload.coinYen, reason: null },
      ];
    case 'cash.payout':
      return [
        {
          kind: 'cash',
          transactionId: event.payload.transactionId,
          direction: 'payout',
          amountYen: event.payload.amountYen,
          reason: event.payload.reason,
        },
      ];
    case 'command.result':
      return [
        {
          kind: 'command-result',
          commandId: event.payload.commandId,
          status: event.payload.status,
          detail: event.payload.detail ?? null,
        },
      ];
    case 'agent.started':
      return [{ kind: 'agent-version', agentVersion: event.payload.agentVersion }];
    case 'lottery.entry.provisional':
      return [{ kind: 'lottery-provisional', entry: event.payload }];
    case 'cash.voucher':
      // Stored once like every event; the cash reconciliation reads vouchers from the events table by seq.
      return [];
    case 'cash.collected':
      // Stored (once, like every event) as the record of the emptying; it closes the kiosk's collection
      // period (cash-reconciliation.service.ts settles it after the batch's commit).
      return [];
    case 'session.wiped':
      // Stored as the record that the kiosk wiped a session's personal data; nothing else to project.
      return [];
  }
}
