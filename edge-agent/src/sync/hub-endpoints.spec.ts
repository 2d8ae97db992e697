import { nextHubIndex, type AttemptOutcome } from './hub-endpoints';

const failed: AttemptOutcome = { kind: 'failed' };
const dropped: AttemptOutcome = { kind: 'session_ended', closedByHub: false };
const sentAway: AttemptOutcome = { kind: 'session_ended', closedByHub: true };

describe('nextHubIndex (HUB_URL with several hubs, issue 14)', () => {
  it('with one hub, always that hub: the single-URL behaviour', () => {
    for (const outcome of [failed, dropped, sentAway]) expect(nextHubIndex(0, 1, outcome)).toBe(0);
  });

  it('moves to the next hub after each failed connect, wrapping around', () => {
    const visited = [0];
    for (let attempt = 0; attempt < 6; attempt++) visited.push(nextHubIndex(visited.at(-1) ?? 0, 3, failed));
    expect(visited).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('stays on the hub of an established session that dropped (a network blip does not move the kiosk)', () => {
    expect(nextHubIndex(1, 2, dropped)).toBe(1);
    expect(nextHubIndex(0, 3, dropped)).toBe(0);
  });

  it('moves on when the hub itself closed the session (a draining hub sends its kiosks elsewhere)', () => {
    expect(nextHubIndex(0, 2, sentAway)).toBe(1);
    expect(nextHubIndex(1, 2, sentAway)).toBe(0);
  });

  it('a kiosk whose first hub is gone reaches the second, and stays there while it is up', () => {
    // connect to A fails → B; B's session drops (not by B) → B again; B refuses → A.
    let hub = 0;
    hub = nextHubIndex(hub, 2, failed);
    expect(hub).toBe(1);
    hub = nextHubIndex(hub, 2, dropped);
    expect(hub).toBe(1);
    hub = nextHubIndex(hub, 2, failed);
    expect(hub).toBe(0);
  });

  it('treats an out-of-range position as the first hub', () => {
    expect(nextHubIndex(5, 2, dropped)).toBe(1);
    expect(nextHubIndex(-1, 2, failed)).toBe(1);
    expect(nextHubIndex(Number.NaN, 2, dropped)).toBe(0);
  });
});
