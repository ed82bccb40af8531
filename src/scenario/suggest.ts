// "Did you mean ...?" for unknown scenario keys: the allowed keys of the object at that path (from
// the scenario's JSON Schema) within edit distance 2, case, "_" and "-" ignored (`horizon_days`,
// `stepdays`, `pric`).
import { scenarioJsonSchema } from './json-schema.ts';

type Json = Record<string, unknown>;
let schema: Json | undefined;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deref(node: Json, root: Json): Json {
  let n = node;
  for (let i = 0; i < 32 && typeof n['$ref'] === 'string'; i++) {
    const ref = n['$ref'] as string;
    if (!ref.startsWith('#/')) break;
    let t: unknown = root;
    for (const seg of ref.slice(2).split('/')) t = isObj(t) ? t[seg] : undefined;
    if (!isObj(t)) break;
    n = t;
  }
  return n;
}

/** The schema nodes an instance at `path` can match (all branches of unions). */
function nodesAt(path: readonly PropertyKey[], root: Json): Json[] {
  let nodes: Json[] = [root];
  const expand = (ns: Json[]): Json[] => {
    const out: Json[] = [];
    const visit = (n: Json, depth: number) => {
      const d = deref(n, root);
      out.push(d);
      if (depth > 8) return;
      for (const k of ['anyOf', 'oneOf', 'allOf']) {
        const list = d[k];
        if (Array.isArray(list)) for (const b of list) if (isObj(b)) visit(b, depth + 1);
      }
    };
    ns.forEach((n) => visit(n, 0));
    return out;
  };
  for (const seg of path) {
    const next: Json[] = [];
    for (const n of expand(nodes)) {
      if (typeof seg === 'number') {
        if (isObj(n['items'])) next.push(n['items']);
      } else {
        const props = n['properties'];
        if (isObj(props) && isObj(props[String(seg)])) next.push(props[String(seg)] as Json);
        else if (isObj(n['additionalProperties'])) next.push(n['additionalProperties']);
      }
    }
    nodes = next;
    if (nodes.length === 0) return [];
  }
  return expand(nodes);
}

/** Levenshtein distance, stopping early above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');

/** Closest allowed key for an unknown `key` of the object at `path` (scenario root = []), if any is near. */
export function suggestKey(path: readonly PropertyKey[], key: string): string | undefined {
  if (key.length > 64) return undefined;
  schema ??= scenarioJsonSchema();
  const allowed = new Set<string>();
  for (const n of nodesAt(path, schema)) {
    const props = n['properties'];
    if (isObj(props)) for (const k of Object.keys(props)) allowed.add(k);
  }
  allowed.delete(key);
  let best: string | undefined;
  let bestD = 3;
  for (const k of [...allowed].sort()) {
    const d = Math.min(editDistance(key, k), editDistance(norm(key), norm(k)));
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= 2 ? best : undefined;
}
