import type { Clock } from '../clock';
import { AgentSettings } from './agent-settings';
import { openDatabase, type SqliteDatabase } from './database';
import { Inbox } from './inbox';
import { Outbox } from './outbox';

/** The agent's one SQLite file and the repositories over it, with one way to make several writes atomic. */
export class AgentStore {
  readonly outbox: Outbox;
  readonly inbox: Inbox;
  readonly settings: AgentSettings;

  private constructor(
    private readonly db: SqliteDatabase,
    kioskId: string,
    clock: Clock,
  ) {
    this.outbox = new Outbox(db, kioskId, clock);
    this.inbox = new Inbox(db);
    this.settings = new AgentSettings(db);
  }

  static open(file: string, kioskId: string, clock: Clock, options: { mustExist?: boolean } = {}): AgentStore {
    return new AgentStore(openDatabase(file, options), kioskId, clock);
  }

  /** A feature's repository over this same file (so its writes can share `atomically` with the outbox). */
  repository<T>(make: (db: SqliteDatabase) => T): T {
    return make(this.db);
  }

  /** Runs `work` in one IMMEDIATE transaction: every write in it commits together, or none does. */
  atomically<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
