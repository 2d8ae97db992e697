/**
 * Which hub the next connect attempt goes to, when `HUB_URL` lists several (issue 14: hub processes of
 * one site without a load balancer). Pure; the hub link (hub-link.ts) calls it after every attempt.
 *
 * - A failed connect (refused, unreachable, no hello ack within the deadline) moves to the next hub in
 *   the list, wrapping around; the reconnect loop's jittered backoff still runs between attempts, so a
 *   fleet whose hub died spreads over time as it does with one hub.
 * - A session that was established stays where it is: after it ends, the same hub is tried first (a
 *   network blip must not move a kiosk), unless the hub itself closed the session (`io server
 *   disconnect`: a draining hub telling its kiosks to go elsewhere, or a hub that turned the session
 *   away), then the next one.
 * - With one hub every attempt goes to it: exactly the single-URL behaviour.
 */
export type AttemptOutcome =
  /** The connect attempt failed before the session was established. */
  | { kind: 'failed' }
  /** An established session ended; `closedByHub` when the hub hung up on it. */
  | { kind: 'session_ended'; closedByHub: boolean };

/** socket.io-client's disconnect reason when the server closed the socket (`socket.disconnect(true)` on the hub). */
export const HUB_CLOSED_REASON = 'io server disconnect';

export function nextHubIndex(current: number, hubCount: number, outcome: AttemptOutcome): number {
  if (hubCount <= 1) return 0;
  const here = Number.isInteger(current) && current >= 0 ? current % hubCount : 0;
  const move = outcome.kind === 'failed' || outcome.closedByHub;
  return move ? (here + 1) % hubCount : here;
}
