// Vega-Lite -> Vega, in a module of its own: the report compiles specs but draws nothing, so it
// need not load render.ts (resvg's native module, the font metrics).
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Spec } from 'vega';

/** Compiles a Vega-Lite spec to a Vega spec (what the report embeds and the headless view runs). */
export function toVegaSpec(spec: TopLevelSpec): Spec {
  return compile(spec).spec;
}
