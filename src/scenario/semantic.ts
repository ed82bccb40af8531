// Checks of a schema-valid scenario that the engine would otherwise make only when a run starts
// (and then once per run): strategy references, site capacity, population distributions whose
// draws the engine would refuse, loan thresholds, and plausibility bounds on physical quantities so
// that no accepted scenario can overflow a float64. Pure: no I/O. Each problem names its field path.
import { BUILTIN_STRATEGIES } from '../agents/strategies.ts';
import { formatPath, type Problem } from './errors.ts';
import { SERIES_METRICS } from '../engine/metrics.ts';
import { editDistance } from './suggest.ts';
import { realizedHashrateBefore, resolveStart, type StartInput } from './calibration.ts';

/** Total BTC that will ever exist (a treasury cannot hold more). */
export const MAX_BTC = 21_000_000;

/**
 * Plausibility bounds (generous: orders of magnitude beyond anything real, yet far from overflow).
 * The whole network was ~1,000 EH/s in 2026; the largest miners run tens of EH/s.
 */
export const LIMITS = {
  hashrateEHs: 100_000,
  efficiencyJPerTH: 100_000,
  powerPriceUsdPerMWh: 100_000,
  mw: 10_000_000,
  usd: 1e15,
  rateAnnual: 10,
  ageDays: 36_500,
  populationCount: 1_000_000,
  minersTotal: 1_000_000,
  days: 1e6,
  shareOfFleet: 10,
  priceUsd: 1e9,
} as const;

type Path = (string | number)[];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Strategy names a scenario may refer to: its own bundles (own keys only) and the built-ins. */
export function knownStrategy(name: string, custom: unknown): boolean {
  return (isObj(custom) && Object.hasOwn(custom, name)) || Object.hasOwn(BUILTIN_STRATEGIES, name);
}

function strategyList(custom: unknown): string {
  const names = [...Object.keys(BUILTIN_STRATEGIES), ...(isObj(custom) ? Object.keys(custom) : [])];
  return names.map((n) => `"${n}"`).join(', ');
}

/** The schema's default of a population's hashrateEHs (agents/schema.ts). */
const DEFAULT_POPULATION_HASHRATE = { dist: 'lognormal', median: 0.05, sigma: 1, max: 20 };

/** Bounds of a population field's draws: [min, max], min exclusive when `open`. */
interface FieldRange {
  readonly min: number;
  readonly open?: boolean;
  readonly max: number;
}

/** Population fields drawn from a distribution, with the range the engine accepts (and plausibility). */
const POPULATION_FIELDS: Readonly<Record<string, FieldRange>> = {
  hashrateEHs: { min: 0, open: true, max: LIMITS.hashrateEHs },
  efficiencyJPerTH: { min: 0, open: true, max: LIMITS.efficiencyJPerTH },
  powerPriceUsdPerMWh: { min: 0, max: LIMITS.powerPriceUsdPerMWh },
  siteHeadroomShare: { min: 0, max: LIMITS.shareOfFleet },
  aiConvertibleShare: { min: 0, max: 1 },
  treasuryDays: { min: 0, max: 36_500 },
  cashDays: { min: 0, max: 36_500 },
  opexUsdPerPhDay: { min: 0, max: 1e6 },
  loanLtv: { min: 0, max: 1 },
  poolFeeShare: { min: 0, max: 1 },
};

/** Standard deviations within which a normal draw practically always falls (Box-Muller stays within ~9). */
const NORMAL_REACH = 9;

/**
 * Problems of one distribution field: its own consistency (min <= max, mode within) and whether
 * every value it can draw lies in the field's range. The path names the sub-field responsible.
 */
function distProblems(d: unknown, path: Path, field: string, r: FieldRange): Problem[] {
  const out: Problem[] = [];
  const rangeText = `${r.open ? '>' : '>='} ${r.min} and <= ${r.max}`;
  const below = (x: number) => !Number.isFinite(x) || (r.open ? x <= r.min : x < r.min);
  const above = (x: number) => !Number.isFinite(x) || x > r.max;
  const add = (sub: Path, message: string) => out.push({ path: formatPath([...path, ...sub]), message });
  const checkPoint = (x: number, sub: Path, what: string) => {
    if (below(x) || above(x)) add(sub, `expected ${what} ${rangeText} (${field} draws must lie in that range), got ${x}`);
  };
  // min > max: the bound outside the field's range is the one to fix (named by its own path);
  // when both lie within it either could be, and the pair is named by the distribution's path.
  const minAboveMax = (lo: number, hi: number) => {
    const loBad = below(lo) || above(lo);
    const hiBad = below(hi) || above(hi);
    if (loBad) checkPoint(lo, ['min'], 'min');
    if (hiBad) checkPoint(hi, ['max'], 'max');
    if (!loBad && !hiBad) add([], `expected min <= max, got min ${lo} above max ${hi}`);
  };
  if (typeof d === 'number') {
    checkPoint(d, [], 'a value');
    return out;
  }
  if (!isObj(d)) return out;
  const lo = num(d['min']);
  const hi = num(d['max']);
  switch (d['dist']) {
    case 'fixed':
      checkPoint(num(d['value']) ?? NaN, ['value'], 'a value');
      break;
    case 'uniform':
    case 'triangular':
      if (lo === undefined || hi === undefined) break;
      if (!(lo <= hi)) {
        minAboveMax(lo, hi);
        break;
      }
      if (d['dist'] === 'triangular') {
        const mode = num(d['mode']);
        if (mode !== undefined && !(mode >= lo && mode <= hi)) add(['mode'], `expected min <= mode <= max (${lo} to ${hi}), got ${mode}`);
      }
      checkPoint(lo, ['min'], 'min');
      checkPoint(hi, ['max'], 'max');
      break;
    case 'lognormal':
    case 'normal': {
      if (lo !== undefined && hi !== undefined && !(lo <= hi)) {
        minAboveMax(lo, hi);
        break;
      }
      // Reach of the unclamped draw, then the clamp.
      let reachLo: number;
      let reachHi: number;
      if (d['dist'] === 'lognormal') {
        const median = num(d['median']) ?? NaN;
        const sigma = num(d['sigma']) ?? NaN;
        reachLo = median * Math.exp(-NORMAL_REACH * sigma);
        reachHi = median * Math.exp(NORMAL_REACH * sigma);
        if (!(median > 0) || !Number.isFinite(reachHi)) {
          if (hi === undefined) add(['median'], `expected a median and sigma whose draws stay finite and <= ${r.max}, or a max; got median ${median}, sigma ${sigma}`);
          reachHi = Infinity;
        }
      } else {
        const mean = num(d['mean']) ?? NaN;
        const sd = num(d['sd']) ?? NaN;
        reachLo = mean - NORMAL_REACH * sd;
        reachHi = mean + NORMAL_REACH * sd;
      }
      const effLo = lo === undefined ? reachLo : Math.max(lo, Math.min(reachLo, hi ?? Infinity));
      const effHi = hi === undefined ? reachHi : Math.min(hi, Math.max(reachHi, lo ?? -Infinity));
      if (lo !== undefined) checkPoint(lo, ['min'], 'min');
      else if (below(effLo)) add(['min'], `required: this ${d['dist']} can draw ${effLo.toPrecision(3)}; expected a min ${rangeText}`);
      if (hi !== undefined) checkPoint(hi, ['max'], 'max');
      else if (above(effHi)) add(['max'], `required: this ${d['dist']} can draw ${effHi.toPrecision(3)}; expected a max ${rangeText}`);
      break;
    }
    case 'beta': {
      const scale = num(d['scale']) ?? 1;
      if (r.open && r.min === 0) add(['dist'], `a beta distribution can draw 0; expected ${field} ${rangeText}`);
      checkPoint(scale, ['scale'], 'scale');
      break;
    }
    default:
      break;
  }
  return out;
}

/** A distribution's mean, clamped to its bounds (0 when unknown): for expected totals only. */
function distMean(d: unknown): number {
  if (typeof d === 'number') return d;
  if (!isObj(d)) return 0;
  const n = (k: string) => num(d[k]) ?? NaN;
  let m: number;
  switch (d['dist']) {
    case 'fixed':
      m = n('value');
      break;
    case 'uniform':
      m = (n('min') + n('max')) / 2;
      break;
    case 'triangular':
      m = (n('min') + n('mode') + n('max')) / 3;
      break;
    case 'lognormal':
      m = n('median') * Math.exp((n('sigma') * n('sigma')) / 2);
      break;
    case 'normal':
      m = n('mean');
      break;
    case 'beta':
      m = ((num(d['scale']) ?? 1) * n('a')) / (n('a') + n('b'));
      break;
    default:
      return 0;
  }
  const lo = num(d['min']);
  const hi = num(d['max']);
  if (d['dist'] === 'lognormal' || d['dist'] === 'normal') {
    if (hi !== undefined) m = Math.min(m, hi);
    if (lo !== undefined) m = Math.max(m, lo);
  }
  return Number.isFinite(m) ? m : 0;
}

function bounded(out: Problem[], v: unknown, path: Path, max: number, what: string): void {
  if (typeof v === 'number' && v > max) out.push({ path: formatPath(path), message: `expected at most ${max} ${what}, got ${v}` });
}

function loanProblems(loan: unknown, path: Path): Problem[] {
  const out: Problem[] = [];
  if (!isObj(loan)) return out;
  for (const k of ['marginCallLtv', 'liquidationLtv'] as const) {
    const v = num(loan[k]);
    if (v !== undefined && v > 1) out.push({ path: formatPath([...path, k]), message: `expected an LTV <= 1 (a share of the collateral's value), got ${v}` });
  }
  bounded(out, loan['principalUsd'], [...path, 'principalUsd'], LIMITS.usd, 'USD');
  bounded(out, loan['maxPrincipalUsd'], [...path, 'maxPrincipalUsd'], LIMITS.usd, 'USD');
  bounded(out, loan['rateAnnual'], [...path, 'rateAnnual'], LIMITS.rateAnnual, '(a yearly rate of 1000%)');
  return out;
}

/** Policy overrides (a strategy bundle or a miner's `policies`): LTV and size bounds. */
function policyProblems(p: unknown, path: Path): Problem[] {
  const out: Problem[] = [];
  if (!isObj(p)) return out;
  const t = p['treasury'];
  if (isObj(t)) {
    const at = num(t['deleverageAtLtv']);
    const to = num(t['deleverageToLtv']);
    if (at !== undefined && at > 1) out.push({ path: formatPath([...path, 'treasury', 'deleverageAtLtv']), message: `expected an LTV <= 1, got ${at}` });
    if (at !== undefined && to !== undefined && !(to < at)) {
      out.push({ path: formatPath([...path, 'treasury', 'deleverageToLtv']), message: `expected less than deleverageAtLtv (${at}), got ${to}` });
    }
    bounded(out, t['cashDays'], [...path, 'treasury', 'cashDays'], 36_500, 'days');
  }
  const e = p['expand'];
  if (isObj(e)) {
    bounded(out, e['efficiencyJPerTH'], [...path, 'expand', 'efficiencyJPerTH'], LIMITS.efficiencyJPerTH, 'J/TH');
    bounded(out, e['machineUsdPerTH'], [...path, 'expand', 'machineUsdPerTH'], 1e6, 'USD/TH');
    bounded(out, e['maxOrderShareOfFleet'], [...path, 'expand', 'maxOrderShareOfFleet'], LIMITS.shareOfFleet, '(a share of the fleet)');
  }
  const a = p['aiPivot'];
  if (isObj(a)) {
    bounded(out, a['revenueUsdPerMwYear'], [...path, 'aiPivot', 'revenueUsdPerMwYear'], 1e10, 'USD per MW-year');
    bounded(out, a['capexUsdPerMw'], [...path, 'aiPivot', 'capexUsdPerMw'], 1e11, 'USD per MW');
    bounded(out, a['contractYears'], [...path, 'aiPivot', 'contractYears'], 100, 'years');
  }
  const x = p['exit'];
  if (isObj(x)) {
    const v = num(x['minCashUsd']);
    if (v !== undefined && Math.abs(v) > LIMITS.usd) out.push({ path: formatPath([...path, 'exit', 'minCashUsd']), message: `expected a number between -${LIMITS.usd} and ${LIMITS.usd}, got ${v}` });
  }
  return out;
}

function strategyRefProblems(strategy: unknown, path: Path, custom: unknown): Problem[] {
  const out: Problem[] = [];
  if (typeof strategy === 'string') {
    if (!knownStrategy(strategy, custom)) {
      out.push({ path: formatPath(path), message: `unknown strategy "${strategy}"; expected one of ${strategyList(custom)}` });
    }
  } else if (isObj(strategy)) {
    const entries = Object.entries(strategy);
    for (const [name] of entries) {
      if (!knownStrategy(name, custom)) out.push({ path: formatPath([...path, name]), message: `unknown strategy "${name}"; expected one of ${strategyList(custom)}` });
    }
    const total = entries.reduce((a, [, w]) => a + (typeof w === 'number' ? w : 0), 0);
    if (!(total > 0) || !Number.isFinite(total)) out.push({ path: formatPath(path), message: 'expected strategy weights with a positive, finite sum (e.g. { seller: 1 })' });
  }
  return out;
}

export interface SemanticOptions {
  /**
   * Refuse a scenario without any hashrate (no named miner, population or fringe): nothing to
   * simulate. The CLI's validate and run ask for it; library callers (tests, sweeps of partial
   * scenarios) may build one up.
   */
  readonly requireHashrate?: boolean;
}

/** Every problem of a schema-valid scenario that its runs would hit, with field paths. */
export function semanticProblems(s: unknown, options: SemanticOptions = {}): Problem[] {
  const out: Problem[] = [];
  if (!isObj(s)) return out;
  const custom = s['strategies'];
  if (isObj(custom)) for (const [name, bundle] of Object.entries(custom)) out.push(...policyProblems(bundle, ['strategies', name]));
  let hashrate = 0;
  let treasury = 0;
  let namedHashrate = 0;
  let expectedPopulation = 0;
  const miners = Array.isArray(s['miners']) ? s['miners'] : [];
  miners.forEach((m: unknown, i) => {
    if (!isObj(m)) return;
    const at = (...p: Path): Path => ['miners', i, ...p];
    out.push(...strategyRefProblems(m['strategy'], at('strategy'), custom));
    out.push(...policyProblems(m['policies'], at('policies')));
    out.push(...loanProblems(m['loan'], at('loan')));
    const tb = num(m['treasuryBtc']) ?? 0;
    treasury += tb;
    bounded(out, m['treasuryBtc'], at('treasuryBtc'), MAX_BTC, 'BTC (the whole supply is 21 million)');
    bounded(out, m['cashUsd'], at('cashUsd'), LIMITS.usd, 'USD');
    bounded(out, m['opexUsdPerDay'], at('opexUsdPerDay'), LIMITS.usd / 1000, 'USD per day');
    bounded(out, m['hashrateEHs'], at('hashrateEHs'), LIMITS.hashrateEHs, 'EH/s');
    bounded(out, m['efficiencyJPerTH'], at('efficiencyJPerTH'), LIMITS.efficiencyJPerTH, 'J/TH');
    bounded(out, m['powerPriceUsdPerMWh'], at('powerPriceUsdPerMWh'), LIMITS.powerPriceUsdPerMWh, 'USD/MWh');
    bounded(out, m['siteMw'], at('siteMw'), LIMITS.mw, 'MW');
    // Site capacity: each site's MW must hold the cohorts it hosts (the engine refuses otherwise).
    if (Array.isArray(m['cohorts']) && Array.isArray(m['sites'])) {
      const sites = m['sites'] as unknown[];
      const drawn = sites.map(() => 0);
      (m['cohorts'] as unknown[]).forEach((c, k) => {
        if (!isObj(c)) return;
        const ehs = num(c['hashrateEHs']) ?? ((num(c['units']) ?? 0) * (num(c['thPerUnit']) ?? 0)) / 1e6;
        const jth = num(c['efficiencyJPerTH']) ?? 0;
        bounded(out, ehs, c['hashrateEHs'] !== undefined ? at('cohorts', k, 'hashrateEHs') : at('cohorts', k, 'units'), LIMITS.hashrateEHs, 'EH/s');
        bounded(out, c['efficiencyJPerTH'], at('cohorts', k, 'efficiencyJPerTH'), LIMITS.efficiencyJPerTH, 'J/TH');
        bounded(out, c['ageDays'], at('cohorts', k, 'ageDays'), LIMITS.ageDays, 'days');
        hashrate += ehs;
        const site = num(c['site']) ?? 0;
        if (site >= 0 && site < drawn.length) drawn[site]! += ehs * jth;
      });
      sites.forEach((site, k) => {
        if (!isObj(site)) return;
        const mw = num(site['mw']);
        bounded(out, mw, at('sites', k, 'mw'), LIMITS.mw, 'MW');
        bounded(out, site['powerPriceUsdPerMWh'], at('sites', k, 'powerPriceUsdPerMWh'), LIMITS.powerPriceUsdPerMWh, 'USD/MWh');
        if (mw !== undefined && drawn[k]! > mw * (1 + 1e-9)) {
          out.push({ path: formatPath(at('sites', k, 'mw')), message: `expected at least ${drawn[k]!.toFixed(3)} MW: the cohorts on this site draw that much (hashrate EH/s x J/TH), got ${mw}` });
        }
      });
    } else {
      const ehs = num(m['hashrateEHs']) ?? 0;
      const jth = num(m['efficiencyJPerTH']) ?? 0;
      hashrate += ehs;
      const mw = num(m['siteMw']);
      if (mw !== undefined && ehs * jth > mw * (1 + 1e-9)) {
        out.push({ path: formatPath(at('siteMw')), message: `expected at least ${(ehs * jth).toFixed(3)} MW: the miner's machines draw that much (hashrateEHs x efficiencyJPerTH), got ${mw}` });
      }
    }
  });
  namedHashrate = hashrate;
  if (treasury > MAX_BTC) out.push({ path: 'miners', message: `expected treasuries totalling at most ${MAX_BTC} BTC (the whole supply), got ${treasury}` });
  const pops = Array.isArray(s['populations']) ? s['populations'] : [];
  let generated = 0;
  pops.forEach((p: unknown, i) => {
    if (!isObj(p)) return;
    const at = (...q: Path): Path => ['populations', i, ...q];
    const count = num(p['count']) ?? 0;
    generated += count;
    bounded(out, p['count'], at('count'), LIMITS.populationCount, 'miners per population');
    if (count > 0) hashrate += 1; // every generated miner has a positive hashrate
    expectedPopulation += count * distMean(p['hashrateEHs'] ?? DEFAULT_POPULATION_HASHRATE);
    out.push(...strategyRefProblems(p['strategy'], at('strategy'), custom));
    out.push(...policyProblems(p['policies'], at('policies')));
    out.push(...loanProblems(p['loan'], at('loan')));
    for (const [field, range] of Object.entries(POPULATION_FIELDS)) {
      if (p[field] !== undefined) out.push(...distProblems(p[field], at(field), field, range));
    }
  });
  if (generated > LIMITS.minersTotal) out.push({ path: 'populations', message: `expected at most ${LIMITS.minersTotal} generated miners in all, got ${generated}` });
  const fringe = s['fringe'];
  if (isObj(fringe)) {
    const f = fringe['hashrateEHs'];
    if (f === 'realized') {
      hashrate += 1;
      // The fringe starts at the real network's realized hashrate less the agents': the start must
      // be inside the retarget data, and the named miners alone must not exceed it.
      let realized: number | null = null;
      try {
        realized = realizedHashrateBefore(resolveStart(s as unknown as StartInput).height);
      } catch {
        realized = null; // a start problem is reported by the start checks
      }
      if (realized === null) {
        out.push({ path: 'fringe.hashrateEHs', message: "'realized' needs a start whose last completed retarget epoch is in the retarget data (start.date/start.height); give a number instead" });
      } else if (namedHashrate + expectedPopulation > realized) {
        out.push({
          path: 'fringe.hashrateEHs',
          message:
            `'realized' is ${realized.toFixed(1)} EH/s at the start, less than the agents' ${(namedHashrate + expectedPopulation).toFixed(1)} EH/s ` +
            `(named miners ${namedHashrate.toFixed(1)}, populations ${expectedPopulation.toFixed(1)} expected); give the fringe a number, or lower the agents' hashrate`,
        });
      }
    }
    else if (typeof f === 'number') {
      hashrate += f;
      bounded(out, f, ['fringe', 'hashrateEHs'], LIMITS.hashrateEHs, 'EH/s');
    }
  }
  if (options.requireHashrate === true && !(hashrate > 0)) {
    out.push({ path: '', message: 'expected some hashrate: named miners, populations or fringe.hashrateEHs > 0 (no block could ever be found)' });
  }
  out.push(...outputMetricsProblems(s['output']));
  const price = s['price'];
  if (isObj(price) && Array.isArray(price['pricesUsd'])) {
    const i = (price['pricesUsd'] as unknown[]).findIndex((x) => typeof x === 'number' && x > LIMITS.priceUsd);
    if (i >= 0) {
      out.push({
        path: formatPath(['price', price['file'] !== undefined ? 'file' : 'pricesUsd']),
        message: `expected prices of at most ${LIMITS.priceUsd} USD (as initialUsd), got ${(price['pricesUsd'] as number[])[i]} on day ${i}`,
      });
    }
  }
  return out;
}

/**
 * `output.metrics` names series metrics (docs/RESULTS.md). It does not restrict what a batch
 * writes: every series metric is recorded, because bands, charts, the report and compare need them
 * all (docs/RESULTS.md, "output.metrics"). The names are still checked, so a typo is not silently
 * taken for a metric that exists.
 */
function outputMetricsProblems(output: unknown): Problem[] {
  if (!isObj(output) || !Array.isArray(output['metrics'])) return [];
  const known = SERIES_METRICS.map((m) => m.name as string);
  const out: Problem[] = [];
  (output['metrics'] as unknown[]).forEach((name, i) => {
    if (typeof name !== 'string' || known.includes(name)) return;
    const near = known.filter((k) => editDistance(k.toLowerCase(), name.toLowerCase()) <= 2);
    const hint = near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ` (series metrics: ${known.join(', ')})`;
    const shown = name.length > 60 ? `${name.slice(0, 60)}...` : name;
    out.push({ path: formatPath(['output', 'metrics', i]), message: `unknown series metric ${JSON.stringify(shown)}${hint}` });
  });
  return out;
}
