import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HashsimError } from '../src/errors.ts';
import { loadScenarioFile, parseScenario, parseScenarioText, ScenarioError } from '../src/scenario/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'hashsim-scenario-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};
const fixtures = new URL('./fixtures/market/', import.meta.url).pathname;

function errorOf(f: () => unknown): HashsimError {
  try {
    f();
  } catch (err) {
    if (err instanceof HashsimError) return err;
    throw err;
  }
  throw new Error('expected a HashsimError');
}

describe('loading scenario files', () => {
  it('loads YAML (with the schema comment and $schema key) and JSON to the same scenario', () => {
    const y = write('a.yaml', '# yaml-language-server: $schema=./scenario.schema.json\n$schema: ./scenario.schema.json\nname: a\nhorizonDays: 30\n');
    const j = write('a.json', JSON.stringify({ $schema: './scenario.schema.json', name: 'a', horizonDays: 30 }));
    const ly = loadScenarioFile(y);
    expect(ly.scenario).toEqual(loadScenarioFile(j).scenario);
    expect(ly.source).toContain('horizonDays: 30');
    expect(ly.baseDir).toBe(dir);
  });

  it('__proto__, constructor and prototype keys are rejected with their path and never pollute', () => {
    const y = write('proto.yaml', 'name: p\nprice:\n  model: gbm\n  __proto__: { polluted: true }\n');
    const e = errorOf(() => loadScenarioFile(y)) as ScenarioError;
    expect(e.problems.map((p) => p.path)).toContain('price.__proto__');
    const j = write('proto.json', '{"name":"p","miners":[{"constructor":{"prototype":{"polluted":1}}}],"__proto__":{"polluted":1}}');
    const ej = errorOf(() => loadScenarioFile(j)) as ScenarioError;
    expect(ej.problems.map((p) => p.path).sort()).toEqual(['__proto__', 'miners[0].constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // From code, too (a sweep building objects).
    const obj = JSON.parse('{"name":"x","fees":{"model":"constant","prototype":1}}');
    expect((errorOf(() => parseScenario(obj)) as ScenarioError).problems[0]!.path).toBe('fees.prototype');
  });

  it('an alias bomb is refused, small aliases are fine', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    for (const l of 'bcdefg') bomb.push(`${l}: &${l} [${Array(10).fill('*' + String.fromCharCode(l.charCodeAt(0) - 1)).join(',')}]`);
    const e = errorOf(() => parseScenarioText(bomb.join('\n') + '\n', 'bomb.yaml'));
    expect(e.message).toMatch(/bomb\.yaml: .*alias/);
    const ok = parseScenarioText('common: &c { model: gbm }\nprice: *c\n', 'ok.yaml') as Record<string, unknown>;
    expect(ok['price']).toEqual({ model: 'gbm' });
  });

  it('custom and explicit tags are refused (plain data only); merge keys are not merged', () => {
    for (const text of ['name: !!js/function "function () {}"\n', 'name: !custom x\n', 'price: !!binary aGVsbG8=\n', 'miners: !!set { a }\n']) {
      const e = errorOf(() => parseScenarioText(text, 't.yaml')) as ScenarioError;
      expect(e.problems[0]!.message).toMatch(/tags are not allowed/);
    }
    const merged = parseScenarioText('base: &b { model: gbm }\nprice: { <<: *b }\n', 'm.yaml') as Record<string, Record<string, unknown>>;
    expect(merged['price']).toEqual({ '<<': { model: 'gbm' } });
    const e = errorOf(() => parseScenario({ name: 'm', fees: { '<<': 1, model: 'constant' } })) as ScenarioError;
    expect(e.problems.map((p) => p.path)).toEqual(['fees["<<"]']);
  });

  it('duplicate keys and syntax errors name the file and line', () => {
    expect(errorOf(() => loadScenarioFile(write('dup.yaml', 'name: a\nname: b\n'))).message).toMatch(/dup\.yaml: line 2, column 1: .*unique/);
    expect(errorOf(() => loadScenarioFile(write('bad.json', '{"name": '))).message).toMatch(/bad\.json: not valid JSON/);
    expect(errorOf(() => loadScenarioFile(join(dir, 'nope.yaml'))).message).toMatch(/nope\.yaml: scenario file not found/);
  });

  it('data files resolve relative to the scenario file, are inlined, and hashed', () => {
    const csv = readFileSync(join(fixtures, 'returns.csv'));
    write('sub/data/returns.csv', csv.toString());
    const prices = Array.from({ length: 32 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')},${70000 + 100 * i}`).join('\n');
    write('sub/data/path.csv', 'date,close\n' + prices + '\n');
    const boot = loadScenarioFile(write('sub/boot.yaml', 'name: b\nhorizonDays: 30\nprice: { model: bootstrap, returnsFile: data/returns.csv }\n'));
    expect(boot.scenario.price).toMatchObject({ model: 'bootstrap', returnsFile: 'data/returns.csv', returns: [0.01, -0.02, 0.005, 0.03, -0.01] });
    expect(boot.dataFiles).toEqual([
      { field: 'price.returnsFile', path: 'data/returns.csv', resolvedPath: join(dir, 'sub/data/returns.csv'), sha256: createHash('sha256').update(csv).digest('hex') },
    ]);
    const path = loadScenarioFile(write('sub/path.yaml', 'name: p\nhorizonDays: 30\nprice: { model: path, file: ./data/path.csv }\n'));
    expect(path.scenario.price.model === 'path' && path.scenario.price.pricesUsd?.length).toBe(32);
    // The resolved scenario is self-contained: it validates again without any file access.
    expect(parseScenario(JSON.parse(JSON.stringify(path.scenario)))).toEqual(path.scenario);
    // Prices can also be derived into returns (a price column instead of log returns).
    const fromPrices = loadScenarioFile(write('sub/boot2.yaml', 'name: b\nprice: { model: bootstrap, returnsFile: data/path.csv }\n'));
    const r = fromPrices.scenario.price.model === 'bootstrap' ? fromPrices.scenario.price.returns! : [];
    expect(r[0]).toBeCloseTo(Math.log(70100 / 70000), 12);
  });

  it('missing files and bad CSVs name the field and the path', () => {
    const e = errorOf(() => loadScenarioFile(write('miss.yaml', 'name: m\nprice: { model: path, file: nowhere/prices.csv }\n'))) as ScenarioError;
    expect(e.problems[0]!.path).toBe('price.file');
    expect(e.problems[0]!.message).toContain(join(dir, 'nowhere/prices.csv'));
    const s = errorOf(() => loadScenarioFile(write('short.yaml', `name: s\nhorizonDays: 30\nprice: { model: path, file: ${join(fixtures, 'short-path.csv')} }\n`))) as ScenarioError;
    expect(s.problems[0]).toMatchObject({ path: 'price.file' });
    expect(s.problems[0]!.message).toMatch(/at least 31 daily prices .* got 5; or set onShort: hold-last/);
    write('bad.csv', 'price\n100\nabc\n');
    const b = errorOf(() => loadScenarioFile(write('badcsv.yaml', 'name: s\nprice: { model: path, file: bad.csv, onShort: hold-last }\n'))) as ScenarioError;
    expect(b.problems[0]!.message).toMatch(/bad\.csv: line 3: column "price": expected a number, got "abc"/);
    const mod = errorOf(() => loadScenarioFile(write('mod.yaml', 'name: s\nminers:\n  - { name: a, hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 50, strategyModule: ./strategies/mine.ts }\n'))) as ScenarioError;
    expect(mod.problems[0]!.path).toBe('miners[0].strategyModule');
    write('strategies/mine.ts', 'export default {};\n');
    const ok = loadScenarioFile(join(dir, 'mod.yaml'));
    expect(ok.dataFiles.map((f) => f.field)).toEqual(['miners[0].strategyModule']);
    expect(ok.scenario.miners[0]!.strategyModule).toBe('./strategies/mine.ts');
  });
});
