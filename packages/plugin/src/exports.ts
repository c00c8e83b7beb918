/**
 * Resolving a package name as `import` would, from a folder: find the
 * package in the node_modules folders above it and follow its `exports`
 * with the given conditions (default: import, node, default).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The conditions an ES module importer resolves with (types skipped). */
export const IMPORT_CONDITIONS: readonly string[] = ["import", "node", "default"];

/** The package name and subpath of a bare specifier (`@scope/name/sub` → `@scope/name`, `./sub`). */
function splitPackage(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const n = specifier.startsWith("@") ? 2 : 1;
  const rest = parts.slice(n).join("/");
  return { name: parts.slice(0, n).join("/"), subpath: rest ? `./${rest}` : "." };
}

/** The file an `exports` entry gives an ESM importer (conditions import, node, default; types skipped). */
function esmTarget(entry: unknown, conditions: readonly string[]): string | undefined {
  if (typeof entry === "string") return entry;
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return undefined;
  const byCondition = entry as Record<string, unknown>;
  for (const c of conditions) {
    const t = c in byCondition ? esmTarget(byCondition[c], conditions) : undefined;
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
export function resolvePackageForImport(
  specifier: string,
  cwd: string,
  conditions: readonly string[] = IMPORT_CONDITIONS,
): string | undefined {
  const { name, subpath } = splitPackage(specifier);
  const self = nearestPackage(cwd);
  if (self !== undefined && self.pkg.name === name && self.pkg.exports !== undefined) {
    return entryOf(self.dir, self.pkg, subpath, conditions);
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", name);
    const pkgFile = join(pkgDir, "package.json");
    if (existsSync(pkgFile)) return entryOf(pkgDir, readPackage(pkgFile), subpath, conditions);
    if (dirname(dir) === dir) return undefined;
  }
}

interface PackageJson {
  readonly name?: string;
  readonly exports?: unknown;
  readonly module?: string;
  readonly main?: string;
}

function readPackage(file: string): PackageJson {
  return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
}

/** The package a folder is in (a package may import itself by name through its `exports`). */
function nearestPackage(from: string): { dir: string; pkg: PackageJson } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return { dir, pkg: readPackage(join(dir, "package.json")) };
    if (dirname(dir) === dir) return undefined;
  }
}

/** The file a package's `exports` (or module/main) gives for `subpath`. */
function entryOf(pkgDir: string, pkg: PackageJson, subpath: string, conditions: readonly string[]): string | undefined {
  let target: string | undefined;
  if (pkg.exports !== undefined) {
    const exp = pkg.exports;
    const keyed = typeof exp === "object" && exp !== null && Object.keys(exp).some((k) => k.startsWith("."));
    target = esmTarget(
      keyed ? (exp as Record<string, unknown>)[subpath] : subpath === "." ? exp : undefined,
      conditions,
    );
  } else if (subpath === ".") target = pkg.module ?? pkg.main;
  return target === undefined ? undefined : pathToFileURL(join(pkgDir, target)).href;
}
