import { quantileType7 } from '../../results/bands.ts';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_HEIGHT, CHART_WIDTH, THEME } from '../theme.ts';

/** Title block with an optional subtitle (empty subtitles are dropped). */
export function titleOf(text: string, subtitle?: string): { text: string; subtitle?: string } {
  return subtitle ? { text, subtitle } : { text };
}

/** Wraps a spec body with schema, theme and default size. The body is checked by compiling it. */
export function topLevel(body: Record<string, unknown>, size?: { width?: number; height?: number }): TopLevelSpec {
  const sized = 'facet' in body || 'vconcat' in body || 'hconcat' in body ? {} : { width: size?.width ?? CHART_WIDTH, height: size?.height ?? CHART_HEIGHT };
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...sized, config: THEME, ...body } as unknown as TopLevelSpec;
}

/** Finite numbers of a list (null, NaN and infinities dropped). */
export function finite(values: Iterable<number | null | undefined>): number[] {
  const out: number[] = [];
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v)) out.push(v);
  return out;
}

/** Linear-interpolated quantile (type 7, like numpy's default) of sorted values. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  return quantileType7(sorted, p);
}
