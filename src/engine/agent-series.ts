// Per-step series of the named miners (agents.parquet): a collector of its own, outside the step
// loop's code. simulate() creates one, calls sample() at every sampled step (after the step's
// settlement, like the series metrics) and returns result() as RunResult.agents. Pure: reads state.
import {
  R_ACTIVE_EHS,
  R_AI_MW_CONVERTING,
  R_AI_MW_OPERATING,
  R_CASH_USD,
  R_COLLATERAL_BTC,
  R_DEBT_USD,
  R_TREASURY_BTC,
  REC,
  STATUS_EXITED,
  STATUS_NAMES,
  type AgentState,
} from '../agents/state.ts';
import type { AgentSeries } from './types.ts';

/** The columns of agents.parquet after its fixed columns, in order (documented in docs/RESULTS.md). */
export const AGENT_SERIES_FIELDS = [
  { name: 'treasury_btc', unit: 'BTC', meaning: 'free BTC treasury at the end of the step' },
  { name: 'collateral_btc', unit: 'BTC', meaning: 'BTC pledged to the lender at the end of the step' },
  { name: 'debt_usd', unit: 'USD', meaning: 'BTC-backed debt outstanding at the end of the step' },
  { name: 'ltv', unit: '1', meaning: 'loan-to-value: debt / (collateral x step price); null without collateral' },
  { name: 'cash_usd', unit: 'USD', meaning: 'cash at the end of the step (after an insolvent exit: the unpaid deficit, negative)' },
  { name: 'hashrate_ehs', unit: 'EH/s', meaning: 'hashrate running during the step (0 once exited)' },
  { name: 'ai_mw', unit: 'MW', meaning: 'MW operating as AI/HPC hosting' },
  { name: 'ai_converting_mw', unit: 'MW', meaning: 'MW being converted to AI (hashrate already off)' },
] as const;

export class NamedMinerSeries {
  private readonly n: number;
  private readonly status: Uint8Array;
  private readonly values: Record<string, Float64Array> = {};
  constructor(
    private readonly st: AgentState,
    private readonly nSamples: number,
  ) {
    this.n = st.namedCount;
    this.status = new Uint8Array(this.n * nSamples);
    for (const f of AGENT_SERIES_FIELDS) this.values[f.name] = new Float64Array(this.n * nSamples);
  }

  /** Records sample `j` (0-based) at the step price `priceUsd`; miner-major: index i * nSamples + j. */
  sample(j: number, priceUsd: number): void {
    const st = this.st;
    const v = this.values;
    for (let i = 0; i < this.n; i++) {
      const at = i * this.nSamples + j;
      const b = i * REC;
      const exited = st.status[i] === STATUS_EXITED;
      const coll = st.rec[b + R_COLLATERAL_BTC]!;
      const debt = st.rec[b + R_DEBT_USD]!;
      this.status[at] = st.status[i]!;
      v.treasury_btc![at] = st.rec[b + R_TREASURY_BTC]!;
      v.collateral_btc![at] = coll;
      v.debt_usd![at] = debt;
      v.ltv![at] = coll > 0 && priceUsd > 0 ? debt / (coll * priceUsd) : Number.NaN;
      v.cash_usd![at] = st.rec[b + R_CASH_USD]!;
      v.hashrate_ehs![at] = exited ? 0 : st.rec[b + R_ACTIVE_EHS]!;
      v.ai_mw![at] = exited ? 0 : st.rec[b + R_AI_MW_OPERATING]!;
      v.ai_converting_mw![at] = exited ? 0 : st.rec[b + R_AI_MW_CONVERTING]!;
    }
  }

  /** The series of `samples` recorded samples (NaN = null). */
  result(samples: number): AgentSeries {
    const names = Array.from({ length: this.n }, (_, i) => this.st.names[i]!);
    if (samples === this.nSamples) return { names, samples, statusNames: STATUS_NAMES, status: this.status, values: this.values };
    const cut = (a: Float64Array): Float64Array => {
      const out = new Float64Array(this.n * samples);
      for (let i = 0; i < this.n; i++) out.set(a.subarray(i * this.nSamples, i * this.nSamples + samples), i * samples);
      return out;
    };
    const status = new Uint8Array(this.n * samples);
    for (let i = 0; i < this.n; i++) status.set(this.status.subarray(i * this.nSamples, i * this.nSamples + samples), i * samples);
    const values: Record<string, Float64Array> = {};
    for (const [k, a] of Object.entries(this.values)) values[k] = cut(a);
    return { names, samples, statusNames: STATUS_NAMES, status, values };
  }
}
