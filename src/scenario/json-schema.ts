import { z } from 'zod';
import { ScenarioSchema } from './schema.ts';

/** Where the committed JSON Schema lives; scenario files reference it as `./scenario.schema.json`. */
export const SCHEMA_FILE = 'scenarios/scenario.schema.json';

/**
 * JSON Schema (draft 2020-12) of a scenario file, generated from the zod schema on the input side:
 * fields with defaults are optional. Cross-field rules (e.g. horizonDays divisible by stepDays) are
 * checked by `hashsim validate`, not by the JSON Schema.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const raw = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12', reused: 'inline' }) as Record<string, unknown>;
  const schema = tidySchema(raw);
  return {
    $schema: schema['$schema'],
    $id: 'https://hashsim.local/scenario.schema.json',
    title: 'hashsim scenario',
    description: 'A hashsim scenario file (YAML or JSON). Field reference: docs/MODEL.md, "Scenario format".',
    ...schema,
  };
}

/** The JSON Schema as the text committed in scenarios/scenario.schema.json. */
export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A branch with its `$ref` followed (definitions are top-level, `#/$defs/<name>`). */
function resolve(branch: unknown, defs: Json): unknown {
  let b = branch;
  for (let i = 0; i < 8 && isObj(b) && typeof b['$ref'] === 'string' && (b['$ref'] as string).startsWith('#/$defs/'); i++) {
    b = defs[(b['$ref'] as string).slice('#/$defs/'.length)];
  }
  return b;
}

/**
 * Whether at most one branch of a union can match any value: each branch is told apart by its JSON
 * type (number, string, null, array...) or, among objects, by a property every object branch pins
 * with a distinct `const` (price and fee `model`, difficulty `algorithm`, payout `scheme`, `dist`).
 */
export function exclusiveBranches(branches: readonly unknown[], defs: Json): boolean {
  if (branches.length < 2) return false;
  const nodes = branches.map((b) => resolve(b, defs));
  if (!nodes.every(isObj)) return false;
  const typeOf = (n: Json): string | null => {
    if ('const' in n) return typeof n['const'] === 'string' ? 'string' : typeof n['const'] === 'number' ? 'number' : null;
    const t = n['type'];
    if (t === 'integer') return 'number';
    return typeof t === 'string' ? t : null;
  };
  const types = nodes.map((n) => typeOf(n as Json));
  if (types.some((t) => t === null)) return false;
  const objects = nodes.filter((_, i) => types[i] === 'object') as Json[];
  const others = types.filter((t) => t !== 'object');
  if (new Set(others).size !== others.length) return false;
  if (objects.length <= 1) return true;
  if (!objects.every((b) => isObj(b['properties']))) return false;
  const first = objects[0]!['properties'] as Json;
  return Object.keys(first).some((key) => {
    const consts = objects.map((b) => (b['properties'] as Json)[key]).map((p) => (isObj(p) ? p['const'] : undefined));
    const required = objects.every((b) => Array.isArray(b['required']) && (b['required'] as unknown[]).includes(key));
    return required && consts.every((c) => c !== undefined) && new Set(consts.map((c) => JSON.stringify(c))).size === consts.length;
  });
}

/**
 * Editor- and validator-friendly JSON Schema from zod's output, without changing what it accepts:
 * - definitions are the schemas given a meta `id` in the zod source (`Miner`, `Population`,
 *   `PriceGbm`, `Distribution`...); zod's `id` keyword inside them (unknown to JSON Schema, so strict
 *   validators reject it) is dropped, and any unnamed definition is named after the property that
 *   first uses it, never `__schema0`;
 * - unions whose branches cannot overlap (told apart by a `const` property such as `model`, or by
 *   type) are `oneOf`, so a typo in one branch reports that branch, not every branch;
 * - `format: date` (unknown to strict validators without a formats plugin) becomes the equivalent
 *   `pattern`; the loader checks that the date exists.
 */
export function tidySchema(schema: Json): Json {
  const defs = isObj(schema['$defs']) ? (schema['$defs'] as Json) : {};
  const names = new Map<string, string>();
  const used = new Set<string>(Object.keys(defs).filter((id) => !/^__schema\d+$/.test(id)));
  const nameFor = (key: string): string => {
    let base = key.replace(/[^A-Za-z0-9]+/g, '') || 'Definition';
    base = base[0]!.toUpperCase() + base.slice(1);
    let n = base;
    for (let i = 2; used.has(n); i++) n = `${base}${i}`;
    used.add(n);
    return n;
  };
  // Name each unnamed definition after the first property (in document order) that refers to it.
  const visit = (v: unknown, key: string | null): void => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x, key));
    if (!isObj(v)) return;
    const ref = v['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
      const id = ref.slice('#/$defs/'.length);
      if (!names.has(id) && /^__schema\d+$/.test(id)) {
        names.set(id, nameFor(key ?? id));
        visit(defs[id], key);
      }
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === '$defs') continue;
      if (k === 'properties' && isObj(x)) for (const [p, y] of Object.entries(x)) visit(y, p);
      else visit(x, key);
    }
  };
  visit(schema, null);
  for (const id of Object.keys(defs)) if (!names.has(id)) names.set(id, /^__schema\d+$/.test(id) ? nameFor('Definition') : id);
  const rewrite = (v: unknown, inDefs = false): unknown => {
    if (Array.isArray(v)) return v.map((x) => rewrite(x));
    if (!isObj(v)) return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'default' || k === 'examples' || k === 'const' || k === 'enum') out[k] = x;
      else if (k === 'id' && inDefs && typeof x === 'string') continue;
      else if (k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')) out[k] = `#/$defs/${names.get(x.slice('#/$defs/'.length)) ?? x.slice(8)}`;
      else if (k === 'anyOf' && Array.isArray(x) && exclusiveBranches(x, defs)) out['oneOf'] = rewrite(x);
      else if (k === 'format' && x === 'date') {
        if (typeof v['pattern'] !== 'string') out['pattern'] = '^\\d{4}-\\d{2}-\\d{2}$';
      } else if (k === '$defs' && isObj(x)) {
        const d: Json = {};
        for (const [id, y] of Object.entries(x)) d[names.get(id) ?? id] = rewrite(y, true);
        out[k] = d;
      } else if (k === 'properties' && isObj(x)) {
        const d: Json = {};
        for (const [p, y] of Object.entries(x)) d[p] = rewrite(y);
        out[k] = d;
      } else out[k] = rewrite(x);
    }
    return out;
  };
  return rewrite(schema) as Json;
}
