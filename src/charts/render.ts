import { existsSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';
import * as vega from 'vega';
import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY } from './theme.ts';

import { FONT_FILES } from './fonts.ts';
import { encodeIndexedPng } from './png.ts';
import { installFontMetrics } from './fontmetrics.ts';

export { FONT_FILES };

/** Default PNG zoom: 2x the CSS size, sharp enough for print and slides. */
export const PNG_ZOOM = 2;

import { toVegaSpec } from './compile.ts';

export { toVegaSpec };

/**
 * A layer drawn only under the pointer: it selects on hover and is invisible otherwise (opacity 0
 * unless selected), e.g. the fan charts' hover rule. In a static image it draws nothing, yet it
 * would add one invisible line and one Voronoi cell per sampled step to the SVG.
 */
function isHoverOnlyLayer(layer: unknown): boolean {
  if (!layer || typeof layer !== 'object') return false;
  const l = layer as { params?: unknown; encoding?: { opacity?: { value?: unknown; condition?: unknown } } };
  const params = Array.isArray(l.params) ? (l.params as { select?: { on?: unknown } }[]) : [];
  return params.length > 0 && params.every((p) => p.select !== undefined && typeof p.select === 'object' && String(p.select.on ?? '').startsWith('pointer')) && l.encoding?.opacity?.value === 0;
}

/** The spec without hover-only layers (what an SVG or PNG can show); the input is not changed. */
export function staticSpec(spec: TopLevelSpec): TopLevelSpec {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'values' || k === 'data') out[k] = x;
      else if (k === 'layer' && Array.isArray(x)) out[k] = x.filter((l) => !isHoverOnlyLayer(l)).map(strip);
      else out[k] = strip(x);
    }
    return out;
  };
  return strip(spec) as TopLevelSpec;
}

/**
 * Renders a Vega-Lite spec to SVG with vega's headless view (no browser, no canvas). Hover-only
 * layers are left out (see staticSpec); the report keeps them.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  installFontMetrics();
  const view = new vega.View(vega.parse(toVegaSpec(staticSpec(spec))), { renderer: 'none', logLevel: vega.Error });
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
  const image = resvg.render();
  // The same pixels as asPng(), written as a palette image when they allow it (see png.ts).
  return encodeIndexedPng(image.pixels, image.width, image.height) ?? image.asPng();
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
