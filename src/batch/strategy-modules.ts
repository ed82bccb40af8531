// User strategy modules named by a scenario, imported once per worker thread and module set (the
// batch and backtest workers share this). A module's default export is the strategy object; a
// module without one is used whole.
import { pathToFileURL } from 'node:url';
import { importModule } from './import-module.ts';

const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();

/** name -> absolute path or file URL; undefined when there are none. */
export function loadStrategyModules(modules: Readonly<Record<string, string>>): Promise<Record<string, unknown> | undefined> {
  const key = JSON.stringify(modules);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const names = Object.keys(modules);
      if (names.length === 0) return undefined;
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const path = modules[name]!;
        let m: { default?: unknown };
        try {
          m = (await importModule(path.startsWith('file:') ? path : pathToFileURL(path).href)) as { default?: unknown };
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          throw new Error(`strategy module ${JSON.stringify(name)} failed to load: ${e.name}: ${e.message.split('\n')[0]}`);
        }
        out[name] = m.default ?? m;
      }
      return out;
    })();
    cache.set(key, p);
  }
  return p;
}
