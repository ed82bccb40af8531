// Chart formats and set kinds: small, without the renderer, so the CLI can parse flags cheaply.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HashsimError } from '../errors.ts';

/** Image formats a chart can be written in (the Vega-Lite JSON is always written). */
export type ChartFormat = 'svg' | 'png';
export const CHART_FORMATS: readonly ChartFormat[] = ['png', 'svg'];
/** PNG and SVG: what run, chart and compare write unless told otherwise. */
export const DEFAULT_CHART_FORMATS: readonly ChartFormat[] = ['png', 'svg'];

/** "png,svg" / "svg" / "none" (JSON only) -> the formats; throws a usage error otherwise. */
export function parseChartFormats(value: string | readonly string[], flag = '--formats'): ChartFormat[] {
  const parts = (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 1 && (parts[0] === 'none' || parts[0] === 'json')) return [];
  const out: ChartFormat[] = [];
  for (const p of parts) {
    if (p !== 'png' && p !== 'svg') throw new HashsimError(`${flag}: expected a comma-separated list of png and svg (or "none" for Vega-Lite JSON only), got ${JSON.stringify(p)}`, 2);
    if (!out.includes(p)) out.push(p);
  }
  if (out.length === 0) throw new HashsimError(`${flag}: expected png, svg, png,svg or none`, 2);
  return out;
}

export type SetKind = 'result-set' | 'compare' | 'sweep';

/** What a folder holds: a comparison (compare.json), a sweep (sweep.json + sweep.parquet) or a result set. */
export function setKind(dir: string): SetKind {
  if (existsSync(join(dir, 'compare.json'))) return 'compare';
  if (existsSync(join(dir, 'sweep.json')) && existsSync(join(dir, 'sweep.parquet'))) return 'sweep';
  return 'result-set';
}
