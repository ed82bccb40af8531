export type { BandRow, Marker, SummaryColumn, TimeChartOptions } from './types.ts';
export { fanChart, bandsOf, markerCaption, type FanChartOptions } from './fan.ts';
export { markersFromBands } from './markers.ts';
export { multiLineChart, minersByStatusChart, type LineSeries, type MultiLineOptions, type StatusAreaOptions } from './timeseries.ts';
export { outcomeHistograms, histogramBins, type HistogramBin, type OutcomeHistogramOptions } from './histogram.ts';
export { sweepHeatmap, tornadoChart, tornadoFromSweep, type SweepPoint, type SweepHeatmapOptions, type TornadoRow, type TornadoOptions } from './sweep.ts';
export {
  compareBandsChart,
  differenceBandsChart,
  pairedDifferenceChart,
  forestChart,
  type CompareBandRow,
  type CompareOptions,
  type DifferenceBandRow,
  type PairedDifferenceOptions,
  type ForestRow,
} from './compare.ts';
export { dayToDate } from './time.ts';
