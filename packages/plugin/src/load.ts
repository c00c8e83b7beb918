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
 * - `kprim.config.js` / `kprim.config.mjs` in `cwd` may list plugins:
 *   `export default { plugins: ["./my-plugin.js", "kprim-plugin-mtx"] }`
 *   (specifiers relative to the config file's folder).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
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

/** Import one plugin module; its default export must be a plugin. */
export async function loadPlugin(spec: string, opts: LoadOptions = {}): Promise<LoadedPlugin> {
  const cwd = opts.cwd ?? process.cwd();
  const url = resolvePluginSpecifier(spec, cwd);
  const specifier = displaySpecifier(spec, cwd);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    throw new PluginError(`plugin ${specifier} failed to load: ${message(e)}`, { cause: e });
  }
  if (mod.default === undefined) {
    throw new PluginError(`plugin ${specifier} has no default export (export default definePlugin({ name, ... }))`);
  }
  return { plugin: mod.default as Plugin, source: specifier };
}

/** Import every plugin in order and compose them (an error names the plugin or module at fault). */
export async function loadPlugins(specifiers: readonly string[], opts: LoadOptions = {}): Promise<PluginRegistry> {
  const loaded: LoadedPlugin[] = [];
  for (const s of specifiers) loaded.push(await loadPlugin(s, opts));
  return new PluginRegistry(loaded);
}

export const CONFIG_FILES = ["kprim.config.js", "kprim.config.mjs"] as const;

export interface PluginConfig {
  /** The config file, or null when `cwd` has none. */
  readonly file: string | null;
  /** Its plugins as absolute URLs (resolved from the config file's folder). */
  readonly plugins: readonly string[];
}

/** Read `kprim.config.js` / `.mjs` in `cwd`, if there is one. */
export async function loadConfig(cwd: string): Promise<PluginConfig> {
  const found = CONFIG_FILES.map((f) => join(cwd, f)).filter((f) => existsSync(f));
  if (found.length === 0) return { file: null, plugins: [] };
  if (found.length > 1) throw new PluginError(`both ${found.join(" and ")} exist; keep one`);
  const file = found[0]!;
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new PluginError(`${file} failed to load: ${message(e)}`, { cause: e });
  }
  const config = mod.default as { plugins?: unknown } | undefined;
  if (typeof config !== "object" || config === null) {
    throw new PluginError(`${file}: its default export must be an object ({ plugins: [...] })`);
  }
  const list = config.plugins ?? [];
  if (!Array.isArray(list) || list.some((p) => typeof p !== "string")) {
    throw new PluginError(`${file}: plugins must be an array of module specifiers (strings)`);
  }
  const dir = dirname(file);
  return { file, plugins: (list as string[]).map((p) => resolvePluginSpecifier(p, dir)) };
}
