import { createHash } from 'node:crypto';
import { DrawInputError, commitmentOf, drawSeedOf, entrantPseudonym, runDraw, type DrawEntry, type DrawInput, type DrawSlot } from './draw';

const SEED = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('hex');
const COMMITMENT = '630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd';

const slot = (unitId: string, date: string, start: string, end: string, capacity = 1): DrawSlot => ({
  slotId: `${unitId}@${date}T${start.replace(':', '')}`,
  unitId,
  date,
  start,
  end,
  capacity,
});
const c1at9 = slot('toyonaka-nobata-tennis-c1', '2027-01-09', '09:00', '11:00');
const c1at11 = slot('toyonaka-nobata-tennis-c1', '2027-01-09', '11:00', '13:00');
const c2at9 = slot('toyonaka-nobata-tennis-c2', '2027-01-09', '09:00', '11:00');
const c3 = slot('toyonaka-nobata-tennis-c3', '2027-01-10', '09:00', '11:00', 2);
const e = (ref: string, entrant: string, first: DrawSlot, second: DrawSlot | null = null): DrawEntry => ({
  ref,
  entrant: entrant.repeat(32),
  first: first.slotId,
  second: second?.slotId ?? null,
});

/** The case the independent implementation (test/lottery/reference/draw_v1.py) was run on. */
const golden: DrawInput = {
  roundId: 'toyonaka-tennis-2027-01',
  seed: SEED,
  commitment: COMMITMENT,
  maxWinsPerEntrant: 2,
  slots: [c1at9, c1at11, c2at9, c3],
  entries: [
    e('1000000001', 'a', c1at9, c2at9),
    e('1000000002', 'b', c1at9, c3),
    e('1000000003', 'c', c1at9),
    e('1000000004', 'a', c1at11),
    e('1000000005', 'd', c3),
    e('1000000006', 'e', c2at9, c1at11),
    e('1000000007', 'a', c3),
  ],
};
const header = [
  'kiosk-lottery-draw/v1',
  'round toyonaka-tennis-2027-01',
  `commitment ${COMMITMENT}`,
  `seed ${SEED}`,
  'entries 7',
];

describe('runDraw', () => {
  it('reproduces the independent implementation byte for byte', () => {
    const outcome = runDraw(golden);
    expect(outcome.text).toBe(
      [
        ...header,
        'slot toyonaka-nobata-tennis-c1@2027-01-09T0900 capacity 1 winners 1000000001 alternates 1000000003,1000000002',
        'slot toyonaka-nobata-tennis-c1@2027-01-09T1100 capacity 1 winners 1000000004 alternates -',
        'slot toyonaka-nobata-tennis-c2@2027-01-09T0900 capacity 1 winners 1000000006 alternates -',
        'slot toyonaka-nobata-tennis-c3@2027-01-10T0900 capacity 2 winners 1000000007,1000000005 alternates 1000000002',
        '',
      ].join('\n'),
    );
    expect(outcome.digest).toBe('ae7d3bc6c5bc911cd2cd3554973aa311b1c76fb6247d3377886a2d0e78e0ccf6');
  });

  it('keys a v2 draw by SHA-256(seed || witness): the witness decides, and the text names both', () => {
    const witness = '03 11 19 24 37 42';
    expect(drawSeedOf(SEED, witness)).toBe(createHash('sha256').update(Buffer.concat([Buffer.from(SEED, 'hex'), Buffer.from(witness)])).digest('hex'));
    const outcome = runDraw({ ...golden, witness });
    expect(outcome.text.split('\n').slice(0, 7)).toEqual([
      'kiosk-lottery-draw/v2',
      'round toyonaka-tennis-2027-01',
      `commitment ${COMMITMENT}`,
      `seed ${SEED}`,
      `witness ${Buffer.from(witness).toString('hex')}`,
      `draw-seed ${drawSeedOf(SEED, witness)}`,
      'entries 7',
    ]);
    // The same as a v1 draw keyed by the draw seed, body for body: only the seed of the streams changes.
    const keyed = drawSeedOf(SEED, witness);
    const asV1 = runDraw({ ...golden, seed: keyed, commitment: commitmentOf(keyed) });
    expect(outcome.text.split('\n').slice(7)).toEqual(asV1.text.split('\n').slice(5));
    // Over a few witnesses the contested slot goes to different people.
    const contested = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((w) => runDraw({ ...golden, witness: w }).slots[0]?.winners.join()));
    expect(contested.size).toBeGreaterThan(1);
  });

  it('applies the wins cap, counting back-to-back wins of one court once', () => {
    // With at most one win, entrant a keeps court 1 09:00–13:00 (one block) and loses court 3,
    // which goes to b's 2nd choice (b lost its 1st).
    const outcome = runDraw({ ...golden, maxWinsPerEntrant: 1 });
    expect(outcome.text.split('\n')[8]).toBe(
      'slot toyonaka-nobata-tennis-c3@2027-01-10T0900 capacity 2 winners 1000000005,1000000002 alternates 1000000007',
    );
    expect(outcome.digest).toBe('c0af053e47759311c856a0b9d8ca1de4c9050da0ffe3773b16ef53446f65b86b');
    expect(outcome.wins.get('1000000002')).toEqual({ result: 'won-second', slotId: c3.slotId });
    expect(outcome.wins.has('1000000007')).toBe(false);
  });

  it('is a function of the seed and the set of entries, not of their order', () => {
    const reversed = runDraw({ ...golden, entries: [...golden.entries].reverse(), slots: [...golden.slots].reverse() });
    expect(reversed.text).toBe(runDraw(golden).text);
  });

  it('draws a 2nd choice only when the 1st lost, and only for capacity left by 1st choices', () => {
    // Everyone's 1st choice is c2at9 except x, whose 1st choice wins c1at9 outright; x's 2nd choice
    // (c2at9) must never be drawn, and 2nd choices get c1at9 only if no 1st choice took it.
    for (let i = 0; i < 200; i++) {
      const seed = createHash('sha256').update(`second/${i}`).digest('hex');
      const outcome = runDraw({
        roundId: 'r-second',
        seed,
        commitment: commitmentOf(seed),
        maxWinsPerEntrant: null,
        slots: [c1at9, c2at9],
        entries: [e('1000000001', 'x', c1at9, c2at9), e('1000000002', 'y', c2at9, c1at9), e('1000000003', 'z', c2at9, c1at9)],
      });
      expect(outcome.wins.get('1000000001')).toEqual({ result: 'won-first', slotId: c1at9.slotId });
      expect([...outcome.wins.values()].filter((r) => r.result === 'won-second')).toEqual([]);
      const c2 = outcome.slots.find((s) => s.slotId === c2at9.slotId);
      expect([...(c2?.winners ?? []), ...(c2?.alternates ?? [])].sort()).toEqual(['1000000002', '1000000003']);
      expect(c2?.winners).toHaveLength(1);
      const c1 = outcome.slots.find((s) => s.slotId === c1at9.slotId);
      expect(c1).toEqual({ slotId: c1at9.slotId, capacity: 1, winners: ['1000000001'], alternates: [expect.any(String)] });
    }
  });

  it('gives the remaining capacity to 2nd choices, 1st-choice alternates ranked before them', () => {
    const outcome = runDraw({
      roundId: 'r',
      seed: SEED,
      commitment: COMMITMENT,
      maxWinsPerEntrant: null,
      slots: [c2at9, c3],
      entries: [e('1000000001', 'p', c2at9, c3), e('1000000002', 'q', c2at9, c3), e('1000000003', 'r', c3)],
    });
    const drawn = outcome.slots.find((s) => s.slotId === c3.slotId);
    // r's 1st choice is drawn first; the capacity left goes to whichever of p and q lost court 2.
    expect(drawn?.winners[0]).toBe('1000000003');
    expect(drawn?.winners).toHaveLength(2);
    expect(outcome.wins.get(drawn?.winners[1] ?? '')?.result).toBe('won-second');
    expect(outcome.wins.size).toBe(3);
  });

  it('refuses a seed that does not match the commitment, and malformed input', () => {
    const wrongSeed = createHash('sha256').update('another').digest('hex');
    expect(() => runDraw({ ...golden, seed: wrongSeed })).toThrow(expect.objectContaining({ reason: 'commitment-mismatch' }));
    expect(() => runDraw({ ...golden, seed: 'zz' })).toThrow(DrawInputError);
    expect(() => runDraw({ ...golden, entries: [...golden.entries, golden.entries[0] as DrawEntry] })).toThrow(
      expect.objectContaining({ reason: 'duplicate-ref' }),
    );
    expect(() => runDraw({ ...golden, slots: [c1at9] })).toThrow(expect.objectContaining({ reason: 'unknown-slot' }));
    expect(() => runDraw({ ...golden, entries: [e('1000000001', 'a', c1at9, c1at9)] })).toThrow(expect.objectContaining({ reason: 'same-choice' }));
  });

  it('makes per-round pseudonyms that do not link rounds', () => {
    expect(entrantPseudonym(SEED, '0190a0b0-0000-7000-8000-000000000001')).toBe('3b05fa9d01e9ae659b4183523cf45330');
    expect(entrantPseudonym(commitmentOf(SEED), '0190a0b0-0000-7000-8000-000000000001')).not.toBe('3b05fa9d01e9ae659b4183523cf45330');
  });
});

describe('fairness over 10,000 simulated draws (fixed seeds, so deterministic)', () => {
  const DRAWS = 10_000;
  // Entry numbers far apart, so a bias by entry number would show.
  const refs = ['1000000000', '1000000001', '4444444444', '8999999998', '8999999999'];
  // 4 degrees of freedom: chi-square above 18.47 has probability 0.001 under fairness.
  const CHI_SQUARE_LIMIT = 18.47;
  const chiSquare = (counts: number[]) => counts.reduce((sum, n) => sum + (n - DRAWS / counts.length) ** 2 / (DRAWS / counts.length), 0);

  function simulate(order: (i: number) => string[]): { byRef: number[]; byArrival: number[] } {
    const byRef = refs.map(() => 0);
    const byArrival = refs.map(() => 0);
    for (let i = 0; i < DRAWS; i++) {
      const seed = createHash('sha256').update(`fairness/${i}`).digest('hex');
      const arrival = order(i);
      const outcome = runDraw({
        roundId: 'fairness',
        seed,
        commitment: commitmentOf(seed),
        maxWinsPerEntrant: null,
        slots: [c1at9],
        entries: arrival.map((ref) => ({ ref, entrant: createHash('md5').update(ref).digest('hex'), first: c1at9.slotId, second: null })),
      });
      const winner = outcome.slots[0]?.winners[0] ?? '';
      byRef[refs.indexOf(winner)] = (byRef[refs.indexOf(winner)] ?? 0) + 1;
      byArrival[arrival.indexOf(winner)] = (byArrival[arrival.indexOf(winner)] ?? 0) + 1;
    }
    return { byRef, byArrival };
  }

  it('favours no entry number and no arrival position', () => {
    // Arrival order rotates from draw to draw, so "first to arrive" is a different entry each time.
    const { byRef, byArrival } = simulate((i) => refs.map((_, k) => refs[(k + i) % refs.length] as string));
    expect(byRef.reduce((a, b) => a + b, 0)).toBe(DRAWS);
    expect(chiSquare(byRef)).toBeLessThan(CHI_SQUARE_LIMIT);
    expect(chiSquare(byArrival)).toBeLessThan(CHI_SQUARE_LIMIT);
    for (const n of byRef) expect(Math.abs(n - DRAWS / refs.length)).toBeLessThan(150);
  });

  it('would catch a biased draw: the same statistic flags "first arrival wins 30% of the time"', () => {
    // A control for the test itself: a made-up distribution with a modest bias must fail the limit.
    expect(chiSquare([3000, 1750, 1750, 1750, 1750])).toBeGreaterThan(CHI_SQUARE_LIMIT);
  });
});
