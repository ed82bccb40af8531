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
  const raw = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12', reused: 'ref' }) as Record<string, unknown>;
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

/** The property every branch of a union pins with `const` (a discriminator), if there is one. */
function discriminator(branches: readonly unknown[]): string | null {
  if (branches.length < 2 || !branches.every((b) => isObj(b) && isObj(b['properties']))) return null;
  const first = (branches[0] as Json)['properties'] as Json;
  for (const key of Object.keys(first)) {
    const consts = branches.map((b) => ((b as Json)['properties'] as Json)[key]).map((p) => (isObj(p) ? p['const'] : undefined));
    if (consts.every((c) => c !== undefined) && new Set(consts.map((c) => JSON.stringify(c))).size === consts.length) return key;
  }
  return null;
}

/**
 * Editor-friendly JSON Schema from zod's output, without changing what it accepts:
 * - definitions named after the property that first uses them (`initialUsd`, not `__schema0`);
 * - unions whose branches are told apart by a `const` property (price and fee `model`, difficulty
 *   `algorithm`, ...) as `oneOf`, so a typo in one branch reports that branch, not every branch;
 * - `format: date` (unknown to strict validators without a formats plugin) as the equivalent
 *   `pattern`; the loader checks that the date exists.
 */
export function tidySchema(schema: Json): Json {
  const defs = isObj(schema['$defs']) ? (schema['$defs'] as Json) : {};
  const names = new Map<string, string>();
  const used = new Set<string>();
  const nameFor = (key: string): string => {
    let base = key.replace(/[^A-Za-z0-9]+/g, '') || 'def';
    base = base[0]!.toUpperCase() + base.slice(1);
    let n = base;
    for (let i = 2; used.has(n); i++) n = `${base}${i}`;
    used.add(n);
    return n;
  };
  // Name each definition after the first property (in document order) that refers to it.
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
  for (const id of Object.keys(defs)) if (!names.has(id)) names.set(id, /^__schema\d+$/.test(id) ? nameFor('def') : id);
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!isObj(v)) return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')) out[k] = `#/$defs/${names.get(x.slice('#/$defs/'.length)) ?? x.slice(8)}`;
      else if (k === 'anyOf' && Array.isArray(x) && discriminator(x) !== null) out['oneOf'] = rewrite(x);
      else if (k === 'format' && x === 'date') {
        if (typeof v['pattern'] !== 'string') out['pattern'] = '^\\d{4}-\\d{2}-\\d{2}$';
      }
      else if (k === '$defs' && isObj(x)) {
        const d: Json = {};
        for (const [id, y] of Object.entries(x)) d[names.get(id) ?? id] = rewrite(y);
        out[k] = d;
      } else out[k] = rewrite(x);
    }
    return out;
  };
  return rewrite(schema) as Json;
}
