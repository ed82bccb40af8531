/**
 * Vega specs compiled for the report while the charts were drawn. When `hashsim run` draws a result
 * set's charts and then writes its report from the same chart entries, the report's Vega-Lite ->
 * Vega compile (~25 ms a chart, on the main thread after the last chart) is done by the render
 * threads alongside each chart instead, and found here by spec object. Keyed weakly: an entry
 * that is dropped takes its compiled spec with it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { toVegaSpec } from './compile.ts';

const compiled = new WeakMap<TopLevelSpec, string>();

/** Remembers `json`, JSON.stringify(toVegaSpec(spec)), for `spec`. */
export function rememberCompiled(spec: TopLevelSpec, json: string): void {
  compiled.set(spec, json);
}

/** JSON of the Vega spec of `spec`: remembered when the charts compiled it, else compiled now. */
export function compiledVegaJson(spec: TopLevelSpec): string {
  return compiled.get(spec) ?? JSON.stringify(toVegaSpec(spec));
}
