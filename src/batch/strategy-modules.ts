// User strategy modules named by a scenario, imported once per worker thread and module set (the
// batch and backtest workers share this; that first import checks that the modules load). A
// module's default export is the strategy object; a module without one is used whole.
//
// Runs must not share a module's state (a module-level counter would make a run's bytes depend on
// which runs its worker ran before, i.e. on --workers): the batch worker takes a fresh instance of
// each module for every run (strategyModulesForRun), imported under a URL that names the run.
// What such a module itself imports is shared as usual (the ES module cache), as is globalThis.
import { pathToFileURL } from 'node:url';
import { importModule } from './import-module.ts';

const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();

/** name -> absolute path or file URL; undefined when there are none. */
export function loadStrategyModules(modules: Readonly<Record<string, string>>): Promise<Record<string, unknown> | undefined> {
  const key = JSON.stringify(modules);
  let p = cache.get(key);
  if (!p) {
    p = importAll(modules, '');
    cache.set(key, p);
  }
  return p;
}

/**
 * A fresh instance of every module for run `runIndex`: imported under `<url>?hashsim-run=<r>`, so
 * module-level state starts anew in every run, whichever worker runs it and whatever it ran before.
 * Not cached (each run's instance is used once); undefined when there are no modules.
 */
export function strategyModulesForRun(modules: Readonly<Record<string, string>>, runIndex: number): Promise<Record<string, unknown> | undefined> {
  return importAll(modules, `?hashsim-run=${runIndex}`);
}

async function importAll(modules: Readonly<Record<string, string>>, query: string): Promise<Record<string, unknown> | undefined> {
  const names = Object.keys(modules);
  if (names.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const path = modules[name]!;
    let m: { default?: unknown };
    try {
      m = (await importModule((path.startsWith('file:') ? path : pathToFileURL(path).href) + query)) as { default?: unknown };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      throw new Error(`strategy module ${JSON.stringify(name)} failed to load: ${e.name}: ${e.message.split('\n')[0]}`);
    }
    out[name] = m.default ?? m;
  }
  return out;
}
