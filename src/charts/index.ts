// Charts: Vega-Lite spec builders, headless SVG/PNG rendering, the offline HTML report.
export * from './specs/index.ts';
export { THEME, FONT_FAMILY, COLORS, CHART_WIDTH, CHART_HEIGHT } from './theme.ts';
export { metricInfo, setMetricCatalog, axisTitle, type MetricInfo, type MetricCatalogEntry } from './metrics.ts';
export { renderSvg, svgToPng, renderChart, toVegaSpec, FONT_FILES, PNG_ZOOM } from './render.ts';
export {
  buildResultSetCharts,
  constantSeries,
  stepDays,
  perStepText,
  renderResultSetCharts,
  loadChartData,
  bandRowsFromParquet,
  summaryColumnsFromParquet,
  startDateOf,
  type ChartEntry,
  type ConstantSeries,
  type ResultSetChartData,
  type RenderedChart,
} from './resultset.ts';
export { writeReport, buildReportHtml, summaryStats, keyParameters, type SummaryStats, type ReportInput } from './report.ts';
export { bandRowsFromRuns, summaryColumnsFromRuns, type RunLike } from './runs.ts';
export { buildSweepCharts, renderSweepCharts, isSweepDir } from './sweepset.ts';
