// Imports a module named at run time (a scenario's user strategy module, a benchmark's engine
// stand-in), in batch workers and on the main thread. From the TypeScript sources tsx is already
// registered and this is a plain import(). From the compiled dist/ (`npm run build`) tsx is not
// registered; for a TypeScript module it is registered here on first need (a batch without one never
// pays for tsx), and the import is made by this module's source twin, src/batch/import-module.ts,
// loaded through tsx: tsx gives a TypeScript file outside an ESM package ES-module semantics only when
// the importer is itself a module tsx loaded. Imported from compiled JavaScript, the default export
// would arrive wrapped as CommonJS (`{ default: { default: ... } }`). Through the twin, a user
// module behaves exactly as it does without a build.

const COMPILED = import.meta.url.endsWith('.js');
const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;

type Importer = (url: string) => Promise<unknown>;
let sourceTwin: Promise<Importer> | undefined;

/** True when a file URL or path names a TypeScript file. */
export function isTypeScriptModule(urlOrPath: string): boolean {
  const path = urlOrPath.startsWith('file:') ? new URL(urlOrPath).pathname : urlOrPath;
  return TYPESCRIPT.test(path);
}

/** `import(url)` that loads TypeScript modules the same way whether hashsim runs compiled or not. */
export async function importModule(url: string): Promise<unknown> {
  if (!COMPILED || !isTypeScriptModule(url)) return import(url);
  sourceTwin ??= (async () => {
    const tsx = await import('tsx/esm/api');
    tsx.register();
    // dist/batch/import-module.js -> src/batch/import-module.ts (the build stamp guarantees they match).
    const twin = (await import(new URL('../../src/batch/import-module.ts', import.meta.url).href)) as { importModule: Importer };
    return twin.importModule;
  })();
  return (await sourceTwin)(url);
}
