import { z } from 'zod';
import {
  CoinYenSchema,
  CommandIdSchema,
  EventIdSchema,
  InstantSchema,
  KioskIdSchema,
  SeqSchema,
  YenSchema,
} from './common';
import { DeviceHealthSchema } from './devices';
import { HopperCountsSchema } from './hopper-count';
import { ProvisionalEntryPayloadSchema } from './lottery';

/**
 * The outbox envelope: everything a kiosk tells the hub that must arrive exactly once. The id is
 * globally unique (dedup key), `seq` is per kiosk and gap-free (ordering and loss detection), and the
 * payload's shape is fixed by `type`.
 */
const envelope = {
  id: EventIdSchema,
  kioskId: KioskIdSchema,
  seq: SeqSchema,
  occurredAt: InstantSchema,
};

/** A kiosk transaction (one person's session at one service) is identified by a UUIDv7. */
export const TransactionIdSchema = z.uuidv7();

export const EventPayloadSchemas = {
  'agent.started': z.strictObject({ agentVersion: z.string().min(1).max(64) }),
  'device.health.changed': DeviceHealthSchema,
  'command.result': z.strictObject({
    commandId: CommandIdSchema,
    status: z.enum(['succeeded', 'failed', 'expired']),
    detail: z.string().max(2000).optional(),
  }),
  'cash.credit': z.strictObject({ transactionId: TransactionIdSchema, coinYen: CoinYenSchema }),
  'cash.payout': z.strictObject({
    transactionId: TransactionIdSchema,
    amountYen: YenSchema,
    reason: z.enum(['change', 'refund']),
  }),
  /**
   * The hopper could not pay `amountYen` of a transaction's change or refund, and a printed voucher covers
   * it (redeemed at the municipal office, not at the kiosk). Committed by the cash desk with its ledger change.
   */
  'cash.voucher': z.strictObject({
    transactionId: TransactionIdSchema,
    amountYen: z.int().positive(),
    reason: z.enum(['change', 'refund']),
  }),
  /**
   * A person's session ended and the kiosk wiped what it held for them (resident data, the PDF, the card
   * certificate, the print job history). Ids and counts only: never what was wiped.
   */
  'session.wiped': z.strictObject({
    sessionId: z.uuidv7(),
    service: z.enum(['certificates', 'lottery']),
    /** `screen-lost`: the kiosk screen's socket dropped (page reloaded, browser crashed) while the session was on. */
    reason: z.enum(['done', 'cancelled', 'idle-timeout', 'replaced', 'agent-stopped', 'screen-lost']),
    printJobsPurged: z.int().nonnegative(),
  }),
  /**
   * A technician emptied the cash box (`cash.collected` command): what the kiosk had counted in it, what
   * the technician counted (if they said), and the count starts again from zero. `hoppers`: what the
   * technician counted in each hopper, as the command carried it.
   */
  'cash.collected': z.strictObject({
    commandId: CommandIdSchema,
    countedYen: YenSchema.optional(),
    hoppers: HopperCountsSchema.optional(),
    recordedCoins: z.int().nonnegative(),
    recordedYen: YenSchema,
  }),
  /** A lottery entry taken while the hub was unreachable, PIN sealed to the hub (lottery.ts). */
  'lottery.entry.provisional': ProvisionalEntryPayloadSchema,
} as const;

export type OutboxEventType = keyof typeof EventPayloadSchemas;
export type EventPayload<T extends OutboxEventType> = z.infer<(typeof EventPayloadSchemas)[T]>;

function eventSchema<T extends OutboxEventType>(type: T) {
  return z.strictObject({ ...envelope, type: z.literal(type), payload: EventPayloadSchemas[type] });
}

export const OutboxEventSchema = z.discriminatedUnion('type', [
  eventSchema('agent.started'),
  eventSchema('device.health.changed'),
  eventSchema('command.result'),
  eventSchema('cash.credit'),
  eventSchema('cash.payout'),
  eventSchema('cash.voucher'),
  eventSchema('cash.collected'),
  eventSchema('session.wiped'),
  eventSchema('lottery.entry.provisional'),
]);
export type OutboxEvent = z.infer<typeof OutboxEventSchema>;
export type OutboxEventOf<T extends OutboxEventType> = Extract<OutboxEvent, { type: T }>;

/** What the agent's code hands to `enqueue()`: the store adds id, kioskId, seq. */
export type NewOutboxEvent = {
  [T in OutboxEventType]: { type: T; payload: EventPayload<T>; occurredAt?: string };
}[OutboxEventType];
