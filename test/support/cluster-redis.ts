import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';

/**
 * The Redis that joins hub processes (HUB_REDIS_URL, issue 14) in the tests and benches that start
 * several real hub processes. A hub process always uses the prefix `kiosk-hub:` (its key prefix is not
 * an environment setting), so each run gets a Redis database number of its own (1–15; 0 is the demo's):
 * the adapter's stream and the kiosks' leases are per database. HUB_TEST_REDIS_URL overrides the server.
 */
const HUB_KEY_PREFIX = 'kiosk-hub:';

export const clusterRedisUrl = ((): string => {
  const url = new URL(process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  url.pathname = `/${1 + (process.pid % 15)}`;
  return url.toString();
})();

/** Removes the hubs' keys from this run's database (leases expire by themselves; the adapter's stream does not). */
export function removeHubKeysFromRedis(): void {
  try {
    const scan = execFileSync('redis-cli', ['-u', clusterRedisUrl, '--scan', '--pattern', `${HUB_KEY_PREFIX}*`], { encoding: 'utf8' });
    const keys = scan.split('\n').filter(Boolean);
    if (keys.length > 0) execFileSync('redis-cli', ['-u', clusterRedisUrl, 'DEL', ...keys], { stdio: 'ignore' });
  } catch {
    // No redis-cli on this machine: the keys stay in the run's own database number.
  }
}

/** Why Redis cannot be used (null when it answers PING within 3 s), for a bench's skip line. */
export function redisUnreachable(): Promise<string | null> {
  const { hostname, port } = new URL(clusterRedisUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (why: string | null): void => {
      socket.destroy();
      resolve(why === null ? null : `Redis at ${hostname}:${port || 6379} is unreachable (${why}); start it (scripts/ensure-redis.sh) or set HUB_TEST_REDIS_URL`);
    };
    socket.setTimeout(3000, () => done('no answer within 3 s'));
    socket.once('error', (error) => done(error.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (reply) => done(reply.toString('utf8').startsWith('+PONG') ? null : `replied ${reply.toString('utf8').trim()}`));
  });
}
