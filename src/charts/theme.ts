import type { Config } from 'vega-lite';

/** The one font the project ships (assets/fonts): SVG text and PNG rasterisation must agree on it. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Default plot area of a single chart, in CSS pixels (before the PNG zoom). */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 300;

/** Colours used across charts, so A/B, bands and statuses look the same everywhere. */
export const COLORS = {
  median: '#1f4e79',
  bandInner: '#8fb3d9',
  bandOuter: '#d6e4f2',
  mean: '#c0504d',
  a: '#1f4e79',
  aInner: '#8fb3d9',
  aOuter: '#d6e4f2',
  b: '#b35806',
  bInner: '#f1a340',
  bOuter: '#fee0b6',
  halving: '#b2182b',
  retarget: '#9e9e9e',
  zero: '#555555',
  grid: '#e6e6e6',
  text: '#222222',
} as const;

/** Miner status colours (stacked area order: active at the bottom). */
export const STATUS_COLORS: Readonly<Record<string, string>> = {
  active: '#2e7d32',
  curtailing: '#f9a825',
  pivoting: '#6a1b9a',
  exited: '#9e9e9e',
};

/** Vega-Lite config shared by every spec: readable sizes for print, one font, white background. */
export const THEME: Config = {
  background: 'white',
  font: FONT_FAMILY,
  padding: 12,
  view: { stroke: null, continuousWidth: CHART_WIDTH, continuousHeight: CHART_HEIGHT },
  title: { font: FONT_FAMILY, fontSize: 15, fontWeight: 'bold', color: COLORS.text, anchor: 'start', offset: 10, subtitleFontSize: 11, subtitleColor: '#555555', subtitlePadding: 4 },
  axis: {
    labelFont: FONT_FAMILY,
    titleFont: FONT_FAMILY,
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'bold',
    labelColor: '#333333',
    titleColor: COLORS.text,
    gridColor: COLORS.grid,
    domainColor: '#888888',
    tickColor: '#888888',
    labelOverlap: true,
  },
  legend: {
    labelFont: FONT_FAMILY,
    titleFont: FONT_FAMILY,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'bold',
    orient: 'bottom',
    direction: 'horizontal',
    symbolSize: 140,
    labelLimit: 320,
  },
  header: { labelFont: FONT_FAMILY, titleFont: FONT_FAMILY, labelFontSize: 12, labelFontWeight: 'bold', titleFontSize: 13 },
  text: { font: FONT_FAMILY },
  range: { category: ['#1f4e79', '#b35806', '#2e7d32', '#6a1b9a', '#c0504d', '#00838f', '#9e9e9e', '#f9a825'] },
};
