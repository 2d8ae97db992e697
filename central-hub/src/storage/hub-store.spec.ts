import { sql } from 'kysely';
import { TEST_ENGINE, openTestStore } from '../../test/support/test-store';
import { GroupCommit, laneOf, type HubDb, type HubStore, type Tx } from './hub-store';

/** Tables of this spec only, beside the hub's schema (a type alias: `withTables` wants an index signature). */
type ScratchTables = {
  scratch: { id: number };
  counter: { id: number; n: number };
};

/**
 * The unit of work and group commit on the run's engine (issue 13): the same spec runs on SQLite and,
 * through jest.postgres.config.cjs, on PostgreSQL.
 */
describe(`HubStore on ${TEST_ENGINE}`, () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let store: HubStore;

  const scratch = (db: HubDb | Tx) => db.withTables<ScratchTables>();
  const insert = (tx: Tx, id: number) => scratch(tx).insertInto('scratch').values({ id }).execute();
  const committed = async () => (await scratch(store.db).selectFrom('scratch').select('id').orderBy('id').execute()).map(({ id }) => id);

  beforeEach(async () => {
    opened = await openTestStore();
    store = opened.store;
    await sql`CREATE TABLE scratch (id INTEGER PRIMARY KEY)`.execute(store.db);
    await sql`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`.execute(store.db);
  });

  afterEach(() => opened.close());

  describe('grouped', () => {
    it('rolls a piece that throws back alone; the other pieces of its group commit', async () => {
      // Submitted in one turn of the event loop: one group, one savepoint per piece.
      const first = store.grouped((tx) => insert(tx, 1));
      const clashing = store.grouped(async (tx) => {
        await insert(tx, 2);
        await insert(tx, 1); // primary-key clash after a write of its own
      });
      const refused = store.grouped(async (tx) => {
        await insert(tx, 4);
        throw new Error('refused');
      });
      const last = store.grouped(async (tx) => {
        await insert(tx, 3);
        return 'stored';
      });
      const [firstOutcome, clash, refusal, lastOutcome] = await Promise.allSettled([first, clashing, refused, last]);
      expect(firstOutcome.status).toBe('fulfilled');
      // Only that the clash failed its piece: GroupCommit's asError wraps an error of another realm
      // (better-sqlite3's SqliteError when jest runs a second file in the worker), losing its code.
      expect(clash.status).toBe('rejected');
      expect(refusal).toMatchObject({ status: 'rejected', reason: new Error('refused') });
      expect(lastOutcome).toEqual({ status: 'fulfilled', value: 'stored' });
      expect(await committed()).toEqual([1, 3]);
    });

    it('runs a group with a failing piece again, each piece in a savepoint, so the others commit once', async () => {
      await sql`INSERT INTO counter (id, n) VALUES (1, 0)`.execute(store.db);
      const bump = (tx: Tx) => sql`UPDATE counter SET n = n + 1 WHERE id = 1`.execute(tx);
      const pieces = [
        store.grouped(async (tx) => bump(tx)),
        store.grouped(async (tx) => {
          await bump(tx);
          throw new Error('refused');
        }),
        store.grouped(async (tx) => bump(tx)),
      ];
      const outcomes = await Promise.allSettled(pieces);
      expect(outcomes.map(({ status }) => status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await scratch(store.db).selectFrom('counter').select('n').executeTakeFirstOrThrow()).n).toBe(2);
      // A group of one failing piece: rolled back whole, nothing else to keep.
      await expect(store.grouped(async (tx) => bump(tx).then(() => Promise.reject(new Error('alone'))))).rejects.toThrow('alone');
      expect((await scratch(store.db).selectFrom('counter').select('n').executeTakeFirstOrThrow()).n).toBe(2);
    });

    it('settles every piece only after its group committed', async () => {
      const settled: string[] = [];
      const turns: Array<() => void> = [];
      const groups = new GroupCommit(
        {
          run: async (_full, body) => {
            await store.transaction(body);
            settled.push('committed');
          },
        },
        (flush) => turns.push(flush),
      );
      const stored = groups.run((tx) => insert(tx, 1), 'full').then(() => settled.push('stored'));
      const refused = groups
        .run(async () => {
          throw new Error('refused');
        }, 'full')
        .catch(() => settled.push('refused'));
      expect(turns).toHaveLength(1);
      turns[0]?.();
      await Promise.all([stored, refused]);
      expect(settled).toEqual(['committed', 'stored', 'refused']);
      expect(await committed()).toEqual([1]);
    });

    it('rejects every piece of a group whose transaction fails, and keeps none of it', async () => {
      const turns: Array<() => void> = [];
      const groups = new GroupCommit(
        {
          run: (_full, body) =>
            store.transaction(async (tx) => {
              await body(tx);
              throw new Error('commit failed');
            }),
        },
        (flush) => turns.push(flush),
      );
      const pieces = [groups.run((tx) => insert(tx, 1), 'full'), groups.run((tx) => insert(tx, 2), 'relaxed')];
      turns[0]?.();
      for (const piece of pieces) await expect(piece).rejects.toThrow('commit failed');
      expect(await committed()).toEqual([]);
    });

    it('runs work submitted while a group commits in the next group', async () => {
      const turns: Array<() => void> = [];
      const groups = new GroupCommit({ run: (_full, body) => store.transaction(body) }, (flush) => turns.push(flush));
      const first = groups.run((tx) => insert(tx, 1), 'full');
      turns[0]?.();
      const second = groups.run((tx) => insert(tx, 2), 'full');
      expect(turns).toHaveLength(2);
      await first;
      turns[1]?.();
      await second;
      expect(await committed()).toEqual([1, 2]);
    });

    it('gathers the work of several turns that arrives while a group commits into one next group', async () => {
      const turns: Array<() => void> = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let groupsRun = 0;
      const groups = new GroupCommit(
        {
          run: async (_full, body) => {
            groupsRun++;
            if (groupsRun === 1) await held;
            await store.transaction(body);
          },
        },
        (flush) => turns.push(flush),
      );
      const first = groups.run((tx) => insert(tx, 1), 'full');
      turns[0]?.();
      await new Promise((resolve) => setImmediate(resolve));
      const second = groups.run((tx) => insert(tx, 2), 'full');
      turns[1]?.();
      const third = groups.run((tx) => insert(tx, 3), 'full');
      turns[2]?.();
      release();
      await first;
      turns.at(-1)?.(); // the turn the first group's end asked for, now that its slot is free
      await Promise.all([second, third]);
      expect(groupsRun).toBe(2);
      expect(await committed()).toEqual([1, 2, 3]);
    });

    it('runs a group again whole when it raced another transaction, so each piece takes effect once', async () => {
      const bump = (tx: Tx) => scratch(tx).updateTable('counter').set((eb) => ({ n: eb('n', '+', 1) })).execute();
      await scratch(store.db).insertInto('counter').values({ id: 1, n: 0 }).execute();
      let tries = 0;
      const bumped = store.grouped(bump);
      const racing = store.grouped(async (tx) => {
        await insert(tx, 1);
        // What either engine reports for a lost race (SQLite's busy writer, PostgreSQL's deadlock victim).
        if (++tries === 1) throw Object.assign(new Error('raced'), { code: store.engine === 'sqlite' ? 'SQLITE_BUSY' : '40P01' });
        return 'stored';
      });
      await expect(Promise.all([bumped, racing])).resolves.toEqual([expect.anything(), 'stored']);
      expect(tries).toBe(2);
      expect((await scratch(store.db).selectFrom('counter').select('n').executeTakeFirstOrThrow()).n).toBe(1);
      expect(await committed()).toEqual([1]);
    });

    it('commits one key’s pieces in order in one lane; on PostgreSQL another key’s lane commits meanwhile', async () => {
      // Keys on different lanes of the test store's three (PostgreSQL); SQLite has one lane.
      const held = 'kiosk-held';
      const other = ['kiosk-a', 'kiosk-b', 'kiosk-c', 'kiosk-d'].find((key) => laneOf(key, 3) !== laneOf(held, 3)) as string;
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      const settled: string[] = [];
      const first = store.grouped(async (tx) => {
        await insert(tx, 1);
        await holding;
      }, 'full', held).then(() => settled.push('held'));
      await new Promise((resolve) => setTimeout(resolve, 20)); // the held group is committing
      const sameKey = store.grouped((tx) => insert(tx, 2), 'full', held).then(() => settled.push('same key'));
      const otherKey = store.grouped((tx) => insert(tx, 3), 'full', other).then(() => settled.push('other key'));
      if (store.engine === 'postgres') await otherKey;
      else await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toEqual(store.engine === 'postgres' ? ['other key'] : []);
      release();
      await Promise.all([first, sameKey, otherKey]);
      expect(settled.indexOf('held')).toBeLessThan(settled.indexOf('same key'));
      expect(await committed()).toEqual([1, 2, 3]);
    });

    it('spreads keys over the lanes, the same key always on the same lane, no key on the first', () => {
      const keys = Array.from({ length: 400 }, (_, i) => `kiosk-${i.toString(16).padStart(8, '0')}`);
      const perLane = [0, 0, 0, 0];
      for (const key of keys) perLane[laneOf(key, 4)]! += 1;
      for (const count of perLane) expect(count).toBeGreaterThan(60);
      expect(keys.map((key) => laneOf(key, 4))).toEqual(keys.map((key) => laneOf(key, 4)));
      expect(laneOf(undefined, 4)).toBe(0);
      expect(laneOf('kiosk-1', 1)).toBe(0);
    });

    it('commits a group of relaxed pieces only without waiting for the disk, and any other group durably', async () => {
      const durability = async (tx: Tx): Promise<string> => {
        if (store.engine === 'sqlite') {
          const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(tx);
          return rows[0]?.synchronous === 2 ? 'durable' : 'relaxed';
        }
        const { rows } = await sql<{ synchronous_commit: string }>`SHOW synchronous_commit`.execute(tx);
        return rows[0]?.synchronous_commit === 'off' ? 'relaxed' : 'durable';
      };
      const mixed = [store.grouped(durability, 'relaxed'), store.grouped(durability, 'full')];
      expect(await Promise.all(mixed)).toEqual(['durable', 'durable']);
      expect(await store.grouped(durability, 'relaxed')).toBe('relaxed');
      expect(await store.grouped(durability)).toBe('durable');
    });
  });

  describe('transaction', () => {
    it('commits when the work resolves and rolls everything back when it throws', async () => {
      await store.transaction((tx) => insert(tx, 1));
      await expect(
        store.transaction(async (tx) => {
          await insert(tx, 2);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await committed()).toEqual([1]);
    });

    it('within(tx) joins the caller’s transaction; within(undefined) is a transaction of its own', async () => {
      await expect(
        store.transaction(async (tx) => {
          const joined = await store.within(tx, async (inner) => {
            await insert(inner, 1);
            return inner === tx;
          });
          expect(joined).toBe(true);
          throw new Error('caller rolls back');
        }),
      ).rejects.toThrow('caller rolls back');
      expect(await committed()).toEqual([]);
      await store.within(undefined, (tx) => insert(tx, 2));
      expect(await committed()).toEqual([2]);
    });
  });

  (TEST_ENGINE === 'postgres' ? it : it.skip)('re-runs a serializable transaction that raced another (PostgreSQL)', async () => {
    await scratch(store.db).insertInto('counter').values({ id: 1, n: 0 }).execute();
    let runs = 0;
    let arrived = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    // Read-then-write: both read 0 before either writes, so one of them must be refused and re-run.
    const increment = () =>
      store.transaction(async (tx) => {
        runs++;
        const { n } = await scratch(tx).selectFrom('counter').select('n').where('id', '=', 1).executeTakeFirstOrThrow();
        if (++arrived === 2) bothRead();
        await barrier;
        await scratch(tx)
          .updateTable('counter')
          .set({ n: n + 1 })
          .where('id', '=', 1)
          .execute();
      });
    await Promise.all([increment(), increment()]);
    expect((await scratch(store.db).selectFrom('counter').select('n').executeTakeFirstOrThrow()).n).toBe(2);
    expect(runs).toBe(3);
  });
});
