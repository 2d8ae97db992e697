import { Inject, Injectable } from '@nestjs/common';
import type { KioskStatus, StatusChange } from '@kiosk/protocols';
import type { HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';

export interface StatusTransition {
  kioskId: string;
  status: KioskStatus;
  at: string;
}

/** Kiosks' derived status: the current one on the kiosk row, every interval in the history. */
export interface StatusRepository {
  /** Closes each kiosk's current interval and opens the new one, all in one transaction. */
  transition(transitions: readonly StatusTransition[]): Promise<void>;
  /** Newest first. */
  history(kioskId: string, limit: number): Promise<StatusChange[]>;
}
export const STATUS_REPOSITORY = 'StatusRepository';

@Injectable()
export class KyselyStatusRepository implements StatusRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  /** Grouped with the other writes of this turn (a reconnect storm's thousands of connects share commits: issue 12). */
  transition(transitions: readonly StatusTransition[]): Promise<void> {
    return this.store.grouped((tx) => this.applyTransitions(tx, transitions));
  }

  async history(kioskId: string, limit: number): Promise<StatusChange[]> {
    const rows = await this.store.db
      .selectFrom('kiosk_status_history')
      .select(['status', 'started_at', 'ended_at'])
      .where('kiosk_id', '=', kioskId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ status: row.status as KioskStatus, since: row.started_at, until: row.ended_at }));
  }

  /** In order: a kiosk named twice closes the interval its first transition opened. */
  private async applyTransitions(tx: Tx, transitions: readonly StatusTransition[]): Promise<void> {
    for (const { kioskId, status, at } of transitions) {
      await tx.updateTable('kiosk_status_history').set({ ended_at: at }).where('kiosk_id', '=', kioskId).where('ended_at', 'is', null).execute();
      await tx.insertInto('kiosk_status_history').values({ kiosk_id: kioskId, status, started_at: at }).execute();
      await tx.updateTable('kiosks').set({ status, status_since: at }).where('kiosk_id', '=', kioskId).execute();
    }
  }
}
