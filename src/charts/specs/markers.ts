import type { BandRow, Marker } from './types.ts';

const RETARGET_INTERVAL = 2016;
const HALVING_INTERVAL = 210_000;
/**
 * Above this many retargets in view (about 14 months) the dotted rules, 2016 blocks apart, are
 * closer than ~20 px on a 640 px chart and hide the bands, so only halvings are drawn.
 */
export const MAX_RETARGET_RULES = 30;

function medianSeries(bands: readonly BandRow[], metric: string): Array<{ day: number; v: number }> {
  const out: Array<{ day: number; v: number }> = [];
  for (const r of bands) if (r.metric === metric && r.p50 !== null && Number.isFinite(r.p50)) out.push({ day: r.day, v: r.p50 });
  return out.sort((a, b) => a.day - b.day);
}

/**
 * Halvings and retargets along the median path: where the median block height crosses a multiple
 * of 2016 (retarget) or 210,000 (halving), interpolated within the step. Runs differ in when they
 * reach a height, so these are the typical dates, which the chart subtitle says. Without a height
 * metric, retargets are the steps where the median difficulty changes.
 */
export function markersFromBands(bands: readonly BandRow[]): Marker[] {
  let heights = medianSeries(bands, 'block_height');
  if (heights.length === 0) heights = medianSeries(bands, 'height');
  const markers: Marker[] = [];
  if (heights.length > 1) {
    for (let i = 1; i < heights.length; i++) {
      const a = heights[i - 1]!;
      const b = heights[i]!;
      if (!(b.v > a.v)) continue;
      const at = (h: number): number => a.day + ((h - a.v) / (b.v - a.v)) * (b.day - a.day);
      for (let h = Math.floor(a.v / RETARGET_INTERVAL + 1) * RETARGET_INTERVAL; h <= b.v; h += RETARGET_INTERVAL) {
        if (h % HALVING_INTERVAL === 0) continue;
        markers.push({ day: at(h), kind: 'retarget', label: `retarget at height ${h.toLocaleString('en-US')}` });
      }
      for (let h = Math.floor(a.v / HALVING_INTERVAL + 1) * HALVING_INTERVAL; h <= b.v; h += HALVING_INTERVAL) {
        markers.push({ day: at(h), kind: 'halving', label: `halving at height ${h.toLocaleString('en-US')}` });
      }
    }
  } else {
    const diff = medianSeries(bands, 'difficulty');
    for (let i = 1; i < diff.length; i++) {
      if (diff[i]!.v !== diff[i - 1]!.v) markers.push({ day: diff[i]!.day, kind: 'retarget', label: 'median difficulty changes' });
    }
  }
  const retargets = markers.filter((m) => m.kind === 'retarget').length;
  const kept = retargets > MAX_RETARGET_RULES ? markers.filter((m) => m.kind !== 'retarget') : markers;
  return kept.sort((x, y) => x.day - y.day);
}
