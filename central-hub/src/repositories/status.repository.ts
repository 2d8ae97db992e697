import { Inject, Injectable } from '@nestjs/common';
import type { KioskStatus, StatusChange } from '@kiosk/protocols';
import type { HubStore, Tx } from '../storage/hub-store';
import { DATABASE } from './database.repository';

export interface StatusTransition {
  kioskId: string;
  /** The status and its start as the evaluation read them: the write happens only if they still stand. */
  from: { status: KioskStatus | null; since: string | null };
  status: KioskStatus;
  at: string;
}

/** Kiosks' derived status: the current one on the kiosk row, every interval in the history. */
export interface StatusRepository {
  /**
   * Closes each kiosk's current interval and opens the new one, all in one transaction, for each kiosk
   * whose status is still the one its transition starts `from`; resolves with the kiosks whose status had
   * changed meanwhile (another hub process evaluated them: issue 14), for which nothing was written.
   */
  transition(transitions: readonly StatusTransition[]): Promise<string[]>;
  /** Newest first. */
  history(kioskId: string, limit: number): Promise<StatusChange[]>;
}
export const STATUS_REPOSITORY = 'StatusRepository';

@Injectable()
export class KyselyStatusRepository implements StatusRepository {
  constructor(@Inject(DATABASE) private readonly store: HubStore) {}

  /**
   * Grouped with the other writes of this turn (a reconnect storm's thousands of connects share commits:
   * issue 12); one kiosk's transition takes that kiosk's commit lane, a sweep's many the first lane.
   */
  transition(transitions: readonly StatusTransition[]): Promise<string[]> {
    const kiosks = new Set(transitions.map((transition) => transition.kioskId));
    return this.store.grouped((tx) => this.applyTransitions(tx, transitions), 'full', kiosks.size === 1 ? [...kiosks][0] : undefined);
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

  /**
   * In order: a kiosk named twice closes the interval its first transition opened. The kiosk row is
   * written first, compare-and-set in one statement on the status and its start the evaluation read (on
   * PostgreSQL a concurrent writer's committed row is what the condition is checked against), so of two
   * processes evaluating one kiosk from the same status only the first writes; the stale one changes
   * nothing and is reported back.
   */
  private async applyTransitions(tx: Tx, transitions: readonly StatusTransition[]): Promise<string[]> {
    const stale: string[] = [];
    for (const { kioskId, from, status, at } of transitions) {
      const { numUpdatedRows } = await tx
        .updateTable('kiosks')
        .set({ status, status_since: at })
        .where('kiosk_id', '=', kioskId)
        .where((eb) => (from.status === null ? eb('status', 'is', null) : eb('status', '=', from.status)))
        .where((eb) => (from.since === null ? eb('status_since', 'is', null) : eb('status_since', '=', from.since)))
        .executeTakeFirst();
      if (Number(numUpdatedRows) !== 1) {
        stale.push(kioskId);
        continue;
      }
      await tx.updateTable('kiosk_status_history').set({ ended_at: at }).where('kiosk_id', '=', kioskId).where('ended_at', 'is', null).execute();
      await tx.insertInto('kiosk_status_history').values({ kiosk_id: kioskId, status, started_at: at }).execute();
    }
    return stale;
  }
}
