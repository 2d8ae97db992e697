import { DrawWitnessResultSchema, FailureSchema, type DrawWitnessRequest, type DrawWitnessResult, type PublicRound, type PublicRoundList } from '@kiosk/protocols';
import type { Fetch } from './auth-client';

/**
 * The draw officer's witness (central-hub DRAW.md, "The witness"): at a round's draw time an
 * administrator of its municipality enters a public value fixed after the entries closed; the hub keeps
 * it once and draws with SHA-256(seed || witness). `POST /api/lottery/rounds/:roundId/witness`.
 */

export const drawWitnessPath = (roundId: string): string => `/api/lottery/rounds/${encodeURIComponent(roundId)}/witness`;

export class DrawWitnessError extends Error {
  override readonly name = 'DrawWitnessError';
}

export async function enterDrawWitness(fetch: Fetch, token: string, roundId: string, request: DrawWitnessRequest): Promise<DrawWitnessResult> {
  const response = await fetch(drawWitnessPath(roundId), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!response.ok) {
    const failure = FailureSchema.safeParse(await response.json().catch(() => null));
    throw new DrawWitnessError(failure.success ? failure.data.error.message : `HTTP ${response.status}`);
  }
  return DrawWitnessResultSchema.parse(await response.json());
}

/**
 * The rounds an officer of `municipality` (null: every one) may enter a witness for now: their draw time
 * has come and their results are not out yet. A round whose witness is already in is listed too (the
 * hub answers the same entry again as before, and refuses another value).
 */
export function roundsAwaitingWitness(list: PublicRoundList, municipality: string | null): PublicRound[] {
  const now = Date.parse(list.now);
  return list.rounds.filter(
    (round) => (municipality === null || round.municipality === municipality) && round.draw === null && Date.parse(round.drawAt) <= now,
  );
}
