import type { ProvisionalEntryPayload } from '@kiosk/protocols';
import type { Tx } from '../storage/hub-store';

/**
 * The intake of a `lottery.entry.provisional` outbox event, run by the event repository inside the
 * transaction that stores the event (and only when the event is new): the entry is recorded as
 * pending with its sealed PIN, and the event log's copy of the payload keeps only the key id of the
 * sealed PIN, so the sealed PIN lives in one place that is erased once the entry is judged.
 */
export async function takeInProvisionalEntry(tx: Tx, kioskId: string, eventId: string, occurredAt: string, payload: ProvisionalEntryPayload, receivedAt: string): Promise<void> {
  await tx
    .insertInto('lottery_provisional_entries')
    .values({
      kiosk_id: kioskId,
      event_id: eventId,
      client_entry_id: payload.clientEntryId,
      user_number: payload.userNumber,
      round_id: payload.roundId,
      first_slot_id: payload.firstSlotId,
      second_slot_id: payload.secondSlotId,
      occurred_at: new Date(occurredAt).toISOString(),
      received_at: receivedAt,
      key_id: payload.sealedPin.keyId,
      sealed_pin: payload.sealedPin.ciphertext,
      offline_session_id: payload.offlineSessionId ?? null,
      status: 'pending',
    })
    .execute();
  const { sealedPin, ...kept } = payload;
  await tx
    .updateTable('events')
    .set({ payload_json: JSON.stringify({ ...kept, sealedPinKeyId: sealedPin.keyId }) })
    .where('kiosk_id', '=', kioskId)
    .where('event_id', '=', eventId)
    .execute();
}
