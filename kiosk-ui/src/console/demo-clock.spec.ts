import { advanceDemoClock, DemoClockError, DEMO_CLOCK_PATH, fetchDemoClock } from './demo-clock';

const view = {
  now: '2026-12-05T18:00:00.000Z',
  offsetMs: 0,
  next: { 'entry-opens': null, results: { at: '2026-12-13T00:00:00.000Z', roundIds: ['toyonaka-tennis-2027-02'] }, 'confirmation-closed': null, 'first-come': null },
};

function fakeFetch(status: number, body: unknown) {
  const calls: { input: string; init?: RequestInit }[] = [];
  const fetch = (input: string, init?: RequestInit) => {
    calls.push({ input, init });
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  };
  return { fetch, calls };
}

describe('demo lottery clock client', () => {
  it('reads the clock with the session token', async () => {
    const { fetch, calls } = fakeFetch(200, view);
    expect(await fetchDemoClock(fetch, 'tok')).toEqual(view);
    expect(calls[0]).toMatchObject({ input: DEMO_CLOCK_PATH, init: { headers: { authorization: 'Bearer tok' } } });
  });

  it('is absent (null) on a hub that is not a demo, or for someone who may not move it', async () => {
    expect(await fetchDemoClock(fakeFetch(404, { ok: false, error: { code: 'not_found', message: 'x' } }).fetch, 'tok')).toBeNull();
    expect(await fetchDemoClock(fakeFetch(403, { ok: false, error: { code: 'forbidden', message: 'x' } }).fetch, 'tok')).toBeNull();
  });

  it('moves it to the next results and returns what was drawn; a refusal carries the hub message', async () => {
    const result = { from: view.now, to: '2026-12-13T00:00:00.000Z', drawn: ['toyonaka-tennis-2027-02'], clock: view };
    const { fetch, calls } = fakeFetch(200, result);
    expect(await advanceDemoClock(fetch, 'tok', 'results')).toEqual(result);
    expect(calls[0]?.init).toMatchObject({ method: 'POST', body: JSON.stringify({ to: 'results' }) });
    const refused = fakeFetch(404, { ok: false, error: { code: 'not_found', message: 'no round has a "results" milestone ahead' } });
    await expect(advanceDemoClock(refused.fetch, 'tok', 'results')).rejects.toEqual(new DemoClockError('no round has a "results" milestone ahead'));
  });

  it('refuses an answer that is not a clock', async () => {
    await expect(fetchDemoClock(fakeFetch(200, { now: 'yesterday' }).fetch, 'tok')).rejects.toThrow();
  });
});
