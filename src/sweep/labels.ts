// Readable names and numbers for sweep parameters in charts, tables and messages.

/** Unit suffixes of scenario field names (camelCase), longest first, and how they read. */
const UNIT_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['UsdPerMwYear', 'USD per MW-year'],
  ['UsdPerMWYear', 'USD per MW-year'],
  ['UsdPerMWh', 'USD/MWh'],
  ['UsdPerMwh', 'USD/MWh'],
  ['UsdPerMw', 'USD per MW'],
  ['UsdPerMW', 'USD per MW'],
  ['UsdPerTH', 'USD/TH'],
  ['UsdPerDay', 'USD/day'],
  ['BtcPerBlock', 'BTC per block'],
  ['JPerTH', 'J/TH'],
  ['EHs', 'EH/s'],
  ['Usd', 'USD'],
  ['Btc', 'BTC'],
  ['Mw', 'MW'],
  ['MW', 'MW'],
  ['Days', 'days'],
  ['Years', 'years'],
  ['Pct', 'fraction'],
  ['Annual', 'per year'],
];

const ACRONYMS: Readonly<Record<string, string>> = { ai: 'AI', btc: 'BTC', usd: 'USD', ltv: 'LTV', fpps: 'FPPS', mw: 'MW', gbm: 'GBM', hpc: 'HPC', asic: 'ASIC' };

function words(camel: string): string[] {
  return camel
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_]+/)
    .filter(Boolean)
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
}

/**
 * A readable title for a parameter path: `price.driftAnnual` -> "Price drift (per year)",
 * `strategies.aiCapable.aiPivot.revenueUsdPerMwYear` -> "AI pivot revenue (USD per MW-year)",
 * `miners[0].powerPriceUsdPerMWh` -> "miners[0] power price (USD/MWh)". A label from the sweep
 * file's `analysis.labels` wins.
 */
export function parameterTitle(path: string, labels?: Readonly<Record<string, string>>): string {
  const given = labels?.[path];
  if (given) return given;
  const parts = path.split('.');
  let last = parts[parts.length - 1]!;
  let unit = '';
  for (const [suffix, u] of UNIT_SUFFIXES) {
    if (last.endsWith(suffix) && last.length > suffix.length) {
      unit = u;
      last = last.slice(0, -suffix.length);
      break;
    }
  }
  const parent = parts.length > 1 ? parts[parts.length - 2]! : '';
  const ctx = /\[\d+\]$/.test(parent) ? parent : parent && !['strategies', 'policies'].includes(parent) ? words(parent).join(' ') : '';
  const lastWords = words(last).join(' ');
  let text = ctx && !lastWords.toLowerCase().startsWith(ctx.toLowerCase()) ? `${ctx} ${lastWords}` : lastWords;
  if (/^[a-z]/.test(text)) text = text[0]!.toUpperCase() + text.slice(1);
  return unit ? `${text} (${unit})` : text;
}

/** A number written for people: 1200000 -> "1.2M", 0.25 -> "0.25", -0.3 -> "-0.3", 1650 -> "1,650". */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e4) {
    const units: ReadonlyArray<readonly [number, string]> = [
      [1e12, 'T'],
      [1e9, 'B'],
      [1e6, 'M'],
      [1e3, 'k'],
    ];
    for (const [f, s] of units) {
      if (a >= f) return `${Number((v / f).toPrecision(digits))}${s}`;
    }
  }
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a === 0) return '0';
  return String(Number(v.toPrecision(digits)));
}

/** A parameter value for labels: numbers via formatNumber, other JSON as written. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
