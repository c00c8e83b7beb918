/**
 * Loading plugins by module specifier — the same way in the CLI's main
 * thread and in worker threads, which receive the specifiers as plain data.
 *
 * - A specifier starting with `.` or `/` is a file path relative to `cwd`; a
 *   `file:` URL is used as it is; anything else is a package name, resolved
 *   from `cwd` (its node_modules) and else from this package.
 * - `resolvePluginSpecifier` turns each into the absolute URL that is
 *   imported, so workers load exactly the modules the main thread did.
 * - The module's default export must be a plugin (`definePlugin`); a module
 *   that fails to load or throws while loading, or exports something else,
 *   is a PluginError naming the specifier.
 * - `kprim.config.{js,mjs,cjs,ts,mts,cts}` in `cwd` may list plugins:
 *   `export default { plugins: ["./my-plugin.js", "kprim-plugin-mtx"] }`
 *   (specifiers relative to the config file's folder; a .cjs config may say
 *   `module.exports = { plugins: [...] }`).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Plugin } from "./plugin.js";
import { type LoadedPlugin, PluginError, PluginRegistry } from "./registry.js";

export interface LoadOptions {
  /** Where relative specifiers and package names are resolved from (default: process.cwd()). */
  readonly cwd?: string;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}

/** The package name and subpath of a bare specifier (`@scope/name/sub` → `@scope/name`, `./sub`). */
function splitPackage(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const n = specifier.startsWith("@") ? 2 : 1;
  const rest = parts.slice(n).join("/");
  return { name: parts.slice(0, n).join("/"), subpath: rest ? `./${rest}` : "." };
}

/** The file an `exports` entry gives an ESM importer (conditions import, node, default; types skipped). */
function esmTarget(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return undefined;
  const conditions = entry as Record<string, unknown>;
  for (const c of ["import", "node", "default"]) {
    const t = c in conditions ? esmTarget(conditions[c]) : undefined;
    if (t !== undefined) return t;
  }
  return undefined;
}

/**
 * Resolve a package name from `cwd` as `import` would: find the package in
 * the node_modules folders above `cwd` and follow its `exports` with the
 * import condition. (`require.resolve` would pick a dual package's CommonJS
 * build, whose default export is not the plugin.)
 */
function resolvePackageForImport(specifier: string, cwd: string): string | undefined {
  const { name, subpath } = splitPackage(specifier);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", name);
    const pkgFile = join(pkgDir, "package.json");
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { exports?: unknown; module?: string; main?: string };
      let target: string | undefined;
      if (pkg.exports !== undefined) {
        const exp = pkg.exports;
        const keyed = typeof exp === "object" && exp !== null && Object.keys(exp).some((k) => k.startsWith("."));
        target = esmTarget(keyed ? (exp as Record<string, unknown>)[subpath] : subpath === "." ? exp : undefined);
      } else if (subpath === ".") target = pkg.module ?? pkg.main;
      return target === undefined ? undefined : pathToFileURL(join(pkgDir, target)).href;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The URL a plugin specifier is imported from. */
export function resolvePluginSpecifier(specifier: string, cwd: string): string {
  if (specifier.startsWith("file:")) return specifier;
  if (specifier.startsWith(".") || isAbsolute(specifier)) return pathToFileURL(resolve(cwd, specifier)).href;
  try {
    return (
      resolvePackageForImport(specifier, cwd) ??
      pathToFileURL(createRequire(join(cwd, "package.json")).resolve(specifier)).href
    );
  } catch {
    return specifier; // a package this one can resolve, or an error at import
  }
}

/** How a specifier is named in messages: a file URL as a path relative to `cwd`. */
export function displaySpecifier(specifier: string, cwd: string): string {
  if (!specifier.startsWith("file:")) return specifier;
  const path = fileURLToPath(specifier);
  const rel = relative(cwd, path);
  return isAbsolute(rel) ? path : rel.startsWith("..") ? rel : `./${rel}`;
}

/**
 * A module's default export, unwrapped once where a loader compiled ES module
 * syntax to CommonJS (TypeScript through a require hook: the namespace's
 * default is then `{ __esModule: true, default }`).
 */
export function defaultExport(mod: { default?: unknown }): unknown {
  const d = mod.default;
  if (typeof d === "object" && d !== null && (d as { __esModule?: unknown }).__esModule === true && "default" in d) {
    return (d as { default: unknown }).default;
  }
  return d;
}

/** Why an import failed, in words (the loader's own message for anything else). */
export function importFailure(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
    // The missing module may be the file itself or something it imports.
    const missing = /Cannot find (?:module|package) '([^']+)'/.exec(message(e))?.[1];
    return missing !== undefined && !missing.startsWith("/") && !missing.startsWith("file:")
      ? `it imports "${missing}", which is not installed`
      : "not found (no such file)";
  }
  if (code === "ERR_UNKNOWN_FILE_EXTENSION")
    return "Node cannot load a file of this kind (a TypeScript file needs a loader)";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR" || code === "ERR_UNSUPPORTED_DIR_IMPORT") return "it is a folder, not a module";
  const m = message(e);
  if (/Cannot require\(\) ES Module .* in a cycle/.test(m)) {
    return 'it uses ES module syntax in a folder whose package.json has no "type": "module" (rename it .mjs, or add "type": "module")';
  }
  return e instanceof SyntaxError ? `syntax error: ${m}` : m;
}

/** Import one plugin module; its default export must be a plugin. */
export async function loadPlugin(spec: string, opts: LoadOptions = {}): Promise<LoadedPlugin> {
  const cwd = opts.cwd ?? process.cwd();
  const url = resolvePluginSpecifier(spec, cwd);
  const specifier = displaySpecifier(spec, cwd);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    throw new PluginError(`plugin ${specifier} failed to load: ${importFailure(e)}`, { cause: e });
  }
  const plugin = defaultExport(mod);
  if (plugin === undefined) {
    throw new PluginError(`plugin ${specifier} has no default export (export default definePlugin({ name, ... }))`);
  }
  return { plugin: plugin as Plugin, source: specifier };
}

/** Import every plugin in order and compose them (an error names the plugin or module at fault). */
export async function loadPlugins(specifiers: readonly string[], opts: LoadOptions = {}): Promise<PluginRegistry> {
  const loaded: LoadedPlugin[] = [];
  for (const s of specifiers) loaded.push(await loadPlugin(s, opts));
  return new PluginRegistry(loaded);
}

/** The config file names kprim looks for in the working directory, in this order. */
export const CONFIG_FILES = [
  "kprim.config.js",
  "kprim.config.mjs",
  "kprim.config.cjs",
  "kprim.config.ts",
  "kprim.config.mts",
  "kprim.config.cts",
] as const;

export interface PluginConfig {
  /** The config file, or null when `cwd` has none. */
  readonly file: string | null;
  /** Its plugins as absolute URLs (resolved from the config file's folder). */
  readonly plugins: readonly string[];
}

/** The config file in `cwd` (null: none); two of them are an error. */
export function findConfig(cwd: string): string | null {
  const found = CONFIG_FILES.filter((f) => existsSync(join(cwd, f)));
  if (found.length > 1) throw new PluginError(`${found.join(" and ")} both exist; keep one`);
  return found.length === 0 ? null : join(cwd, found[0]!);
}

/** A config file's default export, checked: `{ plugins?: string[] }`, the plugins resolved from its folder. */
export function configFromExport(file: string, config: unknown): PluginConfig {
  const name = basename(file);
  if (config === undefined) {
    throw new PluginError(`${name} has no default export (export default { plugins: [...] })`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new PluginError(`${name}: its default export must be an object ({ plugins: [...] })`);
  }
  const unknown = Object.keys(config).filter((k) => k !== "plugins");
  if (unknown.length > 0) {
    throw new PluginError(`${name}: unknown key ${JSON.stringify(unknown[0])}; a config has only "plugins"`);
  }
  const list = (config as { plugins?: unknown }).plugins ?? [];
  if (!Array.isArray(list)) {
    throw new PluginError(`${name}: plugins must be an array of module specifiers (strings), not ${kind(list)}`);
  }
  const bad = list.findIndex((p) => typeof p !== "string" || p.trim() === "");
  if (bad >= 0) {
    throw new PluginError(
      `${name}: plugins[${bad}] must be a module specifier (a non-empty string), not ${kind(list[bad])}`,
    );
  }
  const dir = dirname(file);
  return { file, plugins: (list as string[]).map((p) => resolvePluginSpecifier(p, dir)) };
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? "a string" : `a ${typeof v}`;
}

/**
 * Read the config file in `cwd`, if there is one (see CONFIG_FILES), by
 * `import()` of its URL — or by `opts.importer`, which the CLI uses to load
 * it in a thread of its own.
 */
export async function loadConfig(
  cwd: string,
  opts: { readonly importer?: (file: string) => Promise<{ default?: unknown }> } = {},
): Promise<PluginConfig> {
  const file = findConfig(cwd);
  if (file === null) return { file: null, plugins: [] };
  let mod: { default?: unknown };
  try {
    mod = opts.importer
      ? await opts.importer(file)
      : ((await import(pathToFileURL(file).href)) as { default?: unknown });
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new PluginError(`${basename(file)} failed to load: ${importFailure(e)}`, { cause: e });
  }
  return configFromExport(file, defaultExport(mod));
}
