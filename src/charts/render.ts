import { existsSync } from 'node:fs';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import * as vega from 'vega';
import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY } from './theme.ts';

import { FONT_FILES } from './fonts.ts';
import { installFontMetrics } from './fontmetrics.ts';

export { FONT_FILES };

/** Default PNG zoom: 2x the CSS size, sharp enough for print and slides. */
export const PNG_ZOOM = 2;

/** Compiles a Vega-Lite spec to a Vega spec (what the report embeds and the headless view runs). */
export function toVegaSpec(spec: TopLevelSpec): vega.Spec {
  return compile(spec).spec;
}

/** Renders a Vega-Lite spec to SVG with vega's headless view (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  installFontMetrics();
  const view = new vega.View(vega.parse(toVegaSpec(spec)), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG with the shipped DejaVu fonts only; same SVG in, same PNG bytes out. */
export function svgToPng(svg: string, zoom: number = PNG_ZOOM): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}

/** SVG and PNG of one Vega-Lite spec. */
export async function renderChart(spec: TopLevelSpec, zoom: number = PNG_ZOOM): Promise<{ svg: string; png: Buffer }> {
  const svg = await renderSvg(spec);
  return { svg, png: svgToPng(svg, zoom) };
}

/** True when the fonts exist (a broken checkout would otherwise render charts without any text). */
export function fontsPresent(): boolean {
  return FONT_FILES.every((f) => existsSync(f));
}
