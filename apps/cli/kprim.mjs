#!/usr/bin/env node
// The launcher behind the repository's `pnpm kprim` (root package.json):
// run the CLI from its build when the build is current, from source
// otherwise — in this process either way, so that a Ctrl-C reaches exactly
// one kprim process once.
//
// - Current: every workspace package the CLI runs on (its `workspace:`
//   dependencies, transitively, and the CLI itself) has JavaScript in dist/
//   newer than every file of its src/, its package.json and its
//   tsup.config.ts — or, where a file is newer (a checkout or a touch), a
//   build made from the same contents (dist/source-hash.txt, written by the
//   build; scripts/source-hash.mjs). Then `dist/bin.js` is imported (a
//   fraction of a second).
// - Otherwise (never built, or a source edited since `pnpm build`): the
//   sources run through the project's one TypeScript loader, tsx, with
//   workspace packages resolved to their source (the `@kprim/source` export
//   condition), as the tests run them. `KPRIM_FROM_SOURCE=1` forces this.
//
// `node apps/cli/kprim.mjs --which` prints which one it would run, and why.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sourceHash, STAMP } from "../../scripts/source-hash.mjs";

const cliDir = dirname(fileURLToPath(import.meta.url));
const root = join(cliDir, "..", "..");

/** Newest and oldest mtimes (ms) of the files under `dir` whose names pass `keep`. */
function mtimes(dir, keep, acc = { newest: 0, oldest: Infinity, files: 0 }) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return acc;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) mtimes(p, keep, acc);
    else if (keep(e.name)) {
      const t = statSync(p).mtimeMs;
      acc.files++;
      if (t > acc.newest) acc.newest = t;
      if (t < acc.oldest) acc.oldest = t;
    }
  }
  return acc;
}

/** The workspace folders the CLI runs on: its `workspace:` dependencies, transitively, and itself. */
function closure() {
  const byName = new Map();
  for (const group of ["packages", "apps"]) {
    for (const d of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const dir = join(root, group, d.name);
      try {
        byName.set(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name, dir);
      } catch {
        // not a package
      }
    }
  }
  const seen = new Set();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
      if (String(range).startsWith("workspace:") && byName.has(name)) visit(byName.get(name));
    }
  };
  visit(cliDir);
  return [...seen];
}

/** The build recorded the hash of the sources as they are now. */
function sameSources(dir) {
  try {
    return readFileSync(join(dir, STAMP), "utf8").trim() === sourceHash(dir);
  } catch {
    return false;
  }
}

/** Why the build cannot be used (null: it is current). */
export function staleReason() {
  for (const dir of closure()) {
    const name = dir.slice(root.length + 1);
    const built = mtimes(join(dir, "dist"), (f) => f.endsWith(".js"));
    if (built.files === 0) return `${name} has no build`;
    const src = mtimes(join(dir, "src"), () => true);
    for (const f of ["package.json", "tsup.config.ts"]) {
      try {
        src.newest = Math.max(src.newest, statSync(join(dir, f)).mtimeMs);
      } catch {
        // absent
      }
    }
    if (src.newest > built.oldest && !sameSources(dir)) return `${name} has sources newer than its build`;
  }
  return null;
}

const forced = process.env["KPRIM_FROM_SOURCE"] === "1";
const stale = forced ? "KPRIM_FROM_SOURCE=1" : staleReason();

if (process.argv[2] === "--which") {
  process.stdout.write(stale === null ? "dist (the build is current)\n" : `source (${stale})\n`);
} else if (stale === null) {
  await import(pathToFileURL(join(cliDir, "dist", "bin.js")).href);
} else {
  if (process.stderr.isTTY && !forced) {
    process.stderr.write(`kprim: running from source (${stale}); \`pnpm build\` makes it start faster\n`);
  }
  const { register: tsx } = await import("tsx/esm/api");
  tsx();
  // The `@kprim/source` condition, as `node --conditions=@kprim/source` would set it.
  const hook =
    "export async function resolve(s, c, next) {" +
    ' return next(s, { ...c, conditions: [...c.conditions, "@kprim/source"] }); }';
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  await import(pathToFileURL(join(cliDir, "src", "bin.ts")).href);
}
