import { lineGeometry, niceCeiling, scale, segmentRects, seriesStats, stateSegments } from './charts';

describe('niceCeiling', () => {
  it.each([
    [0, 1],
    [-3, 1],
    [Number.NaN, 1],
    [0.3, 0.5],
    [1, 1],
    [1.2, 2],
    [3, 5],
    [7, 10],
    [10, 10],
    [11, 20],
    [86, 100],
    [120, 200],
    [4500, 5000],
  ])('%d → %d', (max, nice) => {
    expect(niceCeiling(max)).toBe(nice);
  });
});

describe('scale', () => {
  it('maps a domain onto a length, and a zero-width domain to the middle', () => {
    expect(scale(5, 0, 10, 200)).toBe(100);
    expect(scale(0, 0, 10, 200)).toBe(0);
    expect(scale(7, 7, 7, 200)).toBe(100);
  });
});

describe('lineGeometry', () => {
  const box = { width: 100, height: 50 };

  it('draws values from the bottom (0) to the top (the rounded maximum), time left to right', () => {
    const geometry = lineGeometry(
      [
        { t: 0, v: 0 },
        { t: 50, v: 4 },
        { t: 100, v: 2 },
      ],
      box,
      [0, 100],
    );
    expect(geometry.yMax).toBe(5);
    expect(geometry.points).toEqual([
      { x: 0, y: 50 },
      { x: 50, y: 10 },
      { x: 100, y: 30 },
    ]);
    expect(geometry.polyline).toBe('0,50 50,10 100,30');
    expect(geometry.area).toBe('M0,50 L0,50 L50,10 L100,30 L100,50 Z');
  });

  it('gives a single point (no line) for one sample, and nothing for none', () => {
    const one = lineGeometry([{ t: 10, v: 3 }], box, [10, 10]);
    expect(one.points).toEqual([{ x: 50, y: 20 }]);
    expect(one.polyline).toBe('');
    expect(lineGeometry([], box, [0, 1])).toEqual({ points: [], polyline: '', area: '', yMax: 1 });
  });

  it('keeps an all-zero series on the bottom edge', () => {
    const flat = lineGeometry(
      [
        { t: 0, v: 0 },
        { t: 1, v: 0 },
      ],
      box,
      [0, 1],
    );
    expect(flat.points.map((p) => p.y)).toEqual([50, 50]);
  });
});

describe('seriesStats', () => {
  it('gives min, max and the latest value', () => {
    expect(
      seriesStats([
        { t: 0, v: 3 },
        { t: 1, v: 9 },
        { t: 2, v: 1 },
        { t: 3, v: 4 },
      ]),
    ).toEqual({ min: 1, max: 9, last: 4 });
    expect(seriesStats([])).toBeNull();
  });
});

describe('stateSegments', () => {
  it('merges equal neighbours and runs the last state to the end', () => {
    expect(
      stateSegments(
        [
          { t: 0, state: 'ok' },
          { t: 10, state: 'ok' },
          { t: 20, state: 'error' },
          { t: 30, state: 'ok' },
        ],
        40,
      ),
    ).toEqual([
      { from: 0, to: 20, state: 'ok' },
      { from: 20, to: 30, state: 'error' },
      { from: 30, to: 40, state: 'ok' },
    ]);
  });

  it('leaves a gap where the state was not reported', () => {
    expect(
      stateSegments(
        [
          { t: 0, state: 'ok' },
          { t: 10, state: null },
          { t: 20, state: null },
          { t: 30, state: 'warning' },
        ],
        30,
      ),
    ).toEqual([
      { from: 0, to: 10, state: 'ok' },
      { from: 30, to: 30, state: 'warning' },
    ]);
  });
});

describe('segmentRects', () => {
  it('places runs across the width, giving a too-short run a visible sliver', () => {
    expect(
      segmentRects(
        [
          { from: 0, to: 50, state: 'ok' },
          { from: 50, to: 50, state: 'error' },
          { from: 50, to: 100, state: 'ok' },
        ],
        [0, 100],
        200,
      ),
    ).toEqual([
      { x: 0, width: 100, state: 'ok' },
      { x: 100, width: 1, state: 'error' },
      { x: 100, width: 100, state: 'ok' },
    ]);
  });

  it('fills the width for a zero-width domain', () => {
    expect(segmentRects([{ from: 5, to: 5, state: 'ok' }], [5, 5], 200)).toEqual([{ x: 0, width: 200, state: 'ok' }]);
  });
});
