import { FailureSchema, PublicRoundListSchema, publicRoundsPath, type PublicRound, type PublicRoundList } from '@kiosk/protocols';
import type { Fetch } from './auth-client';

/**
 * The lottery's public record (`/api/public/lottery/...`, central-hub README "Public draw"), read with
 * no sign-in: the console's public page shows every round's commitment and, once its results are out,
 * the draw document to download and re-run.
 */

export class PublicLotteryError extends Error {
  override readonly name = 'PublicLotteryError';
}

export async function fetchPublicRounds(fetch: Fetch): Promise<PublicRoundList> {
  const response = await fetch(publicRoundsPath(), { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const failure = FailureSchema.safeParse(await response.json().catch(() => null));
    throw new PublicLotteryError(failure.success ? failure.data.error.message : `HTTP ${response.status}`);
  }
  return PublicRoundListSchema.parse(await response.json());
}

/** The file name a downloaded document is saved under: the round's id, so several stay apart. */
export const drawFileName = (round: Pick<PublicRound, 'roundId'>): string => `${round.roundId}.draw.json`;

/** The command the page shows, for the document as the page names it; `entry` is the translated placeholder. */
export const rerunCommand = (fileName: string, entry: string): string => `node verify-draw.mjs ${fileName} --entry <${entry}>`;
