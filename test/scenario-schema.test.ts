import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario, ScenarioError, scenarioJsonSchemaText, validateScenario } from '../src/scenario/index.ts';

const valid = {
  name: 'test',
  horizonDays: 90,
  price: { model: 'gbm', volAnnual: 0.5, shocks: [{ day: 30, returnPct: -30 }] },
  fees: { model: 'lognormal', meanBtcPerBlock: 0.03 },
  miners: [{ name: 'a', hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }],
  populations: [{ name: 'small', count: 100 }],
  fringe: { hashrateEHs: 800 },
};

function problems(obj: unknown): { path: string; message: string }[] {
  try {
    validateScenario(obj);
  } catch (err) {
    if (err instanceof ScenarioError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('scenario schema', () => {
  it('a minimal scenario is just a name; defaults are documented values', () => {
    const s = parseScenario({ name: 'x' });
    expect(s.start.date).toBe('2026-03-01');
    expect([s.horizonDays, s.stepDays, s.rewards, s.difficulty.algorithm]).toEqual([365, 1, 'lottery', 'bitcoin']);
    expect(s.price).toMatchObject({ model: 'gbm', initialUsd: 70_000, volAnnual: 0.5, driftAnnual: 0, shocks: [] });
    expect(s.fees).toEqual({ model: 'constant', btcPerBlock: 0.03 });
    expect(s.output.sampleEverySteps).toBe(1);
    expect(parseScenario(valid).miners[0]!.name).toBe('a');
  });

  const m = (patch: (o: Record<string, any>) => void) => {
    const o = structuredClone(valid) as Record<string, any>;
    patch(o);
    return o;
  };
  // Every kind of schema error, each with the field path it must be reported at.
  const table: [string, unknown, string, RegExp][] = [
    ['not a mapping', 42, '', /expected a mapping/],
    ['missing name', m((o) => delete o.name), 'name', /required/],
    ['bad name', m((o) => (o.name = 'a b')), 'name', /letters, digits/],
    ['unknown top-level key', m((o) => (o.horizon = 3)), 'horizon', /unknown key/],
    ['unknown nested key', m((o) => (o.price.vol = 3)), 'price.vol', /unknown key/],
    ['negative horizon', m((o) => (o.horizonDays = -1)), 'horizonDays', /positive number/],
    ['fractional horizon', m((o) => (o.horizonDays = 1.5)), 'horizonDays', /integer/],
    ['string number', m((o) => (o.horizonDays = '90')), 'horizonDays', /expected a number, got "90"/],
    ['step does not divide horizon', m((o) => (o.stepDays = 7)), 'stepDays', /divisor of horizonDays/],
    ['bad date', m((o) => (o.start = { date: '2026-02-30' })), 'start.date', /YYYY-MM-DD/],
    ['bad bits text', m((o) => (o.start = { bits: 'zz' })), 'start.bits', /compact bits/],
    ['bits easier than powLimit', m((o) => (o.start = { bits: '0x1e00ffff' })), 'start.bits', /powLimit/],
    ['negative height', m((o) => (o.start = { height: -5 })), 'start.height', />= 0/],
    ['bad difficulty algorithm', m((o) => (o.difficulty = { algorithm: 'lwma9' })), 'difficulty.algorithm', /"bitcoin", "asert"/],
    ['bad asert half-life', m((o) => (o.difficulty = { algorithm: 'asert', halfLifeSeconds: 0 })), 'difficulty.halfLifeSeconds', /positive/],
    ['bad rewards', m((o) => (o.rewards = 'pool')), 'rewards', /one of "lottery", "expected"/],
    ['bad price model', m((o) => (o.price = { model: 'garch' })), 'price.model', /one of "gbm", "merton"/],
    ['negative vol', m((o) => (o.price.volAnnual = -0.1)), 'price.volAnnual', />= 0/],
    ['shock beyond horizon', m((o) => (o.price.shocks = [{ day: 400, returnPct: -10 }])), 'price.shocks[0].day', /within the horizon/],
    ['shock of -100%', m((o) => (o.price.shocks = [{ day: 4, returnPct: -100 }])), 'price.shocks[0].returnPct', /> -100/],
    ['merton negative intensity', m((o) => (o.price = { model: 'merton', jumpsPerYear: -1 })), 'price.jumpsPerYear', />= 0/],
    ['regime bad duration', m((o) => (o.price = { model: 'regime', bull: { driftAnnual: 0, volAnnual: 0.4, meanDurationDays: 0 } })), 'price.bull.meanDurationDays', /positive/],
    ['regime bad initial', m((o) => (o.price = { model: 'regime', initialRegime: 'crab' })), 'price.initialRegime', /"bull", "bear", "stationary"/],
    ['ou zero reversion', m((o) => (o.price = { model: 'ou', reversionPerYear: 0 })), 'price.reversionPerYear', /positive/],
    ['bootstrap without data', m((o) => (o.price = { model: 'bootstrap' })), 'price.returnsFile', /CSV file of daily history/],
    ['bootstrap block 0', m((o) => (o.price = { model: 'bootstrap', returns: [0.1, 0.2], blockDays: 0 })), 'price.blockDays', /positive/],
    ['path without data', m((o) => (o.price = { model: 'path' })), 'price.file', /CSV file of daily prices/],
    ['path too short', m((o) => (o.price = { model: 'path', pricesUsd: [1, 2, 3] })), 'price.pricesUsd', /at least 91 daily prices/],
    ['path with a non-positive price', m((o) => (o.price = { model: 'path', pricesUsd: [1, 0], onShort: 'hold-last' })), 'price.pricesUsd[1]', /positive/],
    ['impact bad depth', m((o) => (o.price.impact = { dailyDepthBtc: 0 })), 'price.impact.dailyDepthBtc', /positive/],
    ['bad fee model', m((o) => (o.fees = { model: 'free' })), 'fees.model', /"constant", "lognormal", "mean-reverting"/],
    ['negative fee', m((o) => (o.fees = { model: 'constant', btcPerBlock: -1 })), 'fees.btcPerBlock', />= 0/],
    ['miner negative hashrate', m((o) => (o.miners[0].hashrateEHs = -1)), 'miners[0].hashrateEHs', /positive number/],
    ['miner unknown key', m((o) => (o.miners[0].hashRate = 1)), 'miners[0].hashRate', /unknown key/],
    ['duplicate miner names', m((o) => o.miners.push({ ...o.miners[0] })), 'miners[1].name', /unique/],
    ['population count 0', m((o) => (o.populations[0].count = 0)), 'populations[0].count', /positive/],
    ['fringe negative', m((o) => (o.fringe.hashrateEHs = -3)), 'fringe.hashrateEHs', />= 0|"realized"/],
    ['fringe vintage shares past 1', m((o) => (o.fringe.vintages = [{ efficiencyJPerTH: 15, share: 0.7 }, { efficiencyJPerTH: 25, share: 0.5 }])), 'fringe.vintages', /summing to 1, got 1.2/],
    ['fringe negative delivery lag', m((o) => (o.fringe.investment = { deliveryLagDays: -30 })), 'fringe.investment.deliveryLagDays', /positive/],
    ['fringe ramp of 0', m((o) => (o.fringe.switching = { rampSharePerDay: 0 })), 'fringe.switching.rampSharePerDay', /positive/],
    ['fringe switch-off margin of 1', m((o) => (o.fringe.switching = { offMarginShare: 1 })), 'fringe.switching.offMarginShare', /less than 1|< 1/],
    ['miner ramp of 0', m((o) => (o.miners[0].policies = { operate: { rampSharePerDay: 0 } })), 'miners[0].policies.operate.rampSharePerDay', /positive/],
    ['miners not a list', m((o) => (o.miners = {})), 'miners', /expected a list/],
    ['sample interval beyond horizon', m((o) => (o.output = { sampleEverySteps: 1000 })), 'output.sampleEverySteps', /at most the number of steps/],
    ['NaN and Infinity are not numbers', m((o) => (o.price.initialUsd = Infinity)), 'price.initialUsd', /finite number/],
  ];

  it.each(table)('%s -> its field path', (_label, input, path, message) => {
    const ps = problems(input);
    const hit = ps.find((p) => p.path === path);
    expect(hit, `problems were: ${JSON.stringify(ps)}`).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it('reports every problem at once, one line each with its path', () => {
    const err = (() => {
      try {
        parseScenario(m((o) => {
          o.horizonDays = -1;
          o.miners[0].efficiencyJPerTH = 0;
          o.bogus = 1;
        }));
      } catch (e) {
        return e as ScenarioError;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err.message.split('\n')).toEqual(
      expect.arrayContaining(['horizonDays: expected a positive number, got -1', 'miners[0].efficiencyJPerTH: expected a positive number, got 0', 'bogus: unknown key']),
    );
    expect(err.message).not.toMatch(/\n\s+at /); // no stack in the message
  });

  it('random mutations of a valid scenario validate or give field-path errors, never crash', () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -1000, max: 1000 }),
      fc.double(),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('gbm', 'merton', 'path', 'bootstrap', 'asert', '0x1d00ffff', '2026-01-01', '__proto__', 'constructor'),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('model', 'day', 'name', '__proto__', 'x', 'returnPct'), fc.integer(), { maxKeys: 3 }),
    );
    const pathsOf = (v: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
      if (v === null || typeof v !== 'object') return [prefix];
      const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
      return [prefix, ...keys.flatMap((k) => pathsOf((v as Record<string | number, unknown>)[k], [...prefix, k]))];
    };
    const allPaths = pathsOf(valid);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: allPaths.length - 1 }), fc.constantFrom('set', 'delete', 'add'), fc.string({ maxLength: 6 }), value), { minLength: 1, maxLength: 4 }),
        (mutations) => {
          const o = structuredClone(valid) as Record<string, unknown>;
          for (const [pi, op, key, v] of mutations) {
            const path = allPaths[pi]!;
            let parent: any = o;
            for (const seg of path.slice(0, -1)) parent = parent?.[seg];
            if (parent === null || typeof parent !== 'object') continue;
            const last = path[path.length - 1];
            if (last === undefined) {
              if (op === 'add') Object.defineProperty(o, key || 'k', { value: v, enumerable: true, writable: true, configurable: true });
              continue;
            }
            if (op === 'delete') delete parent[last];
            else if (op === 'set') parent[last] = v;
            else if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
              Object.defineProperty(parent[last], key || 'k', { value: v, enumerable: true, writable: true, configurable: true });
            }
          }
          try {
            parseScenario(o);
          } catch (err) {
            expect(err).toBeInstanceOf(ScenarioError);
            const ps = (err as ScenarioError).problems;
            expect(ps.length).toBeGreaterThan(0);
            for (const p of ps) {
              expect(p.path).toMatch(/^$|^([A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])(\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*$/);
              expect(p.message.length).toBeGreaterThan(0);
              expect(p.message).not.toMatch(/undefined|NaN|\[object/);
            }
          }
        },
      ),
      { numRuns: 400, seed: 12345 },
    );
  });

  it('the committed scenarios/scenario.schema.json is up to date with the zod schema', () => {
    const committed = readFileSync(new URL('../scenarios/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('the JSON Schema is input-side: defaults optional, unknown keys forbidden, name required', () => {
    const schema = JSON.parse(scenarioJsonSchemaText());
    expect(schema.required).toEqual(['name']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.horizonDays.default).toBe(365);
  });
});
