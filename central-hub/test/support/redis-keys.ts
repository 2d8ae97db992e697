/** What deleteKeysUnder uses of a node-redis client. */
interface KeyStore {
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
  del(keys: string[]): Promise<unknown>;
}

/** Deletes every key under `prefix` (what a test's hubs wrote in Redis: presence leases, the adapter's stream). */
export async function deleteKeysUnder(client: KeyStore, prefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
  if (keys.length > 0) await client.del(keys);
}
