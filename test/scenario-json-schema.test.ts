// Issue 16, point 11: the scenario JSON Schema is for people's editors: every field has a
// description (units, meaning), defaults and some examples show, definitions have names, unions
// told apart by a key are `oneOf` (one typo, one error), and it holds no keyword or format that a
// strict validator (ajv strict mode, no formats plugin) rejects. ajv (pinned dev dependency) runs in
// its strictest mode; a small validator below also checks that a typo gives one error (ajv reports
// every branch of a oneOf) and refuses any keyword outside the ones it implements.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/scenario/json-schema.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const schema = scenarioJsonSchema();
const defs = (schema['$defs'] ?? {}) as Record<string, Json>;

/** Every schema node with its JSON pointer (values of default/examples/const/enum are data, skipped). */
function nodes(): { node: Json; at: string }[] {
  const out: { node: Json; at: string }[] = [];
  const walk = (n: unknown, at: string): void => {
    if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${at}/${i}`));
    if (!isObj(n)) return;
    out.push({ node: n, at });
    for (const [k, v] of Object.entries(n)) {
      if (k === 'default' || k === 'examples' || k === 'const' || k === 'enum') continue;
      if (k === 'properties' || k === '$defs') {
        for (const [p, s] of Object.entries(v as Json)) walk(s, `${at}/${k}/${p}`);
      } else walk(v, `${at}/${k}`);
    }
  };
  walk(schema, '#');
  return out;
}

// Keywords of JSON Schema 2020-12 the validator below implements, plus annotations.
const KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$defs', 'title', 'description', 'default', 'examples', 'deprecated',
  'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items',
  'anyOf', 'oneOf', 'allOf', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
]);

const deref = (s: Json): Json => {
  let n = s;
  while (typeof n['$ref'] === 'string') {
    const ref = n['$ref'] as string;
    const target = defs[ref.replace('#/$defs/', '')];
    if (!ref.startsWith('#/$defs/') || target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    // Siblings of $ref (description, default) are annotations only.
    n = target;
  }
  return n;
};

/** The errors of the branch that came closest (as editors report a union: its best match). */
const closest = (results: string[][]): string[] => results.reduce((a, b) => (b.length < a.length ? b : a));

/** Errors of `v` against schema `s` (strict: an unknown keyword is an error of the schema). */
function validate(v: unknown, s: Json, at = ''): string[] {
  for (const k of Object.keys(s)) if (!KEYWORDS.has(k)) throw new Error(`unknown keyword "${k}" (strict mode) at ${at}`);
  if (typeof s['$ref'] === 'string') return validate(v, deref(s), at);
  const errs: string[] = [];
  const type = s['type'];
  const typeOf = (x: unknown): string[] =>
    x === null ? ['null'] : Array.isArray(x) ? ['array'] : typeof x === 'number' ? (Number.isInteger(x) ? ['integer', 'number'] : ['number']) : [typeof x === 'object' ? 'object' : typeof x];
  if (type !== undefined) {
    const want = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!typeOf(v).some((t) => want.includes(t))) return [`${at}: expected ${want.join('|')}`];
  }
  if ('const' in s && JSON.stringify(s['const']) !== JSON.stringify(v)) errs.push(`${at}: expected ${JSON.stringify(s['const'])}`);
  if (Array.isArray(s['enum']) && !s['enum'].some((e) => JSON.stringify(e) === JSON.stringify(v))) errs.push(`${at}: expected one of ${JSON.stringify(s['enum'])}`);
  if (typeof v === 'number') {
    if (typeof s['minimum'] === 'number' && v < s['minimum']) errs.push(`${at}: < minimum`);
    if (typeof s['maximum'] === 'number' && v > s['maximum']) errs.push(`${at}: > maximum`);
    if (typeof s['exclusiveMinimum'] === 'number' && v <= s['exclusiveMinimum']) errs.push(`${at}: <= exclusiveMinimum`);
    if (typeof s['exclusiveMaximum'] === 'number' && v >= s['exclusiveMaximum']) errs.push(`${at}: >= exclusiveMaximum`);
  }
  if (typeof v === 'string') {
    if (typeof s['minLength'] === 'number' && v.length < s['minLength']) errs.push(`${at}: too short`);
    if (typeof s['maxLength'] === 'number' && v.length > s['maxLength']) errs.push(`${at}: too long`);
    if (typeof s['pattern'] === 'string' && !new RegExp(s['pattern'], 'u').test(v)) errs.push(`${at}: does not match ${s['pattern']}`);
  }
  if (Array.isArray(v)) {
    if (typeof s['minItems'] === 'number' && v.length < s['minItems']) errs.push(`${at}: too few items`);
    if (typeof s['maxItems'] === 'number' && v.length > s['maxItems']) errs.push(`${at}: too many items`);
    if (isObj(s['items'])) v.forEach((x, i) => errs.push(...validate(x, s['items'] as Json, `${at}[${i}]`)));
  }
  if (isObj(v)) {
    const props = (s['properties'] ?? {}) as Record<string, Json>;
    for (const r of (s['required'] ?? []) as string[]) if (!(r in v)) errs.push(`${at}.${r}: required`);
    for (const [k, x] of Object.entries(v)) {
      if (props[k] !== undefined) errs.push(...validate(x, props[k]!, `${at}.${k}`));
      else if (s['additionalProperties'] === false) errs.push(`${at}.${k}: unknown key`);
      else if (isObj(s['additionalProperties'])) errs.push(...validate(x, s['additionalProperties'], `${at}.${k}`));
      if (isObj(s['propertyNames'])) errs.push(...validate(k, s['propertyNames'], `${at}.${k} (name)`));
    }
  }
  if (Array.isArray(s['allOf'])) for (const b of s['allOf'] as Json[]) errs.push(...validate(v, b, at));
  if (Array.isArray(s['anyOf'])) {
    const results = (s['anyOf'] as Json[]).map((b) => validate(v, b, at));
    if (!results.some((r) => r.length === 0)) errs.push(...closest(results));
  }
  if (Array.isArray(s['oneOf'])) {
    const results = (s['oneOf'] as Json[]).map((b) => validate(v, b, at));
    const ok = results.filter((r) => r.length === 0).length;
    if (ok > 1) errs.push(`${at}: matches ${ok} branches of a oneOf`);
    if (ok === 0) errs.push(...closest(results));
  }
  return errs;
}

const shipped = [
  ...readdirSync(new URL('../scenarios/', import.meta.url)).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`),
  ...readdirSync(new URL('../bench/bench-model/', import.meta.url)).filter((f) => f.endsWith('.yaml')).map((f) => `bench/bench-model/${f}`),
];

describe('11. the scenario JSON Schema serves editors and strict validators', () => {
  it('every property has a description', () => {
    const missing: string[] = [];
    for (const { node, at } of nodes()) {
      if (!isObj(node['properties'])) continue;
      for (const [k, p] of Object.entries(node['properties'] as Json)) {
        if (!isObj(p) || typeof p['description'] !== 'string' || (p['description'] as string).length < 8) missing.push(`${at}/properties/${k}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('definitions have names (no __schemaN) and are what they say', () => {
    const names = Object.keys(defs);
    expect(names.filter((n) => /__schema|^def\d*$/i.test(n))).toEqual([]);
    for (const n of ['Miner', 'Population', 'Fringe', 'Loan', 'Distribution', 'Policies', 'PriceGbm', 'PricePath', 'FeeConstant', 'Security']) {
      expect(names, n).toContain(n);
      expect(typeof defs[n]!['description'], n).toBe('string');
    }
    const miners = (schema['properties'] as Json)['miners'] as Json;
    expect((miners['items'] as Json)['$ref']).toBe('#/$defs/Miner');
  });

  it('no keyword or format a strict validator rejects; descriptions, defaults and examples show', () => {
    let examples = 0;
    let defaults = 0;
    for (const { node, at } of nodes()) {
      for (const k of Object.keys(node)) expect(KEYWORDS.has(k) || at.endsWith('/properties') || at.endsWith('/$defs'), `${at}: keyword "${k}"`).toBe(true);
      expect(node['format'], at).toBeUndefined();
      if ('examples' in node) {
        examples++;
        expect(Array.isArray(node['examples']), at).toBe(true);
      }
      if ('default' in node) defaults++;
    }
    expect(examples).toBeGreaterThanOrEqual(10);
    expect(defaults).toBeGreaterThanOrEqual(100);
    // Units in the descriptions of some fields everyone meets.
    const miner = defs['Miner']!['properties'] as Record<string, Json>;
    expect(miner['hashrateEHs']!['description']).toMatch(/EH\/s/);
    expect(miner['powerPriceUsdPerMWh']!['description']).toMatch(/USD\/MWh|USD per MWh/);
    expect((defs['Loan']!['properties'] as Record<string, Json>)['penaltyShare']!['description']).toMatch(/fraction/);
  });

  it('unions told apart by a key are oneOf (price and fee model, difficulty algorithm, payout scheme, distributions)', () => {
    const props = schema['properties'] as Record<string, Json>;
    for (const k of ['price', 'fees', 'difficulty']) {
      expect(props[k]!['oneOf'], k).toBeDefined();
      expect(props[k]!['anyOf'], k).toBeUndefined();
    }
    const miner = defs['Miner']!['properties'] as Record<string, Json>;
    expect(miner['payout']!['oneOf'] ?? deref(miner['payout']!)['oneOf']).toBeDefined();
    expect(defs['Distribution']!['oneOf']).toBeDefined();
    // No anyOf is left whose branches a key or a type tells apart.
    const anyOfs = nodes().filter(({ node }) => Array.isArray(node['anyOf']));
    expect(anyOfs.map((a) => a.at)).toEqual([]);
  });

  it.each(shipped)('%s validates against the JSON Schema (strict)', (file) => {
    const doc = parseYaml(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as unknown;
    expect(validate(doc, schema)).toEqual([]);
  });

  // ajv (a dev dependency, pinned) in its strictest mode: the schema compiles without a warning and
  // every shipped scenario validates; a typo in a key is rejected.
  it('ajv (draft 2020-12, every strict option on) compiles it without a warning and accepts every shipped scenario', () => {
    const warnings: string[] = [];
    const logger = { log: (...a: unknown[]) => warnings.push(a.join(' ')), warn: (...a: unknown[]) => warnings.push(a.join(' ')), error: (...a: unknown[]) => warnings.push(a.join(' ')) };
    const ajv = new Ajv2020({ strict: true, strictTypes: true, strictTuples: true, strictRequired: true, allErrors: true, logger });
    const check = ajv.compile(schema);
    expect(warnings).toEqual([]);
    for (const file of shipped) {
      const doc = parseYaml(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as unknown;
      expect(check(doc), `${file}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
    expect(check({ name: 'x', horizonDayz: 30 })).toBe(false);
  });

  it('a typo in a price model parameter gives one error, not one per model', () => {
    const errs = validate({ name: 'x', price: { model: 'gbm', volAnual: 0.5 } }, schema);
    expect(errs).toEqual(['.price.volAnual: unknown key']);
  });
});
