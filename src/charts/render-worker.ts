// Piscina worker of the chart renderer (src/charts/pool.ts): one Vega-Lite spec in, its SVG and/or
// PNG out. The same functions as the in-process path (render.ts), so the bytes do not depend on
// where a chart was drawn.
import { renderSvg, svgToPng, toVegaSpec } from './render.ts';

export interface RenderTask {
  readonly spec: unknown;
  readonly svg: boolean;
  readonly png: boolean;
  /** Also compile the spec as the report embeds it (hover layers kept): see compiled.ts. */
  readonly report?: boolean;
}

export interface RenderReply {
  readonly svg: string | null;
  readonly png: Uint8Array | null;
  /** JSON.stringify(toVegaSpec(spec)) when the task asked for the report's spec. */
  readonly vega?: string | null;
}

export default async function render(task: RenderTask): Promise<RenderReply> {
  const svg = await renderSvg(task.spec as Parameters<typeof renderSvg>[0]);
  return {
    svg: task.svg ? svg : null,
    png: task.png ? new Uint8Array(svgToPng(svg)) : null,
    vega: task.report ? JSON.stringify(toVegaSpec(task.spec as Parameters<typeof toVegaSpec>[0])) : null,
  };
}
