import { waitUntil } from './processes';
import type { TestSystem } from './system';

/** The hub holds seqs 1..lastSeq, each once, and the agent holds nothing unacked. */
export async function expectExactlyOnce(system: TestSystem): Promise<void> {
  const { kioskId } = system.identity();
  const { lastSeq, backlog } = system.outboxStats();
  const stored = await system.storedEvents(kioskId);
  expect(backlog).toBe(0);
  expect(stored).toEqual({ rows: lastSeq, distinctIds: lastSeq, minSeq: 1, maxSeq: lastSeq, ackedThroughSeq: lastSeq });
}

/** Waits until the agent's outbox is empty and the hub has acked through its last seq. */
export async function drained(system: TestSystem): Promise<void> {
  const { kioskId } = system.identity();
  await waitUntil('the agent has drained its outbox to the hub', async () => {
    const { lastSeq, backlog } = system.outboxStats();
    return backlog === 0 && (await system.storedEvents(kioskId)).ackedThroughSeq === lastSeq;
  }, 60_000, 250);
}
