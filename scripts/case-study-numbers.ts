// Prints (markdown) every number quoted in docs/case-study-2026.md, computed from the result sets
// that scripts/case-study.sh writes under results/. Medians with 5-95% bands over runs; paired
// differences (same seed and run index = common random numbers) as mean with a 95% t-interval.
//   npx tsx scripts/case-study-numbers.ts > results/case-study-numbers.md
import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const R = 'results';
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}
const num = (v: unknown) => (v === null || v === undefined ? NaN : Number(v));
function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(digits)}e9`;
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(digits);
}
/** 95% t critical value (normal beyond 120 df is close enough at the precision we print). */
const t95 = (n: number) => (n > 120 ? 1.98 : n > 60 ? 2.0 : n > 30 ? 2.04 : n > 20 ? 2.09 : 2.26);

async function band(dir: string, table: string, expr: string, where = 'true'): Promise<string> {
  const [r] = await rows(
    `select quantile_cont(x, 0.5) m, quantile_cont(x, 0.05) lo, quantile_cont(x, 0.95) hi, count(x) n from (select ${expr} x from '${R}/${dir}/${table}.parquet' where ${where})`,
  );
  return `${fmt(num(r!.m))} [${fmt(num(r!.lo))} - ${fmt(num(r!.hi))}]`;
}

async function paired(a: string, b: string, table: string, expr: string, where = 'true', key = 'run_index'): Promise<string> {
  const [r] = await rows(`
    with A as (select ${key} k, ${expr} x from '${R}/${a}/${table}.parquet' where ${where}),
         B as (select ${key} k, ${expr} x from '${R}/${b}/${table}.parquet' where ${where}),
         D as (select B.x - A.x d, A.x ax from A join B using (k))
    select avg(d) m, stddev_samp(d) s, count(d) n, avg(ax) base from D`);
  const n = num(r!.n);
  const m = num(r!.m);
  const h = (t95(n - 1) * num(r!.s)) / Math.sqrt(n);
  const base = num(r!.base);
  const pct = base !== 0 ? ` (${((m / base) * 100).toFixed(1)}% of the baseline mean, CI ${(((m - h) / base) * 100).toFixed(1)}% to ${(((m + h) / base) * 100).toFixed(1)}%)` : '';
  return `${fmt(m)} [95% CI ${fmt(m - h)} to ${fmt(m + h)}], n = ${n}${pct}`;
}

const out: string[] = [];
const line = (s = '') => out.push(s);
const have = (d: string) => existsSync(`${R}/${d}/runs.parquet`);

if (have('baseline-2026') && have('ai-pivot-wave-2026')) {
  const A = 'baseline-2026';
  const B = 'ai-pivot-wave-2026';
  line('## Pivot wave: baseline-2026 (A) vs ai-pivot-wave-2026 (B)');
  line();
  line('| metric | baseline median [p5 - p95] | pivot median [p5 - p95] | paired B - A |');
  line('|---|---|---|---|');
  const dayRow = async (label: string, col: string, day: number, scale = 1) => {
    const e = `${col} / ${scale}`;
    const w = `day = ${day}`;
    line(`| ${label} | ${await band(A, 'series', e, w)} | ${await band(B, 'series', e, w)} | ${await paired(A, B, 'series', e, w)} |`);
  };
  for (const d of [30, 180, 365, 729]) await dayRow(`hashrate EH/s, day ${d}`, 'hashrate_ehs', d);
  for (const d of [180, 365, 729]) await dayRow(`difficulty T, day ${d}`, 'difficulty', d, 1e12);
  for (const d of [180, 365, 729]) await dayRow(`hashprice $/PH/day, day ${d}`, 'hashprice_usd_per_ph_day', d);
  for (const d of [365, 729]) await dayRow(`attack cost (24 h) $B, day ${d}`, 'attack_cost_usd', d, 1e9);
  for (const d of [365, 729]) await dayRow(`attack hashrate from idle/used machines (share), day ${d}`, 'attack_existing_share', d);
  for (const d of [365, 729]) await dayRow(`security budget $M/day, day ${d}`, 'security_budget_usd_per_day', d, 1e6);
  for (const d of [30, 365, 729]) await dayRow(`pool HHI, day ${d}`, 'pool_hhi', d);
  for (const d of [30, 365, 729]) await dayRow(`HHI of identified miners, day ${d}`, 'hhi', d);
  const runRow = async (label: string, expr: string) =>
    line(`| ${label} | ${await band(A, 'runs', expr)} | ${await band(B, 'runs', expr)} | ${await paired(A, B, 'runs', expr)} |`);
  await runRow('min hashrate (EH/s)', 'min_hashrate_ehs');
  await runRow('max hashrate drawdown (%)', 'max_hashrate_drawdown_pct');
  await runRow('min difficulty (T)', 'min_difficulty / 1e12');
  await runRow('agent BTC mined, 2 y', 'mined_total_btc');
  await runRow('agent BTC sold voluntarily, 2 y', 'sold_total_btc');
  await runRow('BTC liquidated (lenders + exits), 2 y', 'liquidated_total_btc');
  await runRow('margin calls, 2 y', 'margin_calls_total');
  await runRow('miners exited, 2 y', 'miners_exited');
  await runRow('MW started converting to AI', 'mw_pivoted');
  await runRow('MW operating AI at the end', 'ai_mw_final');
  await runRow('min attack cost (24 h, $B)', 'min_attack_cost_usd_per_hour * 24 / 1e9');
  await runRow('min security budget ($M/day)', 'min_security_budget_usd_per_day / 1e6');
  line();
  line('Busiest day of margin calls (share of a run\'s calls on its busiest day; pooled over runs):');
  line();
  for (const d of [A, B]) {
    const [r] = await rows(`with m as (select run_index, max(margin_calls) mx, sum(margin_calls) tot from '${R}/${d}/series.parquet' group by run_index) select sum(mx) / sum(tot) pooled, median(case when tot > 0 then mx / tot end) med, avg(tot) calls from m`);
    line(`- ${d}: pooled ${fmt(num(r!.pooled) * 100)}%, median over runs ${fmt(num(r!.med) * 100)}%, mean calls per run ${fmt(num(r!.calls))}`);
  }
  line();
  line('Largest one-day agent BTC sale (voluntary), median over runs [p5 - p95]:');
  line();
  for (const d of [A, B]) {
    const [r] = await rows(`select quantile_cont(x, 0.5) m, quantile_cont(x, 0.05) lo, quantile_cont(x, 0.95) hi from (select max(sold_btc) x from '${R}/${d}/series.parquet' group by run_index)`);
    line(`- ${d}: ${fmt(num(r!.m))} [${fmt(num(r!.lo))} - ${fmt(num(r!.hi))}] BTC`);
  }
  line();
  line('Margin of a reference S21 (17.5 J/TH) at $50/MWh (power $21.0/PH/day), net of a 2.5% pool fee, mean over the run ($/PH/day):');
  line();
  const margin = 'avg(hashprice_usd_per_ph_day * 0.975 - 21.0)';
  const [ma] = await rows(`select quantile_cont(x,0.5) m, quantile_cont(x,0.05) lo, quantile_cont(x,0.95) hi from (select ${margin} x from '${R}/${A}/series.parquet' group by run_index)`);
  const [mb] = await rows(`select quantile_cont(x,0.5) m, quantile_cont(x,0.05) lo, quantile_cont(x,0.95) hi from (select ${margin} x from '${R}/${B}/series.parquet' group by run_index)`);
  const [md] = await rows(`with A as (select run_index k, ${margin} x from '${R}/${A}/series.parquet' group by run_index), B as (select run_index k, ${margin} x from '${R}/${B}/series.parquet' group by run_index) select avg(B.x-A.x) m, stddev_samp(B.x-A.x) s, count(*) n from A join B using (k)`);
  const h = (t95(num(md!.n)) * num(md!.s)) / Math.sqrt(num(md!.n));
  line(`- baseline ${fmt(num(ma!.m))} [${fmt(num(ma!.lo))} - ${fmt(num(ma!.hi))}], pivot ${fmt(num(mb!.m))} [${fmt(num(mb!.lo))} - ${fmt(num(mb!.hi))}], paired ${fmt(num(md!.m))} [95% CI ${fmt(num(md!.m) - h)} to ${fmt(num(md!.m) + h)}]`);
  line();
  line('Named miners in the pivot world (median over runs; share of runs with the event):');
  line();
  line('| miner | MW pivoted | first pivot day | BTC sold | BTC liquidated | final treasury BTC | runs margin-called | runs exited | final EH/s |');
  line('|---|---|---|---|---|---|---|---|---|');
  for (const r of await rows(`select miner, miner_index, median(mw_pivoted) mw, median(first_pivot_day) pd, median(sold_btc) s, median(liquidated_btc) l, median(final_treasury_btc + final_collateral_btc) t, avg(case when margin_calls > 0 then 1 else 0 end) mc, avg(case when exit_day is not null then 1 else 0 end) ex, median(final_hashrate_ehs) hr from '${R}/${B}/miners.parquet' where miner not like 'private%' group by miner, miner_index order by miner_index`)) {
    line(`| ${r.miner} | ${fmt(num(r.mw))} | ${fmt(num(r.pd))} | ${fmt(num(r.s))} | ${fmt(num(r.l))} | ${fmt(num(r.t))} | ${(num(r.mc) * 100).toFixed(0)}% | ${(num(r.ex) * 100).toFixed(0)}% | ${fmt(num(r.hr))} |`);
  }
  line();
  line('Same table, baseline world:');
  line();
  line('| miner | BTC sold | BTC liquidated | final treasury BTC | runs margin-called | runs exited | final EH/s |');
  line('|---|---|---|---|---|---|---|');
  for (const r of await rows(`select miner, miner_index, median(sold_btc) s, median(liquidated_btc) l, median(final_treasury_btc + final_collateral_btc) t, avg(case when margin_calls > 0 then 1 else 0 end) mc, avg(case when exit_day is not null then 1 else 0 end) ex, median(final_hashrate_ehs) hr from '${R}/${A}/miners.parquet' where miner not like 'private%' group by miner, miner_index order by miner_index`)) {
    line(`| ${r.miner} | ${fmt(num(r.s))} | ${fmt(num(r.l))} | ${fmt(num(r.t))} | ${(num(r.mc) * 100).toFixed(0)}% | ${(num(r.ex) * 100).toFixed(0)}% | ${fmt(num(r.hr))} |`);
  }
  line();
  line('Agent BTC sales by quarter (voluntary + liquidated; median over runs [p5 - p95]):');
  line();
  line('| quarter (days) | baseline | pivot |');
  line('|---|---|---|');
  for (let q = 0; q < 8; q++) {
    const e = `sum(sold_btc + liquidated_btc)`;
    const w = q === 0 ? 'day <= 91' : `day > ${q * 91} and day <= ${(q + 1) * 91}`;
    const bq = async (d: string) => {
      const [r] = await rows(`select quantile_cont(x,0.5) m, quantile_cont(x,0.05) lo, quantile_cont(x,0.95) hi from (select ${e} x from '${R}/${d}/series.parquet' where ${w} group by run_index)`);
      return `${fmt(num(r!.m))} [${fmt(num(r!.lo))} - ${fmt(num(r!.hi))}]`;
    };
    line(`| Q${q + 1} (${q === 0 ? 0 : q * 91 + 1}-${(q + 1) * 91}) | ${await bq(A)} | ${await bq(B)} |`);
  }
  line();
  line('Where the hashrate goes (supply model): agents vs fringe, stocks of the fringe (median [p5 - p95]; paired B - A):');
  line();
  line('| metric | baseline | pivot | paired B - A |');
  line('|---|---|---|---|');
  for (const d of [0, 90, 365, 729]) await dayRow(`network hashrate EH/s, day ${d}`, 'hashrate_ehs', d);
  for (const d of [0, 90, 365, 729]) await dayRow(`agents' running hashrate EH/s, day ${d}`, 'agent_hashrate_ehs', d);
  for (const d of [0, 90, 365, 729]) await dayRow(`fringe running hashrate EH/s, day ${d}`, 'fringe_hashrate_ehs', d);
  for (const d of [0, 365, 729]) await dayRow(`fringe installed EH/s, day ${d}`, 'fringe_installed_ehs', d);
  for (const d of [0, 365, 729]) await dayRow(`secondary-market stock EH/s, day ${d}`, 'secondary_market_ehs', d);
  for (const d of [365, 729]) await dayRow(`ASIC price $/TH, day ${d}`, 'asic_usd_per_th', d);
  await runRow('fringe machines ordered, 2 y (EH/s)', 'fringe_ordered_total_ehs');
  await runRow('machines scrapped, 2 y (EH/s)', 'scrapped_total_ehs');
  for (const d of [0, 365, 729]) await dayRow(`miners curtailing, day ${d}`, 'miners_curtailing', d);
  await dayRow('agents\' BTC sold on day 0', 'sold_btc', 0);
  line();
  const conv: string[] = [];
  for (const d of [0, 30, 45, 60, 90, 365]) {
    const [r] = await rows(`select median(miners_converting) m from '${R}/${B}/series.parquet' where day = ${d}`);
    conv.push(`day ${d}: ${fmt(num(r!.m))}`);
  }
  line(`Pivot world, miners converting (median over runs): ${conv.join(', ')}.`);
  line();
  line('Named miners, mean per run (margin calls) and medians (debt at the end, exit day among runs that exit):');
  line();
  line('| miner | margin calls per run (baseline / pivot) | final debt $M (baseline / pivot) | exit day median (baseline / pivot) |');
  line('|---|---|---|---|');
  for (const r of await rows(`select a.miner, a.miner_index, avg(a.margin_calls) ca, avg(b.margin_calls) cb, median(a.final_debt_usd) / 1e6 da, median(b.final_debt_usd) / 1e6 db, median(a.exit_day) ea, median(b.exit_day) eb from '${R}/${A}/miners.parquet' a join '${R}/${B}/miners.parquet' b using (run_index, miner_index) where a.miner not like 'private%' group by a.miner, a.miner_index order by a.miner_index`)) {
    line(`| ${r.miner} | ${fmt(num(r.ca))} / ${fmt(num(r.cb))} | ${fmt(num(r.da))} / ${fmt(num(r.db))} | ${fmt(num(r.ea))} / ${fmt(num(r.eb))} |`);
  }
  line();
  const privExits = (d: string) =>
    `select r.run_index, r.miners_exited - coalesce(n.e, 0) e from '${R}/${d}/runs.parquet' r left join (select run_index, sum(case when exit_day is not null then 1 else 0 end) e from '${R}/${d}/miners.parquet' group by run_index) n using (run_index)`;
  const [px] = await rows(`select (select median(e) from (${privExits(A)})) a, (select median(e) from (${privExits(B)})) b`);
  line(`Generated private miners exited in 2 years (all exits minus named ones; median, of 60): baseline ${fmt(num(px!.a))}, pivot ${fmt(num(px!.b))}.`);
  line();
}

if (have('price-crash-stress')) {
  const C = 'price-crash-stress';
  line('## Price crash stress (1 year)');
  line();
  line('| metric | median [p5 - p95] |');
  line('|---|---|');
  for (const [label, e] of [
    ['min price ($)', 'min_price_usd'],
    ['final price ($)', 'final_price_usd'],
    ['min hashrate (EH/s)', 'min_hashrate_ehs'],
    ['max hashrate drawdown (%)', 'max_hashrate_drawdown_pct'],
    ['min hashprice ($/PH/day)', 'min_hashprice_usd_per_ph_day'],
    ['margin calls', 'margin_calls_total'],
    ['liquidations', 'liquidations_total'],
    ['miners exited (of miners_total)', 'miners_exited'],
    ['BTC sold voluntarily', 'sold_total_btc'],
    ['BTC liquidated (lenders + exit estates)', 'liquidated_total_btc'],
    ['first margin call day', 'first_margin_call_day'],
    ['first liquidation day', 'first_liquidation_day'],
    ['first exit day', 'first_exit_day'],
    ['steps without blocks', 'steps_without_blocks'],
    ['max block interval (s)', 'max_block_interval_s'],
    ['min attack cost ($M/h)', 'min_attack_cost_usd_per_hour / 1e6'],
  ] as const) {
    line(`| ${label} | ${await band(C, 'runs', e)} |`);
  }
  const [p] = await rows(`select avg(case when margin_calls_total > 0 then 1 else 0 end) mc, avg(case when liquidations_total > 0 then 1 else 0 end) lq, avg(case when miners_exited > 0 then 1 else 0 end) ex, count(*) n from '${R}/${C}/runs.parquet'`);
  line();
  line(`Share of runs with at least one margin call ${(num(p!.mc) * 100).toFixed(0)}%, liquidation ${(num(p!.lq) * 100).toFixed(0)}%, exit ${(num(p!.ex) * 100).toFixed(0)}% (n = ${num(p!.n)}).`);
  line();
  line('Sales and events in the first 60 days (median over runs of the sum over each 10-day window):');
  line();
  line('| days | BTC sold | BTC liquidated | margin calls | liquidations | exits | price median |');
  line('|---|---|---|---|---|---|---|');
  for (let w = 0; w < 6; w++) {
    const [r] = await rows(`select median(s) s, median(l) l, median(mc) mc, median(lq) lq, median(ex) ex, median(pr) pr from (select run_index, sum(sold_btc) s, sum(liquidated_btc) l, sum(margin_calls) mc, sum(liquidations) lq, sum(exits) ex, avg(price_usd) pr from '${R}/${C}/series.parquet' where day >= ${w * 10} and day < ${(w + 1) * 10} group by run_index)`);
    line(`| ${w * 10}-${(w + 1) * 10 - 1} | ${fmt(num(r!.s))} | ${fmt(num(r!.l))} | ${fmt(num(r!.mc))} | ${fmt(num(r!.lq))} | ${fmt(num(r!.ex))} | ${fmt(num(r!.pr))} |`);
  }
  line();
  line('Named miners under the crash:');
  line();
  line('| miner | runs margin-called | runs liquidated | runs exited | median first call day | median BTC sold | median BTC liquidated |');
  line('|---|---|---|---|---|---|---|');
  for (const r of await rows(`select miner, miner_index, avg(case when margin_calls > 0 then 1 else 0 end) mc, avg(case when liquidations > 0 then 1 else 0 end) lq, avg(case when exit_day is not null then 1 else 0 end) ex, median(first_margin_call_day) fd, median(sold_btc) s, median(liquidated_btc) l from '${R}/${C}/miners.parquet' where miner not like 'private%' group by miner, miner_index order by miner_index`)) {
    line(`| ${r.miner} | ${(num(r.mc) * 100).toFixed(0)}% | ${(num(r.lq) * 100).toFixed(0)}% | ${(num(r.ex) * 100).toFixed(0)}% | ${fmt(num(r.fd))} | ${fmt(num(r.s))} | ${fmt(num(r.l))} |`);
  }
  const [pm] = await rows(`with n as (select run_index, sum(case when exit_day is not null then 1 else 0 end) e from '${R}/${C}/miners.parquet' group by run_index) select median(r.miners_exited - n.e) ex from '${R}/${C}/runs.parquet' r join n using (run_index)`);
  line();
  line(`Generated private miners exited per run (all exits minus named ones): median ${fmt(num(pm!.ex))} of 60.`);
  line();
  const [cl] = await rows(`select median(first_liquidation_day) m, quantile_cont(first_liquidation_day, 0.1) lo, quantile_cont(first_liquidation_day, 0.9) hi from '${R}/${C}/miners.parquet' where miner = 'CleanSpark' and first_liquidation_day is not null`);
  line(`CleanSpark's first liquidation day, runs with one: median ${fmt(num(cl!.m))} (10-90%: ${fmt(num(cl!.lo))} - ${fmt(num(cl!.hi))}).`);
  const [ce] = await rows(`select median(exit_day) m from '${R}/${C}/miners.parquet' where miner = 'Cango' and exit_day is not null`);
  line(`Cango's exit day, runs with an exit: median ${fmt(num(ce!.m))}.`);
  line();
}

if (have('halving-2028')) {
  const Hv = 'halving-2028';
  line('## Halving 2028');
  line();
  const [hd] = await rows(`select median(d) d from (select run_index, min(day) d from '${R}/${Hv}/series.parquet' where subsidy_btc < 3 group by run_index)`);
  const hday = Math.round(num(hd!.d));
  line(`Median halving day: ${hday} (height 1,050,000).`);
  line();
  line('| metric | median [p5 - p95] |');
  line('|---|---|');
  for (const [label, col, off] of [
    ['hashrate EH/s, 30 d before', 'hashrate_ehs', -30],
    ['hashrate EH/s, 90 d after', 'hashrate_ehs', 90],
    ['hashprice $/PH/day, 30 d before', 'hashprice_usd_per_ph_day', -30],
    ['hashprice $/PH/day, 30 d after', 'hashprice_usd_per_ph_day', 30],
    ['difficulty T, 90 d after', 'difficulty / 1e12', 90],
    ['miners exited (cum.), 30 d before', 'miners_exited', -30],
    ['miners exited (cum.), 180 d after', 'miners_exited', 180],
    ['fringe machines in transit EH/s, 180 d before', 'fringe_in_transit_ehs', -180],
    ['fringe machines in transit EH/s, 30 d before', 'fringe_in_transit_ehs', -30],
    ['fringe running EH/s, 30 d before', 'fringe_hashrate_ehs', -30],
    ['fringe running EH/s, 90 d after', 'fringe_hashrate_ehs', 90],
    ['agents running EH/s, 30 d before', 'agent_hashrate_ehs', -30],
    ['agents running EH/s, 90 d after', 'agent_hashrate_ehs', 90],
  ] as const) {
    line(`| ${label} | ${await band(Hv, 'series', col, `day = ${hday + off}`)} |`);
  }
  const [pr] = await rows(`with h as (select run_index, min(day) d from '${R}/${Hv}/series.parquet' where subsidy_btc < 3 group by run_index), s as (select s.run_index, s.day - h.d rel, s.hashrate_ehs x from '${R}/${Hv}/series.parquet' s join h using (run_index)) select quantile_cont(r, 0.5) m, quantile_cont(r, 0.05) lo, quantile_cont(r, 0.95) hi from (select run_index, avg(case when rel between 60 and 90 then x end) / avg(case when rel between -30 and -1 then x end) - 1 r from s group by run_index)`);
  line();
  line(`Per-run change of mean hashrate (days +60..+90 vs -30..-1 around each run's halving): median ${(num(pr!.m) * 100).toFixed(1)}% [${(num(pr!.lo) * 100).toFixed(1)}% - ${(num(pr!.hi) * 100).toFixed(1)}%].`);
  line();
}

for (const C of ['cango-deleveraging', 'cango-margin-call']) {
  if (!have(C)) continue;
  line(`## ${C}`);
  line();
  line('| quantity | median [p5 - p95] |');
  line('|---|---|');
  for (const [label, e] of [
    ['BTC mined', 'mined_btc'],
    ['BTC sold voluntarily', 'sold_btc'],
    ['BTC liquidated (lender or exit estate)', 'liquidated_btc'],
    ['free treasury at the end', 'final_treasury_btc'],
    ['pledged collateral at the end', 'final_collateral_btc'],
    ['debt at the end ($M)', 'final_debt_usd / 1e6'],
    ['cash at the end ($M)', 'final_cash_usd / 1e6'],
    ['first margin call day', 'first_margin_call_day'],
    ['exit day', 'exit_day'],
  ] as const) {
    line(`| ${label} | ${await band(C, 'miners', e, "miner = 'Cango'")} |`);
  }
  const [ex] = await rows(`select avg(case when exit_day is not null then 1 else 0 end) e from '${R}/${C}/miners.parquet' where miner = 'Cango'`);
  line();
  line(`Runs in which Cango exits: ${(num(ex!.e) * 100).toFixed(0)}%.`);
  line();
  line('Days with sales > 100 BTC (run 0): ');
  line();
  line('| day | date | price | BTC sold | BTC liquidated | debt $M after |');
  line('|---|---|---|---|---|---|');
  for (const r of await rows(`select day, price_usd p, sold_btc s, liquidated_btc l, debt_usd d from '${R}/${C}/series.parquet' where run_index = 0 and (sold_btc > 100 or liquidated_btc > 100) order by day`)) {
    const date = new Date(Date.parse('2026-01-17T00:00:00Z') + num(r.day) * 86400000).toISOString().slice(0, 10);
    line(`| ${num(r.day)} | ${date} | ${fmt(num(r.p))} | ${fmt(num(r.s))} | ${fmt(num(r.l))} | ${fmt(num(r.d) / 1e6)} |`);
  }
  line();
  const [ds] = await rows(`select median(s) m from (select run_index, avg(sold_btc) s from '${R}/${C}/series.parquet' where day >= 60 group by run_index)`);
  line(`Mean BTC sold per day from day 60 (mid-March) to the end: median over runs ${fmt(num(ds!.m))}.`);
  line();
}

if (existsSync(`${R}/sweeps/ai-revenue-x-drift/sweep.csv`)) {
  line('## Sweep ai-revenue-x-drift (per point: mean over replications)');
  line();
  const cols = await rows(`describe select * from read_csv_auto('${R}/sweeps/ai-revenue-x-drift/sweep.csv')`);
  line('Columns: ' + cols.map((c) => c.column_name).join(', '));
  line();
  line('| AI revenue $M/MW-yr | drift | MW converted (mean) | final hashrate EH/s (median / mean / sd) | final difficulty T (median) | agents\' BTC sold (mean) | final attack cost $M/h (median / mean) |');
  line('|---|---|---|---|---|---|---|');
  const rev = '"strategies.aiCapable.aiPivot.revenueUsdPerMwYear"';
  const drift = '"price.driftAnnual"';
  for (const r of await rows(`select ${rev} rev, ${drift} drift, mw_pivoted_mean mw, final_hashrate_ehs_p50 h50, final_hashrate_ehs_mean hm, final_hashrate_ehs_sd hsd, final_difficulty_p50 / 1e12 d50, sold_total_btc_mean sold, final_attack_cost_usd_per_hour_p50 / 1e6 a50, final_attack_cost_usd_per_hour_mean / 1e6 am from read_csv_auto('${R}/sweeps/ai-revenue-x-drift/sweep.csv') order by rev, drift`)) {
    line(`| ${(num(r.rev) / 1e6).toFixed(2)} | ${(num(r.drift) * 100).toFixed(0)}% | ${fmt(num(r.mw))} | ${fmt(num(r.h50))} / ${fmt(num(r.hm))} / ${fmt(num(r.hsd))} | ${fmt(num(r.d50))} | ${fmt(num(r.sold))} | ${fmt(num(r.a50))} / ${fmt(num(r.am))} |`);
  }
  line();
}
console.log(out.join('\n'));
