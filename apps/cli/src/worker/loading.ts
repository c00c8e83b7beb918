/**
 * Loading what the user gives the CLI — the config file and plugin modules —
 * the way Node loads them anywhere:
 *
 * - the config file is imported in a thread of its own (import-config.mjs),
 *   free of the CLI's loader hooks, by `import()` of its URL; TypeScript
 *   configs through tsx;
 * - plugin modules are imported in the worker; a TypeScript one needs tsx's
 *   hooks, which the CLI's build registers on first need (from source they
 *   are in place, and the CommonJS one is added for TypeScript outside an
 *   ES module package).
 */
import { Worker } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { displaySpecifier, type LoadedPlugin, loadPlugin, PluginRegistry, resolvePluginSpecifier } from "@kprim/plugin";
import { CONFIG_IMPORTER, TYPESCRIPT_LOADED } from "./paths.js";
import type { WatchdogWriter } from "./watchdog.js";

const TS = /\.(ts|mts|cts)$/;
const TYPELESS = [
  /\[MODULE_TYPELESS_PACKAGE_JSON\]/,
  /^Reparsing as ES module because module syntax was detected/,
  /^To eliminate this warning, add "type": "module"/,
  /^\(Use `node --trace-warnings/,
];

/** An import error as the importing thread saw it (code and message). */
export class ImportFailure extends Error {
  override readonly name = "ImportFailure";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Import a config file in a fresh thread; resolves to its module as `{ default }`. */
export function importConfig(file: string): Promise<{ default?: unknown }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(CONFIG_IMPORTER, {
      workerData: { url: pathToFileURL(file).href, typescript: TS.test(file) },
      execArgv: [],
      stdout: false,
      stderr: true,
    });
    // What the config prints goes on to stderr, but not Node's hint that a typeless folder's .js was
    // reparsed as an ES module: loading it that way is what kprim documents.
    let text = "";
    w.stderr.setEncoding("utf8").on("data", (d: string) => (text += d));
    w.stderr.on("end", () => {
      const kept = text.split("\n").filter((l) => !TYPELESS.some((re) => re.test(l)));
      const out = kept.join("\n").trim();
      if (out !== "") process.stderr.write(`${out}\n`);
    });
    type Reply = { ok: true; value: unknown } | { ok: false; code?: string; name?: string; message: string };
    w.once("message", (m: Reply) => {
      void w.terminate();
      if (m.ok) resolve({ default: m.value });
      else {
        const e = m.name === "SyntaxError" ? new SyntaxError(m.message) : new ImportFailure(m.message, m.code);
        if (m.code !== undefined) Object.assign(e, { code: m.code });
        reject(e);
      }
    });
    w.once("error", reject);
    w.once("exit", (code) =>
      reject(
        new ImportFailure(
          `its top level ended without finishing (exit code ${code}; an await that never settles?)`,
          undefined,
        ),
      ),
    );
  });
}

let esm = TYPESCRIPT_LOADED;
let cjs = false;

/**
 * Put tsx's hooks in place before importing `urls`: its ES module hooks for
 * TypeScript, and — once those are in place — its CommonJS hook for any
 * TypeScript or .js file, since tsx then decides how a file of a folder
 * without "type": "module" loads, and only its require hook compiles ES
 * module syntax there.
 */
export async function typescriptFor(urls: readonly string[]): Promise<void> {
  if (!esm && urls.some((u) => TS.test(u))) {
    const api = await import("tsx/esm/api");
    api.register();
    esm = true;
  }
  if (esm && !cjs && urls.some((u) => /\.(js|ts|cts|mts)$/.test(u))) {
    const api = await import("tsx/cjs/api");
    api.register();
    cjs = true;
  }
}

/** Load plugin modules in order, each marked for the watchdog while its top level runs. */
export async function loadWatched(
  watchdog: WatchdogWriter,
  modules: readonly string[],
  cwd: string,
): Promise<PluginRegistry> {
  await typescriptFor(modules.map((m) => resolvePluginSpecifier(m, cwd)));
  const loaded: LoadedPlugin[] = [];
  for (const m of modules) {
    const done = watchdog.loading(`plugin ${displaySpecifier(m, cwd)} (loading)`);
    loaded.push(await loadPlugin(m, { cwd }));
    done();
  }
  return new PluginRegistry(loaded);
}
