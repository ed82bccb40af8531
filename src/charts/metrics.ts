/**
 * Labels and units of metrics for axes and legends. The engine's own metric list wins when it is
 * registered (see setMetricCatalog); otherwise a label is derived from the snake_case name, whose
 * suffix carries the unit by convention (price_usd, hashrate_ehs, hashprice_usd_per_ph_day, ...).
 */
export interface MetricInfo {
  readonly name: string;
  /** Human label without unit, e.g. "Hashrate". */
  readonly label: string;
  /** Unit as shown on axes, e.g. "EH/s"; '' for counts and ratios without unit. */
  readonly unit: string;
  readonly description: string;
}

/** An entry of a metric list: any object with a name, and optionally unit/label/description. */
export interface MetricCatalogEntry {
  readonly name: string;
  readonly unit?: string;
  readonly label?: string;
  readonly description?: string;
}

const KNOWN: Readonly<Record<string, Omit<MetricInfo, 'name'>>> = {
  sold_btc: { label: 'BTC sold by miners', unit: 'BTC per step', description: 'voluntary sales' },
  liquidated_btc: { label: 'BTC liquidated', unit: 'BTC per step', description: 'sold by lenders and from exiting miners' },
  sold_cum_btc: { label: 'Cumulative BTC sold', unit: 'BTC', description: 'voluntary sales + liquidations' },
  ai_mw: { label: 'Capacity operating as AI hosting', unit: 'MW', description: '' },
  ai_converting_mw: { label: 'Capacity being converted to AI', unit: 'MW', description: '' },
  mining_mw: { label: 'Power drawn by mining', unit: 'MW', description: '' },
  collateral_btc: { label: 'BTC pledged as loan collateral', unit: 'BTC', description: '' },
  cash_usd: { label: 'Miner cash', unit: 'USD', description: '' },
  agent_hashrate_ehs: { label: 'Hashrate of agent miners', unit: 'EH/s', description: '' },
  fringe_hashrate_ehs: { label: 'Hashrate of the fringe', unit: 'EH/s', description: '' },
  block_interval_s: { label: 'Mean block interval', unit: 's', description: '' },
  fee_btc_per_block: { label: 'Fees per block', unit: 'BTC', description: '' },
  subsidy_btc: { label: 'Block subsidy', unit: 'BTC', description: '' },
  block_rewards_btc: { label: 'Block rewards (subsidy + fees)', unit: 'BTC per step', description: '' },
  fringe_sold_btc: { label: 'BTC sold by the fringe', unit: 'BTC per step', description: '' },
  pool_balance_btc: { label: 'FPPS pool balance', unit: 'BTC', description: '' },
  blocks: { label: 'Blocks found', unit: 'blocks', description: '' },
  exits: { label: 'Miner exits', unit: 'miners', description: '' },
  price_usd: { label: 'BTC price', unit: 'USD', description: 'Bitcoin price' },
  hashrate_ehs: { label: 'Network hashrate', unit: 'EH/s', description: 'Active network hashrate' },
  difficulty: { label: 'Difficulty', unit: '', description: 'Mining difficulty' },
  hashprice_usd_per_ph_day: { label: 'Hashprice', unit: 'USD per PH/s per day', description: 'Miner revenue per PH/s per day' },
  miners_active: { label: 'Miners active', unit: 'miners', description: '' },
  miners_curtailing: { label: 'Miners curtailing', unit: 'miners', description: '' },
  miners_pivoting: { label: 'Miners pivoting to AI', unit: 'miners', description: '' },
  miners_exited: { label: 'Miners exited', unit: 'miners', description: '' },
  treasury_btc: { label: 'Miner BTC treasury', unit: 'BTC', description: 'BTC held by miners' },
  btc_sold: { label: 'BTC sold by miners', unit: 'BTC per step', description: 'Miner sell pressure' },
  btc_sold_cumulative: { label: 'Cumulative BTC sold', unit: 'BTC', description: '' },
  debt_usd: { label: 'Miner debt', unit: 'USD', description: 'Outstanding BTC-backed loans' },
  ltv: { label: 'Loan-to-value', unit: 'ratio', description: 'Aggregate LTV of BTC-backed loans' },
  margin_calls: { label: 'Margin calls', unit: 'per step', description: '' },
  liquidations: { label: 'Liquidations', unit: 'per step', description: '' },
  mw_ai: { label: 'Capacity pivoted to AI', unit: 'MW', description: '' },
  attack_cost_usd_per_hour: { label: 'Cost of a majority attack', unit: 'USD per hour', description: '' },
  attack_cost_usd: { label: 'Cost of an attack matching the network', unit: 'USD', description: 'machines (idle and secondary-market first, then new) plus power for security.attackHours' },
  attack_existing_share: { label: "Attack hashrate from idle and used machines", unit: 'share', description: '' },
  security_budget_usd_per_day: { label: 'Security budget', unit: 'USD per day', description: "miners' revenue per day" },
  pool_hhi: { label: 'Pool concentration (HHI)', unit: '0-1', description: 'Herfindahl-Hirschman index of pool shares' },
  largest_pool_share: { label: 'Largest pool share', unit: 'share', description: '' },
  hhi: { label: 'Hashrate concentration (HHI)', unit: '0-1', description: 'Herfindahl-Hirschman index of hashrate shares' },
  block_height: { label: 'Block height', unit: '', description: '' },
  height: { label: 'Block height', unit: '', description: '' },
};

const SUFFIX_UNITS: ReadonlyArray<readonly [string, string]> = [
  ['_usd_per_ph_day', 'USD per PH/s per day'],
  ['_usd_per_hour', 'USD per hour'],
  ['_usd_per_btc', 'USD per BTC'],
  ['_usd', 'USD'],
  ['_btc', 'BTC'],
  ['_ehs', 'EH/s'],
  ['_phs', 'PH/s'],
  ['_ths', 'TH/s'],
  ['_mw', 'MW'],
  ['_days', 'days'],
  ['_day', 'day'],
  ['_seconds', 's'],
  ['_s', 's'],
  ['_pct', '%'],
];

let catalog = new Map<string, MetricCatalogEntry>();

/** Registers the engine's metric list (name, unit, label, description) as the source of truth. */
export function setMetricCatalog(entries: Iterable<MetricCatalogEntry>): void {
  catalog = new Map([...entries].map((e) => [e.name, e]));
}

const ACRONYMS = new Set(['btc', 'usd', 'ai', 'hpc', 'mw', 'hhi', 'ltv', 'ph', 'eh', 'th', 'asic', 'fpps', 'cagr']);

function humanize(s: string): string {
  const words = s.split('_').filter(Boolean).map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  if (words.length === 0) return s;
  const first = words[0]!;
  words[0] = first[0]!.toUpperCase() + first.slice(1);
  return words.join(' ');
}

/** Engine units written as "1" mean dimensionless: no unit on the axis. */
function displayUnit(u: string): string {
  return u === '1' ? '' : u;
}

/** Label, unit and description of a metric, never failing for unknown names. */
export function metricInfo(name: string): MetricInfo {
  const fromCatalog = catalog.get(name);
  const known = KNOWN[name];
  let unit = known?.unit;
  let base = name;
  if (unit === undefined) {
    for (const [suffix, u] of SUFFIX_UNITS) {
      if (name.endsWith(suffix)) {
        unit = u;
        base = name.slice(0, -suffix.length);
        break;
      }
    }
  }
  return {
    name,
    label: fromCatalog?.label ?? known?.label ?? humanize(base),
    unit: displayUnit(fromCatalog?.unit ?? unit ?? ''),
    description: fromCatalog?.description ?? known?.description ?? '',
  };
}

/** Axis title: "Label (unit)". */
export function axisTitle(info: MetricInfo): string {
  return info.unit ? `${info.label} (${info.unit})` : info.label;
}

/** d3 number format suited to the magnitude of the values (SI prefixes for large numbers). */
export function numberFormat(values: Iterable<number | null | undefined>): string {
  let maxAbs = 0;
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  // From 10,000 up, SI prefixes keep tick labels short ("80k", "1.2M", "135T"); four significant
  // digits so that ticks of a narrow range far from zero (1.035M, 1.04M) stay distinct.
  if (maxAbs >= 1e4) return '.4~s';
  if (maxAbs >= 100) return ',.0f';
  if (maxAbs >= 1) return ',.3~g';
  return '.3~g';
}

/** True for money units (USD, USD per hour, USD/(PH/s)/day, ...): their ticks get a "$". */
export function isUsdUnit(unit: string): boolean {
  return /^USD\b/.test(unit);
}

/**
 * Axis label settings for values of a metric: a d3 format, and for USD a label expression that
 * writes "$1.2B" rather than d3's "1.2G" (SI "giga" reads as an error in a money axis).
 */
export function axisNumberFormat(info: MetricInfo, values: Iterable<number | null | undefined>): { format: string; labelExpr?: string } {
  const format = numberFormat(values);
  if (!isUsdUnit(info.unit)) return { format };
  const body = `replace(format(abs(datum.value), '${format}'), 'G', 'B')`;
  return { format, labelExpr: `(datum.value < 0 ? '−$' : '$') + ${body}` };
}
