// Benchmark miner model (MODEL.md beside this file): a line-by-line JavaScript port of miners.c.
//
// The issue-15 reference for what plain JavaScript reaches on the bench-model: the same
// struct-of-arrays loops as the C program, in the same order of operations, with the same random
// stream (xoshiro256** seeded by splitmix64, its 64-bit words kept as two 32-bit halves), so it draws
// what the C program draws and, up to the last bits of the math library's exp/log/cos, computes what
// it computes (test/bench-model-port.test.ts holds the two side by side). `npm run bench` times it
// between the C program and hashsim.
//
// Run:  node bench/bench-model/miners.mjs [N=1000] [T=365] [seed=1] [csv_path]
// Runs the model once as a warm-up (min(T, 365) days), then prints the C program's report lines
// (impl=js) for the timed run.
import { writeFileSync } from 'node:fs';

/* ---------------- parameters (MODEL.md section 2) ---------------- */
const DAY_S = 86400.0;
const H0_THS = 1e9;
const TARGET_SPACING = 600.0;
const RETARGET_BLOCKS = 2016;
const TWO_WEEKS = 1209600.0;
const SUBSIDY = 3.125;
const FEE = 0.03;
const REWARD = SUBSIDY + FEE;
const P0 = 70000.0;
const SIGMA = 0.03;
const SIZE_SIGMA = 1.0;
const EFF_LO = 13.0;
const EFF_HI = 30.0;
const PP_LO = 30.0;
const PP_HI = 80.0;
const OPERATE_HURDLE = 1.0;
const OPEX_FRAC = 0.01;
const SELL_FRAC = 0.5;
const LOAN_PROB = 0.5;
const LTV0_LO = 0.4;
const LTV0_HI = 0.6;
const MARGIN_LTV = 0.75;
const LIQ_LTV = 0.85;
const CURE_LTV = 0.6;
const LIQ_PENALTY = 0.05;
const LOAN_RATE = 0.09;
const AI_PROB = 0.3;
const AI_REV_MW_YR = 1.5e6;
const AI_MARGIN = 0.8;
const AI_CAPEX_MW = 9e6;
const AI_AMORT_YEARS = 10.0;
const AI_SHARE = 0.5;
const AVG_WINDOW = 30;

/* ---------------- xoshiro256** (each 64-bit word as hi/lo 32-bit halves) ---------------- */
let s0h = 0, s0l = 0, s1h = 0, s1l = 0, s2h = 0, s2l = 0, s3h = 0, s3l = 0;
const TWO32 = 4294967296;

/** The top 53 bits of next_u64() as a double in [0, 1): (next_u64() >> 11) * 2^-53. */
function uniform01() {
  // result = rotl(s[1] * 5, 7) * 9
  let lo = s1l * 5;
  let hi = (Math.imul(s1h, 5) + Math.floor(lo / TWO32)) >>> 0;
  lo >>>= 0;
  const rh = ((hi << 7) | (lo >>> 25)) >>> 0;
  const rl = ((lo << 7) | (hi >>> 25)) >>> 0;
  lo = rl * 9;
  hi = (Math.imul(rh, 9) + Math.floor(lo / TWO32)) >>> 0;
  lo >>>= 0;
  // t = s[1] << 17
  const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
  const tl = (s1l << 17) >>> 0;
  s2h = (s2h ^ s0h) >>> 0; s2l = (s2l ^ s0l) >>> 0;
  s3h = (s3h ^ s1h) >>> 0; s3l = (s3l ^ s1l) >>> 0;
  s1h = (s1h ^ s2h) >>> 0; s1l = (s1l ^ s2l) >>> 0;
  s0h = (s0h ^ s3h) >>> 0; s0l = (s0l ^ s3l) >>> 0;
  s2h = (s2h ^ th) >>> 0; s2l = (s2l ^ tl) >>> 0;
  // s[3] = rotl(s[3], 45) = rotl(swap halves, 13)
  const ah = s3l, al = s3h;
  s3h = ((ah << 13) | (al >>> 19)) >>> 0;
  s3l = ((al << 13) | (ah >>> 19)) >>> 0;
  return ((hi >>> 11) * TWO32 + (((hi << 21) | (lo >>> 11)) >>> 0)) * 2 ** -53;
}

function seedRng(seed) {
  // splitmix64 expansion (BigInt: four words, once)
  const M = (1n << 64n) - 1n;
  let x = BigInt.asUintN(64, BigInt(seed));
  const out = [];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & M;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    out.push(z ^ (z >> 31n));
  }
  const hi = (w) => Number(w >> 32n);
  const lo = (w) => Number(w & 0xffffffffn);
  [s0h, s0l, s1h, s1l, s2h, s2l, s3h, s3l] = out.flatMap((w) => [hi(w), lo(w)]);
}

const uniform = (a, b) => a + (b - a) * uniform01();
const expo = (rate) => -Math.log(1.0 - uniform01()) / rate;
function normal01() {
  const u1 = 1.0 - uniform01(), u2 = uniform01();
  return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(6.283185307179586 * u2);
}

const nowS = () => Number(process.hrtime.bigint()) * 1e-9;

/** One run of the model: the C program's main() after its argument parsing; returns its report lines. */
function run(N, T, seed, sigma, csv) {
  const tInit0 = nowS();
  seedRng(seed);

  /* ---------------- struct-of-arrays miner state ---------------- */
  const hash = new Float64Array(N);
  const eff = new Float64Array(N);
  const cost = new Float64Array(N);
  const mwpu = new Float64Array(N);
  const treas = new Float64Array(N);
  const cash = new Float64Array(N);
  const debt = new Float64Array(N);
  const coll = new Float64Array(N);
  const aimw = new Float64Array(N);
  const won = new Float64Array(N);
  const cum = new Float64Array(N);
  const aicap = new Uint8Array(N), pivoted = new Uint8Array(N), exited = new Uint8Array(N), oper = new Uint8Array(N);

  /* ---------------- initial state (MODEL.md section 3) ---------------- */
  let ssum = 0.0;
  for (let i = 0; i < N; i++) { hash[i] = Math.exp(SIZE_SIGMA * normal01()); ssum += hash[i]; }
  let E = H0_THS * 1e12 * TARGET_SPACING;
  const E0 = E;
  const btcPerThDay0 = DAY_S * 1e12 / E0 * REWARD;
  for (let i = 0; i < N; i++) {
    hash[i] = H0_THS * hash[i] / ssum;
    eff[i] = uniform(EFF_LO, EFF_HI);
    const pp = uniform(PP_LO, PP_HI);
    cost[i] = eff[i] * 24.0 / 1000.0 * pp / 1000.0;
    mwpu[i] = 1e6 / eff[i] * 365.0;
    aicap[i] = uniform01() < AI_PROB ? 1 : 0;
    const b0 = hash[i] * btcPerThDay0;
    treas[i] = b0 * uniform(0.0, 365.0);
    cash[i] = b0 * P0 * uniform(30.0, 180.0);
    if (uniform01() < LOAN_PROB) {
      coll[i] = b0 * uniform(30.0, 180.0);
      debt[i] = coll[i] * P0 * uniform(LTV0_LO, LTV0_HI);
    } else { coll[i] = 0.0; debt[i] = 0.0; }
  }

  /* daily records */
  const rPrice = new Float64Array(T), rHash = new Float64Array(T), rD = new Float64Array(T),
    rTreas = new Float64Array(T), rSold = new Float64Array(T);
  const rBlocks = new Int32Array(T), rActive = new Int32Array(T);

  const hpRing = new Float64Array(AVG_WINDOW);
  let price = P0;
  let height = 0, epochN = 0, epochT0 = 0.0;
  let retargets = 0, marginCalls = 0, liquidations = 0, pivots = 0, pivotUnaffordable = 0, exits = 0;
  let soldTotal = 0.0;
  const aiAnn = AI_MARGIN * AI_REV_MW_YR - AI_CAPEX_MW / AI_AMORT_YEARS;
  const aiDaily = AI_REV_MW_YR * AI_MARGIN / 365.0;
  const dailyRate = LOAN_RATE / 365.0;

  const tRun0 = nowS();
  for (let day = 0; day < T; day++) {
    /* price: GBM, mu = 0 */
    if (day > 0) price *= Math.exp(-0.5 * sigma * sigma + sigma * normal01());
    /* hashprice: expected USD per TH-day at start-of-day difficulty */
    const hp = DAY_S * 1e12 / E * REWARD * price;
    hpRing[day % AVG_WINDOW] = hp;
    const avgOk = day >= AVG_WINDOW - 1;
    let hpAvg = 0.0;
    if (avgOk) { for (let j = 0; j < AVG_WINDOW; j++) hpAvg += hpRing[j]; hpAvg /= AVG_WINDOW; }

    /* (1) operate / curtail, and cumulative active hashrate */
    let acc = 0.0, nActive = 0;
    for (let i = 0; i < N; i++) {
      won[i] = 0.0;
      const op = exited[i] === 0 && hash[i] > 0.0 && hp >= cost[i] * OPERATE_HURDLE;
      oper[i] = op ? 1 : 0;
      if (op) { acc += hash[i]; nActive++; }
      cum[i] = acc;
    }
    const H = acc;

    /* blocks: Poisson arrivals within [day*86400, (day+1)*86400) */
    let blocks = 0;
    if (H > 0.0) {
      let t = day * DAY_S;
      const tEnd = t + DAY_S;
      let rate = H * 1e12 / E;
      for (;;) {
        t += expo(rate);
        if (t >= tEnd) break;
        height++; blocks++;
        /* winner: first i with cum[i] > x */
        const x = uniform01() * H;
        let lo = 0, hi = N - 1;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] > x) hi = mid; else lo = mid + 1; }
        while (oper[lo] === 0) lo--; /* only reachable via x rounding up to H */
        won[lo] += REWARD;
        if (++epochN === 1) epochT0 = t;
        if (epochN === RETARGET_BLOCKS) {
          let span = t - epochT0;
          if (span < TWO_WEEKS / 4) span = TWO_WEEKS / 4;
          if (span > TWO_WEEKS * 4) span = TWO_WEEKS * 4;
          E = E * TWO_WEEKS / span;
          rate = H * 1e12 / E;
          epochN = 0; retargets++;
        }
      }
    }

    /* (2)-(6) per miner */
    let sold = 0.0, treasTot = 0.0;
    for (let i = 0; i < N; i++) {
      if (exited[i] !== 0) continue;
      /* (2) credit BTC, pay power + opex, AI income */
      let tr = treas[i], c = cash[i];
      const w = won[i];
      tr += w;
      if (oper[i] !== 0) c -= hash[i] * cost[i];
      c -= OPEX_FRAC * hash[i] * hp;
      c += aimw[i] * aiDaily;
      /* (3) treasury: sell half of today's BTC; cover negative cash */
      if (w > 0.0) { const q = SELL_FRAC * w; tr -= q; c += q * price; sold += q; }
      if (c < 0.0) {
        const need = -c / price;
        if (need >= tr) { c += tr * price; sold += tr; tr = 0.0; }
        else { tr -= need; c = 0.0; sold += need; }
      }
      /* (4) loan */
      if (debt[i] > 0.0) {
        let d = debt[i] * (1.0 + dailyRate);
        let k = coll[i];
        const ltv = d / (k * price);
        if (ltv >= LIQ_LTV) {
          const need = d * (1.0 + LIQ_PENALTY) / price;
          if (need <= k) { sold += need; tr += k - need; }
          else sold += k; /* shortfall written off */
          d = 0.0; k = 0.0; liquidations++;
        } else if (ltv >= MARGIN_LTV) {
          marginCalls++;
          const x = d / (CURE_LTV * price) - k; /* BTC to post */
          if (tr >= x) { tr -= x; k += x; }
          else {
            const y = d / price - CURE_LTV * k; /* BTC to sell and repay */
            if (y <= tr) { tr -= y; d -= y * price; sold += y; }
            else { d -= tr * price; sold += tr; tr = 0.0; }
          }
        }
        debt[i] = d; coll[i] = k;
      }
      /* (5) AI pivot */
      if (aicap[i] !== 0 && pivoted[i] === 0 && avgOk && hpAvg * mwpu[i] < aiAnn) {
        const mw = AI_SHARE * hash[i] * eff[i] / 1e6;
        const capex = AI_CAPEX_MW * mw;
        if (c + tr * price >= capex) {
          c -= capex;
          if (c < 0.0) {
            const need = -c / price;
            if (need >= tr) { c += tr * price; sold += tr; tr = 0.0; }
            else { tr -= need; c = 0.0; sold += need; }
          }
          hash[i] *= (1.0 - AI_SHARE);
          aimw[i] = mw; pivoted[i] = 1; pivots++;
        } else pivotUnaffordable++;
      }
      /* (6) exit */
      if (c < 0.0 && tr <= 0.0) {
        exited[i] = 1; exits++;
        hash[i] = 0.0; aimw[i] = 0.0;
        if (coll[i] > 0.0) { sold += coll[i]; coll[i] = 0.0; debt[i] = 0.0; }
      }
      treas[i] = tr; cash[i] = c;
      treasTot += tr;
    }
    soldTotal += sold;
    rPrice[day] = price; rHash[day] = H; rD[day] = E / 4294967296.0; rBlocks[day] = blocks;
    rActive[day] = nActive; rTreas[day] = treasTot; rSold[day] = sold;
  }
  const tEnd = nowS();
  const runS = tEnd - tRun0;

  let instFinal = 0.0, aiMwTotal = 0.0;
  for (let i = 0; i < N; i++) { if (exited[i] === 0) instFinal += hash[i]; aiMwTotal += aimw[i]; }
  const activeFinal = rActive[T - 1];
  const g = (x) => Number(x.toPrecision(6)).toString();
  const out = [
    `impl=js miners=${N} days=${T} seed=${seed}`,
    `init_s=${(tRun0 - tInit0).toFixed(4)} run_s=${runS.toFixed(4)} miner_steps_per_s=${Math.round(N * T / runS)}`,
    `final_D=${g(E / 4294967296.0)} final_D_over_D0=${(E / E0).toFixed(4)} final_price=${price.toFixed(2)} exited=${exits} btc_sold_total=${soldTotal.toFixed(2)}`,
    `blocks=${height} blocks_per_day=${(height / T).toFixed(2)} retargets=${retargets} margin_calls=${marginCalls} liquidations=${liquidations} pivots=${pivots} pivot_unaffordable=${pivotUnaffordable}`,
    `active_final=${activeFinal} net_active_EHs_final=${(rHash[T - 1] / 1e6).toFixed(2)} installed_EHs_final=${(instFinal / 1e6).toFixed(2)} treasury_final=${rTreas[T - 1].toFixed(2)} ai_mw=${aiMwTotal.toFixed(1)}`,
  ];
  if (csv) {
    const f = (x) => Number(x.toPrecision(10)).toString();
    const lines = ['day,price,network_hashrate_ths,difficulty,blocks,miners_active,total_treasury_btc,btc_sold'];
    for (let d = 0; d < T; d++) lines.push(`${d},${f(rPrice[d])},${f(rHash[d])},${f(rD[d])},${rBlocks[d]},${rActive[d]},${f(rTreas[d])},${f(rSold[d])}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
  }
  return out;
}

function main(argv) {
  const N = argv.length > 0 ? Number.parseInt(argv[0], 10) : 1000;
  const T = argv.length > 1 ? Number.parseInt(argv[1], 10) : 365;
  const seed = argv.length > 2 ? argv[2] : '1';
  const csv = argv.length > 3 ? argv[3] : null;
  if (!(N > 0) || !(T > 0)) {
    process.stderr.write('usage: miners.mjs N T seed [csv]\n');
    return 2;
  }
  const sigEnv = process.env.BENCH_PRICE_SIGMA;
  const sigma = sigEnv !== undefined ? Number.parseFloat(sigEnv) : SIGMA;
  // A warm-up run first, as bench/model-child.ts gives hashsim: the timed run then runs code V8 has
  // already optimised whole, not the on-stack replacement of a first, cold call.
  run(N, Math.min(T, 365), seed, sigma, null);
  process.stdout.write(`${run(N, T, seed, sigma, csv).join('\n')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
