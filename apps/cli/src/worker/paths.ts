/**
 * Where the worker modules are. From source (tsx, tests) workers start
 * through boot.mjs, which registers the one loader, tsx, and imports the
 * TypeScript entry; the built CLI (tsup: dist/bin.js, dist/worker/entry.js,
 * dist/worker/factory.js) starts the JavaScript entry directly.
 */
const fromSource = import.meta.url.endsWith(".ts");

/** The module parallel explorations load their factory from (used inside the worker). */
export const FACTORY_MODULE: string = new URL(fromSource ? "./factory.ts" : "./factory.js", import.meta.url).href;

/** The plain-JavaScript module that imports a config file in a thread of its own (used inside the worker). */
export const CONFIG_IMPORTER: URL = new URL(fromSource ? "./import-config.mjs" : "./import-config.js", import.meta.url);

/** Whether the TypeScript loader (tsx) is in place in the worker: from source it is, from the build not. */
export const TYPESCRIPT_LOADED = fromSource;

/** How the main thread starts the worker (this module is bundled into dist/bin.js when built). */
export function workerStart(): { url: URL; entry: string; execArgv: string[] } {
  if (fromSource) {
    return {
      url: new URL("./boot.mjs", import.meta.url),
      entry: new URL("./entry.ts", import.meta.url).href,
      execArgv: ["--conditions=@kprim/source"],
    };
  }
  const entry = new URL("./worker/entry.js", import.meta.url);
  return { url: entry, entry: entry.href, execArgv: [] };
}
