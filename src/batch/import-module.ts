// Imports a module named at run time (the engine stand-in of a benchmark, a scenario's user strategy
// module). From the TypeScript sources tsx is already registered; from the compiled dist/ (see
// `npm run build`) it is not, so tsx is registered here on first need: a TypeScript user module
// still loads, and a batch without one never pays for tsx.

const COMPILED = import.meta.url.endsWith('.js');
const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;

let tsxRegistered: Promise<void> | undefined;

/** True when a file URL or path names a TypeScript file. */
export function isTypeScriptModule(urlOrPath: string): boolean {
  const path = urlOrPath.startsWith('file:') ? new URL(urlOrPath).pathname : urlOrPath;
  return TYPESCRIPT.test(path);
}

/** `import(url)` that also works for TypeScript modules when hashsim itself runs compiled. */
export async function importModule(url: string): Promise<unknown> {
  if (COMPILED && isTypeScriptModule(url)) {
    tsxRegistered ??= import('tsx/esm/api').then((tsx) => {
      tsx.register();
    });
    await tsxRegistered;
  }
  return import(url);
}
