/**
 * Geometry for the kiosk page's small inline SVG charts (no chart library): a line over time, and a strip
 * of states over time. Pure numbers in, SVG coordinates out; y grows downwards as in SVG.
 */

export interface Point {
  /** Milliseconds since the epoch. */
  t: number;
  v: number;
}

export interface Box {
  width: number;
  height: number;
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max`, so the axis label is a round number; 1 for an all-zero series. */
export function niceCeiling(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    const candidate = step * magnitude;
    // Float noise (0.1 * 3 = 0.30000000000000004) must not push 0.3 up to 0.5.
    if (candidate >= max - magnitude * 1e-9) return Number(candidate.toPrecision(12));
  }
  return 10 * magnitude;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Maps `value` in [from, to] to [0, length]; a zero-width domain maps everything to the middle. */
export function scale(value: number, from: number, to: number, length: number): number {
  if (to === from) return length / 2;
  return ((value - from) / (to - from)) * length;
}

export interface LineGeometry {
  /** SVG coordinates, oldest first. */
  points: { x: number; y: number }[];
  /** `points` attribute of a polyline (empty for fewer than two points). */
  polyline: string;
  /** `d` of the filled area under the line (empty for fewer than two points). */
  area: string;
  /** The value at the top of the box. */
  yMax: number;
}

/** A series drawn in `box`, the time axis spanning `domain` and the value axis 0..niceCeiling(max). */
export function lineGeometry(series: readonly Point[], box: Box, domain: readonly [number, number]): LineGeometry {
  const yMax = niceCeiling(Math.max(0, ...series.map((point) => point.v)));
  const points = series.map((point) => ({
    x: round(scale(point.t, domain[0], domain[1], box.width)),
    y: round(box.height - (Math.max(0, point.v) / yMax) * box.height),
  }));
  if (points.length < 2) return { points, polyline: '', area: '', yMax };
  const polyline = points.map((p) => `${p.x},${p.y}`).join(' ');
  const first = points[0] as { x: number; y: number };
  const last = points[points.length - 1] as { x: number; y: number };
  const area = `M${first.x},${box.height} L${points.map((p) => `${p.x},${p.y}`).join(' L')} L${last.x},${box.height} Z`;
  return { points, polyline, area, yMax };
}

export interface SeriesStats {
  min: number;
  max: number;
  last: number;
}

export function seriesStats(series: readonly Point[]): SeriesStats | null {
  const last = series.at(-1);
  if (last === undefined) return null;
  const values = series.map((point) => point.v);
  return { min: Math.min(...values), max: Math.max(...values), last: last.v };
}

export interface Segment<S> {
  from: number;
  to: number;
  state: S;
}

/**
 * Samples of a state (oldest first) as runs: each sample's state lasts until the next sample with a
 * different state, the last until `end`. A null state (not reported) ends a run and starts none.
 */
export function stateSegments<S>(samples: readonly { t: number; state: S | null }[], end: number): Segment<S>[] {
  const runs: Segment<S>[] = [];
  let open: Segment<S> | null = null;
  for (const sample of samples) {
    if (open !== null && open.state === sample.state) continue;
    if (open !== null) {
      open.to = sample.t;
      runs.push(open);
    }
    open = sample.state === null ? null : { from: sample.t, to: sample.t, state: sample.state };
  }
  if (open !== null) {
    open.to = Math.max(open.from, end);
    runs.push(open);
  }
  return runs;
}

/**
 * Runs as rectangles across `width`; a run too short to see still gets a sliver (1, or `minWidth` of its
 * state), kept inside the box: a run that began at the domain's end is drawn at its right edge, not past it.
 */
export function segmentRects<S>(
  runs: readonly Segment<S>[],
  domain: readonly [number, number],
  width: number,
  minWidth: (state: S) => number = () => 1,
): { x: number; width: number; state: S }[] {
  if (domain[0] === domain[1]) return runs.map((run) => ({ x: 0, width, state: run.state }));
  return runs.map((run) => {
    const left = round(scale(run.from, domain[0], domain[1], width));
    const right = round(scale(run.to, domain[0], domain[1], width));
    const shown = Math.min(width, Math.max(minWidth(run.state), round(right - left)));
    return { x: Math.max(0, Math.min(left, width - shown)), width: shown, state: run.state };
  });
}
