import type { PublicRound, PublicRoundList } from '@kiosk/protocols';
import { DrawWitnessError, drawWitnessPath, enterDrawWitness, roundsAwaitingWitness } from './draw-witness';

const round = (roundId: string, municipality: PublicRound['municipality'], drawAt: string, drawn = false): PublicRound => ({
  roundId,
  municipality,
  facilityType: 'tennis',
  useMonth: '2027-01',
  commitment: 'a'.repeat(64),
  committedAt: '2026-10-01T00:00:00.000Z',
  entryOpensAt: '2026-11-01T00:00:00.000Z',
  entryClosesAt: '2026-11-10T15:00:00.000Z',
  drawAt,
  resultsAt: '2026-11-13T00:00:00.000Z',
  phase: 'awaiting-draw',
  draw: drawn
    ? { drawnAt: drawAt, seed: 'b'.repeat(64), witness: null, resultDigest: 'c'.repeat(64), documentPath: `/api/public/lottery/rounds/${roundId}/draw` }
    : null,
});

describe('the draw officer\'s witness', () => {
  const list: PublicRoundList = {
    now: '2026-11-12T00:00:00.000Z',
    rounds: [
      round('toyonaka-tennis-2027-01', '豊中市', '2026-11-12T00:00:00.000Z'),
      round('toyonaka-gym-2027-01', '豊中市', '2026-11-12T00:00:01.000Z'),
      round('suita-tennis-2027-01', '吹田市', '2026-11-11T00:00:00.000Z'),
      round('toyonaka-pool-2026-12', '豊中市', '2026-10-12T00:00:00.000Z', true),
    ],
  };

  it('offers the rounds whose draw time has come and whose results are not out, in the officer\'s municipality', () => {
    expect(roundsAwaitingWitness(list, '豊中市').map((r) => r.roundId)).toEqual(['toyonaka-tennis-2027-01']);
    expect(roundsAwaitingWitness(list, null).map((r) => r.roundId)).toEqual(['toyonaka-tennis-2027-01', 'suita-tennis-2027-01']);
  });

  it('posts the witness with the session token, and tells the hub\'s refusal', async () => {
    const calls: { input: string; init: RequestInit | undefined }[] = [];
    const answer = { roundId: 'toyonaka-tennis-2027-01', drawn: true, witness: { value: '03 11', source: 'ロト6', enteredAt: '2026-11-12T00:00:00.000Z' } };
    const ok = (input: string, init?: RequestInit) => {
      calls.push({ input, init });
      return Promise.resolve(new Response(JSON.stringify(answer), { status: 200 }));
    };
    expect(await enterDrawWitness(ok, 'tok', 'toyonaka-tennis-2027-01', { value: '03 11', source: 'ロト6' })).toEqual(answer);
    expect(calls[0]?.input).toBe(drawWitnessPath('toyonaka-tennis-2027-01'));
    expect(calls[0]?.init?.headers).toMatchObject({ authorization: 'Bearer tok' });
    const refused = () => Promise.resolve(new Response(JSON.stringify({ ok: false, error: { code: 'conflict', message: 'already has its witness' } }), { status: 409 }));
    await expect(enterDrawWitness(refused, 'tok', 'toyonaka-tennis-2027-01', { value: '9', source: 'x' })).rejects.toEqual(new DrawWitnessError('already has its witness'));
  });
});
