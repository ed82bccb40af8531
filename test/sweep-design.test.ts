import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { designSize, expandDesign, expandDesignFull, expandGrid, expandLhs, gridRangeValues, latinHypercubeUnit } from '../src/sweep/design.ts';
import { formatNumber, parameterTitle } from '../src/sweep/labels.ts';
import { SweepSchema } from '../src/sweep/schema.ts';
import { loadSweepFile, parseSweep } from '../src/sweep/load.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatParameterPath, getAtPath, parseParameterPath, setAtPath } from '../src/sweep/path.ts';
import { quantileSorted, summarize } from '../src/sweep/stats.ts';
import { HashsimError } from '../src/errors.ts';

describe('grid designs', () => {
  it('expand to the Cartesian product, each combination exactly once, first parameter slowest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 4,
        }),
        (lists) => {
          const params: Record<string, number[]> = {};
          lists.forEach((l, d) => (params[`p${d}`] = l));
          const points = expandGrid(params);
          const expected = lists.reduce((n, l) => n * l.length, 1);
          expect(points.length).toBe(expected);
          // Every combination of the product appears once.
          const seen = new Set(points.map((p) => JSON.stringify(Object.values(p.values))));
          expect(seen.size).toBe(expected);
          for (const p of points) {
            lists.forEach((l, d) => expect(l).toContain(p.values[`p${d}`]));
          }
          // Row-major: the index in each list is the mixed-radix digit of the point number.
          points.forEach((p, k) => {
            expect(p.point).toBe(k);
            let rest = k;
            for (let d = lists.length - 1; d >= 0; d--) {
              expect(p.values[`p${d}`]).toBe(lists[d]![rest % lists[d]!.length]);
              rest = Math.floor(rest / lists[d]!.length);
            }
          });
        },
      ),
    );
  });

  it('ranges are evenly spaced with exact end points (linear and geometric)', () => {
    const lin = gridRangeValues({ from: 0, to: 0.3, steps: 4, log: false, integer: false });
    expect(lin[0]).toBe(0);
    expect(lin[3]).toBe(0.3);
    for (let i = 1; i < 4; i++) expect(lin[i]! - lin[i - 1]!).toBeCloseTo(0.1, 14);
    const geo = gridRangeValues({ from: 1e4, to: 1e6, steps: 3, log: true, integer: false });
    expect(geo[0]).toBe(1e4);
    expect(geo[1]).toBeCloseTo(1e5, 6);
    expect(geo[2]).toBe(1e6);
    expect(gridRangeValues({ from: 1, to: 10, steps: 4, log: false, integer: true })).toEqual([1, 4, 7, 10]);
  });
});

describe('Latin hypercube designs', () => {
  it('put exactly one point in every stratum of every dimension (unit coordinates)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5 }), (seed, n, dims) => {
        const unit = latinHypercubeUnit(seed, n, dims);
        expect(unit.length).toBe(dims);
        for (const col of unit) {
          const strata = Array.from(col, (u) => {
            expect(u).toBeGreaterThanOrEqual(0);
            expect(u).toBeLessThan(1);
            return Math.floor(u * n);
          }).sort((a, b) => a - b);
          expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('put one point per stratum of the parameter ranges, linear and log', () => {
    const n = 37;
    const ranges = {
      'price.driftAnnual': { min: -0.2, max: 0.4, log: false, integer: false },
      'miners[0].aiPivot.revenueUsdPerMWYear': { min: 1e4, max: 1e6, log: true, integer: false },
    };
    const points = expandLhs(99, n, ranges);
    expect(points.length).toBe(n);
    const lin = points.map((p) => p.values['price.driftAnnual'] as number).sort((a, b) => a - b);
    lin.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(-0.2 + (0.6 * i) / n - 1e-12);
      expect(v).toBeLessThanOrEqual(-0.2 + (0.6 * (i + 1)) / n + 1e-12);
    });
    // Log scale: strata are equal in log space, so the sorted i-th value lies in [min r^i, min r^(i+1)].
    const r = Math.pow(1e6 / 1e4, 1 / n);
    const logv = points.map((p) => p.values['miners[0].aiPivot.revenueUsdPerMWYear'] as number).sort((a, b) => a - b);
    logv.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(1e4 * Math.pow(r, i) * (1 - 1e-12));
      expect(v).toBeLessThanOrEqual(1e4 * Math.pow(r, i + 1) * (1 + 1e-12));
    });
  });

  it('stratifies integer parameters over the integers', () => {
    const points = expandLhs(5, 10, { 'populations[0].count': { min: 1, max: 10, log: false, integer: true } });
    expect(points.map((p) => p.values['populations[0].count']).sort((a, b) => (a as number) - (b as number))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('is reproducible from its seed and changes with it', () => {
    const a = latinHypercubeUnit(2026, 20, 3);
    const b = latinHypercubeUnit(2026, 20, 3);
    const c = latinHypercubeUnit(2027, 20, 3);
    expect(a.map((x) => Array.from(x))).toEqual(b.map((x) => Array.from(x)));
    expect(a.map((x) => Array.from(x))).not.toEqual(c.map((x) => Array.from(x)));
  });

  it('pairs strata independently across dimensions (mean rank correlation near 0)', () => {
    // For independent uniform permutations Spearman's rho has mean 0 and sd 1/sqrt(n-1).
    const n = 10;
    const seeds = 400;
    let sum = 0;
    for (let s = 0; s < seeds; s++) {
      const [x, y] = latinHypercubeUnit(s, n, 2) as [Float64Array, Float64Array];
      const rx = Array.from(x, (u) => Math.floor(u * n));
      const ry = Array.from(y, (u) => Math.floor(u * n));
      let d2 = 0;
      for (let i = 0; i < n; i++) d2 += (rx[i]! - ry[i]!) ** 2;
      sum += 1 - (6 * d2) / (n * (n * n - 1));
    }
    const se = 1 / Math.sqrt(n - 1) / Math.sqrt(seeds);
    expect(Math.abs(sum / seeds)).toBeLessThan(4 * se);
  });
});

describe('parameter paths', () => {
  it('parse keys and indexes and print back canonically', () => {
    expect(parseParameterPath('miners[0].aiPivot.revenueUsdPerMWYear')).toEqual([
      { key: 'miners' },
      { index: 0 },
      { key: 'aiPivot' },
      { key: 'revenueUsdPerMWYear' },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,6}$/).map((key) => ({ key })), fc.nat(50).map((index) => ({ index }))), {
          minLength: 1,
          maxLength: 6,
        }).filter((segs) => 'key' in segs[0]!),
        (segs) => {
          expect(parseParameterPath(formatParameterPath(segs))).toEqual(segs);
        },
      ),
    );
    for (const bad of ['', 'a..b', 'a[x]', 'a[01]', '[0]', 'a.0', 'a[-1]', 'a b']) {
      expect(() => parseParameterPath(bad), bad).toThrow();
    }
  });

  const resolved = { price: { model: 'gbm', driftAnnual: 0, volAnnual: 0.5 }, miners: [{ name: 'A', hashrateEHs: 1 }], horizonDays: 365 };

  it('name the path and the missing part when it does not exist', () => {
    const cases: [string, RegExp][] = [
      ['price.drift', /parameter "price\.drift": price\.drift does not exist.*price has: model, driftAnnual, volAnnual/],
      ['miners[3].hashrateEHs', /parameter "miners\[3\]\.hashrateEHs": miners\[3\] does not exist.*miners has 1 entry/],
      ['miners[0].aiPivot.revenueUsdPerMWYear', /parameter "miners\[0\]\.aiPivot\.revenueUsdPerMWYear": miners\[0\]\.aiPivot does not exist/],
      ['horizonDays.x', /parameter "horizonDays\.x": horizonDays is a number/],
      ['price[0]', /parameter "price\[0\]": price is an object, not a list/],
    ];
    for (const [path, re] of cases) {
      let err: unknown;
      try {
        getAtPath(resolved, path);
      } catch (e) {
        err = e;
      }
      expect(err, path).toBeInstanceOf(HashsimError);
      expect((err as Error).message).toMatch(re);
    }
  });

  it('set a value in the raw scenario, filling in defaulted parts from the resolved one', () => {
    const raw: Record<string, unknown> = { miners: [{ name: 'A', hashrateEHs: 1 }] };
    setAtPath(raw, resolved, 'price.driftAnnual', 0.25);
    setAtPath(raw, resolved, 'miners[0].hashrateEHs', 7);
    expect(raw).toEqual({ miners: [{ name: 'A', hashrateEHs: 7 }], price: { model: 'gbm', driftAnnual: 0.25, volAnnual: 0.5 } });
    expect(resolved.price.driftAnnual).toBe(0);
  });
});

describe('sweep files', () => {
  const ok = {
    base: '../minimal.yaml',
    seed: 1,
    replications: 4,
    design: { type: 'grid', parameters: { 'price.driftAnnual': [0, 0.1], 'fees.btcPerBlock': { from: 0, to: 0.1, steps: 3 } } },
  };
  it('accept a valid grid and LHS sweep', () => {
    expect(SweepSchema.safeParse(ok).success).toBe(true);
    expect(
      SweepSchema.safeParse({ ...ok, design: { type: 'lhs', points: 8, parameters: { 'price.volAnnual': { min: 0.2, max: 1, log: true } } } }).success,
    ).toBe(true);
  });
  it('reject unknown keys and bad values with field paths', () => {
    const msg = (obj: unknown): string => {
      try {
        parseSweep(obj, { file: 's.yaml', baseDir: '/tmp' });
      } catch (e) {
        expect(e).toBeInstanceOf(HashsimError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(msg({ ...ok, replicatons: 3 })).toMatch(/s\.yaml: \(top level\): unknown key "replicatons"/);
    expect(msg({ ...ok, design: { ...ok.design, parameters: { 'fees.btcPerBlock': { from: 0, to: 1, step: 3 } } } })).toMatch(
      /s\.yaml: design\.parameters\.fees\.btcPerBlock/,
    );
    expect(msg({ ...ok, design: { type: 'lhs', points: 4, parameters: { 'price.volAnnual': { min: 1, max: 0.5 } } } })).toMatch(
      /s\.yaml: design\.parameters\.price\.volAnnual\.max: expected max > min/,
    );
    expect(msg({ ...ok, design: { type: 'grid', parameters: { 'price..x': [1] } } })).toMatch(/s\.yaml: design\.parameters\.price\.\.x/);
    expect(msg({ ...ok, replications: 0 })).toMatch(/s\.yaml: replications:/);
    expect(msg({ ...ok, design: { type: 'grid', parameters: {} } })).toMatch(/design\.parameters: expected at least one parameter/);
  });
});

describe('summary statistics', () => {
  it('quantiles interpolate order statistics (type 7) and sd uses n - 1', () => {
    // Type 7 on 1..5: h = 4p. p=0.05 -> 1.2, p=0.95 -> 4.8.
    expect(quantileSorted([1, 2, 3, 4, 5], 0.05)).toBeCloseTo(1.2, 12);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8, 12);
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9, null, Number.NaN]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.p50).toBe(4.5);
    expect(summarize([3]).sd).toBeNull();
    expect(summarize([]).mean).toBeNull();
  });
});

describe('sweep files are read as plain data, like scenarios', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hashsim-sweepfile-'));
  const body = 'base: ../minimal.yaml\nseed: 1\nreplications: 2\ndesign: { type: grid, parameters: { price.driftAnnual: [0, 0.1] } }\n';
  const load = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    try {
      loadSweepFile(p);
      return 'loaded';
    } catch (err) {
      expect(err).toBeInstanceOf(HashsimError);
      return (err as Error).message;
    }
  };

  it('rejects __proto__ keys and YAML tags naming the file and field, and loads the clean file', () => {
    expect(load('ok.yaml', body)).toBe('loaded');
    expect(load('proto.yaml', `${body}__proto__: { polluted: true }\n`)).toMatch(/proto\.yaml: __proto__: .*not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(load('tag.yaml', body.replace('seed: 1', 'seed: !!js/function 1'))).toMatch(/tag\.yaml: seed: YAML tags are not allowed/);
  });

  it('a missing file or a folder is named with what was expected', () => {
    expect(() => loadSweepFile(join(dir, 'none.yaml'))).toThrow(/none\.yaml: sweep file not found/);
    expect(() => loadSweepFile(dir)).toThrow(new RegExp(`${dir}: expected a sweep file \\(YAML or JSON\\), but it is a folder`));
  });
});

describe('Sobol and Morris designs', () => {
  const base = { base: '../minimal.yaml', seed: 3, replications: 2 };
  const ranges = { 'price.driftAnnual': { min: -0.3, max: 0.3 }, 'fees.btcPerBlock': { min: 0.01, max: 0.1, log: true }, 'populations[0].count': { min: 5, max: 20, integer: true } };

  it('expand to N(k+2) / N(2k+2) Saltelli points and r(k+1) Morris points inside the ranges', () => {
    const sobol = SweepSchema.parse({ ...base, design: { type: 'sobol', samples: 8, parameters: ranges } });
    const e = expandDesignFull(sobol.design, sobol.seed);
    expect(e.points.length).toBe(8 * 5);
    expect(designSize(sobol.design)).toBe(40);
    expect(e.layout).toEqual({ kind: 'saltelli', n: 8, k: 3, secondOrder: false, rows: 5 });
    // A_j and AB_ij share every coordinate but i; AB_ij and B_j share coordinate i.
    for (let j = 0; j < 8; j++) {
      const A = e.points[j * 5]!.values;
      const B = e.points[j * 5 + 4]!.values;
      Object.keys(ranges).forEach((p, i) => {
        const ab = e.points[j * 5 + 1 + i]!.values;
        for (const q of Object.keys(ranges)) expect(ab[q]).toBe(q === p ? B[q] : A[q]);
      });
    }
    for (const p of e.points) {
      expect(p.values['price.driftAnnual'] as number).toBeGreaterThanOrEqual(-0.3);
      expect(p.values['price.driftAnnual'] as number).toBeLessThan(0.3);
      expect(p.values['fees.btcPerBlock'] as number).toBeGreaterThanOrEqual(0.01);
      expect(Number.isInteger(p.values['populations[0].count'])).toBe(true);
    }
    const second = SweepSchema.parse({ ...base, design: { type: 'sobol', samples: 4, secondOrder: true, parameters: ranges } });
    expect(expandDesignFull(second.design, 3).points.length).toBe(4 * 8);
    const morris = SweepSchema.parse({ ...base, design: { type: 'morris', trajectories: 5, parameters: ranges } });
    expect(morris.design.type === 'morris' && morris.design.levels).toBe(4);
    const m = expandDesignFull(morris.design, 3);
    expect(m.points.length).toBe(5 * 4);
    expect(designSize(morris.design)).toBe(20);
    // Morris levels include both ends of the range.
    const drifts = new Set(m.points.map((p) => p.values['price.driftAnnual']));
    for (const v of drifts) expect([-0.3, -0.1, 0.1, 0.3].some((l) => Math.abs((v as number) - l) < 1e-12)).toBe(true);
    // Deterministic from the seed, different for another.
    expect(expandDesign(sobol.design, 3)).toEqual(e.points);
    expect(expandDesign(sobol.design, 4)).not.toEqual(e.points);
  });

  it('bad sweep files get field-path errors', () => {
    const msg = (obj: unknown): string => {
      try {
        parseSweep(obj, { file: 's.yaml', baseDir: '/tmp' });
      } catch (e) {
        expect(e).toBeInstanceOf(HashsimError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    const sobol = (d: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...base, ...extra, design: { type: 'sobol', samples: 16, parameters: ranges, ...d } });
    expect(msg(sobol({ samples: 24 }))).toMatch(/s\.yaml: design\.samples: expected a power of two/);
    expect(msg(sobol({ parameters: { 'price.driftAnnual': { min: 0.3, max: -0.3 } } }))).toMatch(/s\.yaml: design\.parameters\.price\.driftAnnual\.max: expected max > min/);
    expect(msg(sobol({ secondorder: true }))).toMatch(/s\.yaml: design: unknown key "secondorder"/);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`miners[${i}].hashrateEHs`, { min: 1, max: 2 }]));
    expect(msg(sobol({ parameters: many }))).toMatch(/design\.parameters: a Sobol design takes at most 20 parameters \(21 given\)/);
    expect(msg({ ...base, design: { type: 'morris', trajectories: 4, levels: 5, parameters: ranges } })).toMatch(/design\.levels: expected an even number of levels/);
    expect(msg({ ...base, design: { type: 'morris', trajectories: 1, parameters: ranges } })).toMatch(/design\.trajectories: expected at least 2 trajectories/);
    expect(msg(sobol({}, { analysis: { outcome: 'final_hashrate < 800' } }))).toMatch(/s\.yaml: analysis\.outcome: unknown metric "final_hashrate" \(did you mean "final_hashrate_ehs"/);
    expect(msg(sobol({}, { analysis: { outcome: 'final_hashrate_ehs << 800' } }))).toMatch(/s\.yaml: analysis\.outcome: expected a number, a metric or "\(" at position 20/);
    expect(msg(sobol({}, { analysis: { metrics: ['final_hashrate_ehs', 'hashprice'] } }))).toMatch(/s\.yaml: analysis\.metrics\[1\]: unknown metric "hashprice"/);
    expect(msg(sobol({}, { analysis: { labels: { 'price.drift': 'Drift' } } }))).toMatch(/s\.yaml: analysis\.labels\.price\.drift: not a parameter of the design/);
    expect(msg(sobol({}, { analysis: { prim: { threshold: 1.5 } } }))).toMatch(/s\.yaml: analysis\.prim\.threshold/);
    expect(msg(sobol({}, { analysis: { bootstrap: 10 } }))).toMatch(/s\.yaml: analysis\.bootstrap: expected at least 100 resamples/);
    // A valid file with every analysis option.
    expect(() =>
      parseSweep(sobol({}, { baseline: false, analysis: { metrics: ['final_hashrate_ehs'], outcome: 'miner("big-public-miner").exit_day != null', bootstrap: 500, confidence: 0.9, labels: { 'price.driftAnnual': 'Drift' }, prim: { threshold: 0.7 }, cart: { maxDepth: 2 } } }), {
        file: 's.yaml',
        baseDir: '/tmp',
      }),
    ).not.toThrow();
  });
});

describe('parameter titles and numbers for people', () => {
  it('read a path and write large numbers with suffixes', () => {
    expect(parameterTitle('price.driftAnnual')).toBe('Price drift (per year)');
    expect(parameterTitle('strategies.aiCapable.aiPivot.revenueUsdPerMwYear')).toBe('AI pivot revenue (USD per MW-year)');
    expect(parameterTitle('miners[0].powerPriceUsdPerMWh')).toBe('Miners[0] power price (USD/MWh)');
    expect(parameterTitle('price.driftAnnual', { 'price.driftAnnual': 'BTC drift' })).toBe('BTC drift');
    expect(formatNumber(1200000)).toBe('1.2M');
    expect(formatNumber(1650000)).toBe('1.65M');
    expect(formatNumber(2.5e9)).toBe('2.5B');
    expect(formatNumber(1650)).toBe('1,650');
    expect(formatNumber(-0.3)).toBe('-0.3');
    expect(formatNumber(0)).toBe('0');
  });
});
