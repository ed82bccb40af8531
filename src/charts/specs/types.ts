/** Inputs of the spec builders: plain rows, as read from a result set's Parquet tables. */

/** One row of bands.parquet: quantiles over runs of one series metric at one sampled step. */
export interface BandRow {
  readonly step: number;
  /** Day offset from the scenario start. */
  readonly day: number;
  readonly metric: string;
  readonly mean: number | null;
  readonly p5: number | null;
  readonly p25: number | null;
  readonly p50: number | null;
  readonly p75: number | null;
  readonly p95: number | null;
}

/** A vertical marker on a time axis. */
export interface Marker {
  readonly day: number;
  readonly kind: 'halving' | 'retarget' | 'event';
  readonly label: string;
}

/** Options shared by every time-series chart. */
export interface TimeChartOptions {
  /** ISO date (UTC) of day 0, from the manifest's resolved scenario (start.date). */
  readonly startDate: string;
  readonly title?: string;
  readonly subtitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Per-run summary values of one metric (runs.parquet column); null = event never happened. */
export interface SummaryColumn {
  readonly metric: string;
  readonly values: readonly (number | null)[];
}
