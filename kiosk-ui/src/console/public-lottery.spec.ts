import { FacilityTypeSchema, PUBLIC_COMMITMENT_FORMAT, RoundPhaseSchema, type PublicRoundList } from '@kiosk/protocols';
import { CONSOLE_LANGUAGES, consoleTranslate, isConsoleKey } from './i18n/index';
import { PublicLotteryError, drawFileName, fetchPublicRounds, rerunCommand } from './public-lottery';

const list: PublicRoundList = {
  now: '2026-11-05T03:00:00.000Z',
  rounds: [
    {
      roundId: 'toyonaka-tennis-2027-01',
      municipality: '豊中市',
      facilityType: 'tennis',
      useMonth: '2027-01',
      commitment: 'a'.repeat(64),
      committedAt: '2026-10-01T00:00:00.000Z',
      entryOpensAt: '2026-10-31T15:00:00.000Z',
      entryClosesAt: '2026-11-09T15:00:00.000Z',
      drawAt: '2026-11-11T15:00:00.000Z',
      resultsAt: '2026-11-13T00:00:00.000Z',
      phase: 'entry',
      draw: null,
    },
  ],
};

describe('the public lottery page', () => {
  it('reads the rounds without a token and parses them', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const rounds = await fetchPublicRounds((input, init) => {
      calls.push([input, init]);
      return Promise.resolve(new Response(JSON.stringify(list), { status: 200 }));
    });
    expect(rounds).toEqual(list);
    expect(calls[0]?.[0]).toBe('/api/public/lottery/rounds');
    expect(JSON.stringify(calls[0]?.[1]?.headers)).not.toMatch(/authorization/i);
  });

  it('says why it could not load (429 past the limit)', async () => {
    const body = JSON.stringify({ ok: false, error: { code: 'rate_limited', message: 'too many lookups; try again later' } });
    await expect(fetchPublicRounds(() => Promise.resolve(new Response(body, { status: 429 })))).rejects.toEqual(new PublicLotteryError('too many lookups; try again later'));
  });

  it('names the downloaded file by round and shows the command for it', () => {
    expect(drawFileName({ roundId: 'toyonaka-tennis-2027-01' })).toBe('toyonaka-tennis-2027-01.draw.json');
    expect(rerunCommand('x.draw.json', consoleTranslate('ja', 'console.publicLottery.how.entryPlaceholder'))).toBe('node verify-draw.mjs x.draw.json --entry <受付番号>');
    expect(PUBLIC_COMMITMENT_FORMAT).toBe('kiosk-lottery-commitment/v1');
  });

  it('names every round phase and facility type in both languages', () => {
    const keys = [
      ...RoundPhaseSchema.options.map((phase) => `console.publicLottery.phase.${phase}` as const),
      ...FacilityTypeSchema.options.map((type) => `console.publicLottery.type.${type}` as const),
    ];
    expect(keys.filter((key) => !isConsoleKey(key))).toEqual([]);
    for (const language of CONSOLE_LANGUAGES) expect(keys.filter((key) => consoleTranslate(language, key).trim() === '')).toEqual([]);
  });
});
