/**
 * The contract between the engine (one pure run) and the shell (batch, results, charts, compare).
 * Column and metric names are documented in docs/RESULTS.md.
 */

/** Outcome of one named miner in one run (for "which miners were margin-called or exited"). */
export interface MinerOutcome {
  readonly name: string;
  /** Final status: active | curtailing | pivoting | exited. */
  readonly status: string;
  /** Numeric outcome fields (BTC sold, margin calls, exit day, MW pivoted, ...); null = never happened. */
  readonly values: Readonly<Record<string, number | null>>;
}

/** Everything one seeded run produces. A pure function of (scenario, seed, runIndex). */
export interface RunResult {
  readonly runIndex: number;
  /** Day offset from the scenario start of each sampled step (same length as every series column). */
  readonly sampleDays: Float64Array;
  /** One column per series metric, in a fixed documented order. */
  readonly series: Readonly<Record<string, Float64Array>>;
  /** Per-run summary metrics; null = the event never happened (e.g. no liquidation). */
  readonly summary: Readonly<Record<string, number | null>>;
  /** Named miners' outcomes, in scenario order. */
  readonly miners: readonly MinerOutcome[];
  /** Named miners' per-step series (agents.parquet); absent from engines that do not collect them. */
  readonly agents?: AgentSeries;
}

/**
 * Per-sample series of the named miners, miner-major: the value of miner i at sample j is at
 * index i * samples + j. NaN = null. Status codes index `statusNames`.
 */
export interface AgentSeries {
  readonly names: readonly string[];
  readonly samples: number;
  readonly statusNames: readonly string[];
  readonly status: Uint8Array;
  readonly values: Readonly<Record<string, Float64Array>>;
}
