/**
 * `@kprim/*` for plugins, wherever they are: a module resolution hook
 * (`node:module`'s `register`) that resolves every `@kprim/...` import to
 * the kprim that loads the plugin — the packages this loader itself runs
 * on — so that a plugin file anywhere (outside any package, in a folder of
 * its own with or without `@kprim/*` installed, `.ts`, `.js` or `.mjs`)
 * shares one `@kprim/machine`, one sleep hash and one lockmgr with the
 * `kprim` running it. A package the loader cannot resolve (one kprim does
 * not ship) is left to the importer's own resolution.
 *
 * The hook is registered once per thread (the CLI's worker threads load
 * plugins in threads of their own), before the first plugin is imported.
 * It sees ES module imports; a plugin compiled to CommonJS by a loader
 * (TypeScript outside an ES module package) or written as CommonJS loads
 * its `@kprim/*` through `require`, which `withKprimRequire` covers.
 */
import Module, { register } from "node:module";
import { fileURLToPath } from "node:url";
import { resolvePackageForImport } from "./exports.js";

let registered = false;

const HOOK = `
let bases = [];
export async function initialize(data) { bases = data.bases; }
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@kprim/")) {
    for (const parentURL of bases) {
      try {
        return await next(specifier, { ...context, parentURL });
      } catch {}
    }
  }
  return next(specifier, context);
}
`;

/** Running from TypeScript source (the workspace's `@kprim/source` condition), not from a build. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const CONDITIONS = FROM_SOURCE ? ["@kprim/source", "import", "node", "default"] : ["import", "node", "default"];

/** The files @kprim/* is resolved from: this module, and the packages it loads the catalogue with. */
function bases(): string[] {
  const here = import.meta.url;
  const out = [here];
  // @kprim/scenarios depends on every layer; resolving from it reaches those a plugin imports.
  for (const via of ["@kprim/scenarios", "@kprim/explore"]) {
    const url = resolvePackageForImport(via, fileURLToPath(new URL(".", here)), CONDITIONS);
    if (url !== undefined) out.push(url);
  }
  return out;
}

/** The packages a plugin may import, loaded ahead for `require` (see `withKprimRequire`). */
const PACKAGES = [
  "@kprim/machine",
  "@kprim/spinlock",
  "@kprim/token",
  "@kprim/sleepq",
  "@kprim/lockmgr",
  "@kprim/buf",
  "@kprim/explore",
  "@kprim/scenarios",
  "@kprim/plugin",
  "@kprim/plugin-api",
] as const;

/**
 * Make `@kprim/*` resolve to this kprim for every plugin imported from now
 * on in this thread (ES module imports, and `require` of TypeScript or
 * CommonJS plugins). Idempotent.
 */
export async function resolveKprimHere(): Promise<void> {
  if (registered) return;
  registered = true;
  const from = bases();
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, { data: { bases: from } });
  await withKprimRequire(from);
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * The same for `require("@kprim/...")` (a .cjs plugin, or TypeScript a
 * loader compiled to CommonJS): the loader provides the packages — the
 * very modules this kprim runs on, imported here ahead — so a plugin that
 * `require`s them shares their state (one machine, one lockmgr) instead of
 * loading a second copy.
 */
async function withKprimRequire(from: readonly string[]): Promise<void> {
  const dirs = from.map((f) => fileURLToPath(new URL(".", f)));
  const urlOf = (request: string): string | undefined => {
    for (const d of dirs) {
      const url = resolvePackageForImport(request, d, CONDITIONS);
      if (url !== undefined) return url;
    }
    return undefined;
  };
  const provided = new Map<string, unknown>();
  for (const name of PACKAGES) {
    const url = urlOf(name);
    if (url === undefined) continue;
    try {
      provided.set(url, await import(url));
    } catch {
      // not installed with this kprim
    }
  }
  const M = Module as unknown as { _load: Load };
  const original = M._load;
  M._load = function (request, parent, isMain) {
    if (request.startsWith("@kprim/")) {
      const url = urlOf(request);
      const mod = url === undefined ? undefined : provided.get(url);
      if (mod !== undefined) return mod;
    }
    return original.call(this, request, parent, isMain);
  };
}
