/**
 * Fails on any import that goes against the layer order of architecture.md
 * (scripts/layers.json): a package importing a higher layer or an app, a
 * restricted package (explore, trace) importing anything but its allowed
 * layers, a relative import reaching into another workspace folder, or an
 * @kprim import that the importing package.json does not declare.
 *
 * Also fails on a value-import cycle between the files of a workspace:
 * files that import values from each other, directly or round a
 * longer circle (`import type` and `export type` do not count; an
 * `import { type X }` does, since it stays a runtime import; `import()` does
 * not, being lazy). Functions that call each other in a circle belong in one
 * file; a package may name in layers.json (`recursion`) the one file where
 * that is its design (the machine's lwkt.ts), and that file must exist.
 *
 *   tsx scripts/check-layers.ts        exit 0 clean, 1 with a list of offences
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

interface LayerEntry {
  name: string;
  only?: string[];
  /** The one file (relative to the package) whose functions call each other in a circle by design. */
  recursion?: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const layers = (JSON.parse(readFileSync(join(root, "scripts/layers.json"), "utf8")) as { packages: LayerEntry[] })
  .packages;
const rank = new Map(layers.map((l, i) => [l.name, i]));

interface Workspace {
  dir: string;
  name: string;
  kind: "package" | "app" | "plugin" | "e2e";
  declared: Set<string>;
}

function workspaces(): Workspace[] {
  const out: Workspace[] = [];
  for (const [folder, kind] of [
    ["packages", "package"],
    ["apps", "app"],
    ["plugins", "plugin"],
    ["e2e", "e2e"],
  ] as const) {
    const base = join(root, folder);
    let entries: string[];
    try {
      entries = readdirSync(base);
    } catch {
      continue;
    }
    const dirs = kind === "e2e" ? [base] : entries.map((e) => join(base, e));
    for (const dir of dirs) {
      let pkg: { name: string; dependencies?: object; devDependencies?: object; peerDependencies?: object };
      try {
        pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      } catch {
        continue;
      }
      const declared = new Set([
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.devDependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
      ]);
      out.push({ dir, name: pkg.name, kind, declared });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      if (e === "node_modules" || e === "dist" || e.startsWith(".")) continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m|c)?tsx?$/.test(e) && !e.endsWith(".d.ts")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

function packageOf(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Static imports and re-exports that load the target at run time (not type-only ones). */
const VALUE_IMPORT_RE =
  /(?:^|[\s;])(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']/gm;

function valueImportsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VALUE_IMPORT_RE)) {
    if (m[5] !== undefined) {
      out.push(m[5]);
      continue;
    }
    if (m[2] !== undefined) continue; // import type / export type
    out.push(m[4]!);
  }
  return out;
}

/** The source file a relative specifier names (`./x.js` is `./x.ts` in source), or null. */
function resolveRelative(from: string, spec: string, files: ReadonlySet<string>): string | null {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m|c)?js$/, "");
  for (const cand of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, "index.ts")]) {
    if (files.has(cand)) return cand;
  }
  return null;
}

/** Every cycle of value imports between `files` (strongly connected components of more than one file). */
function importCycles(files: readonly string[]): string[][] {
  const set = new Set(files);
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const to: string[] = [];
    for (const spec of valueImportsOf(readFileSync(f, "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const t = resolveRelative(f, spec, set);
      if (t !== null && t !== f) to.push(t);
    }
    edges.set(f, to);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const f of [...files].sort()) if (!index.has(f)) visit(f);
  return out;
}

const all = workspaces();
const appNames = new Set(all.filter((w) => w.kind === "app").map((w) => w.name));
const offences: string[] = [];

for (const ws of all) {
  const myRank = rank.get(ws.name);
  const entry = layers.find((l) => l.name === ws.name);
  if (ws.kind === "package" && myRank === undefined) {
    offences.push(`${ws.name}: not listed in scripts/layers.json`);
    continue;
  }
  for (const file of sourceFiles(ws.dir)) {
    const rel = relative(root, file);
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(ws.dir + sep) && !rel.endsWith("vitest.config.ts") && !rel.endsWith("tsup.config.ts")) {
          offences.push(`${rel}: relative import "${spec}" leaves ${relative(root, ws.dir)}`);
        }
        continue;
      }
      const dep = packageOf(spec);
      if (!dep.startsWith("@kprim/")) continue;
      if (dep === ws.name) {
        offences.push(`${rel}: imports its own package "${spec}" (use a relative import)`);
        continue;
      }
      if (appNames.has(dep)) {
        offences.push(`${rel}: imports the app ${dep} (nothing imports an app)`);
        continue;
      }
      if (!ws.declared.has(dep)) offences.push(`${rel}: imports ${dep} but ${ws.name} does not declare it`);
      if (ws.kind !== "package") continue;
      const depRank = rank.get(dep);
      if (depRank === undefined) {
        offences.push(`${rel}: imports ${dep}, which is not in scripts/layers.json`);
      } else if (depRank >= myRank!) {
        offences.push(`${rel}: ${ws.name} imports the higher layer ${dep}`);
      } else if (entry?.only && !entry.only.includes(dep)) {
        offences.push(`${rel}: ${ws.name} may import only ${entry.only.join(", ")}, not ${dep}`);
      }
    }
  }
}

for (const ws of all) {
  const entry = layers.find((l) => l.name === ws.name);
  if (entry?.recursion !== undefined && !sourceFiles(ws.dir).includes(join(ws.dir, entry.recursion))) {
    offences.push(`${ws.name}: the declared recursion file ${entry.recursion} does not exist`);
  }
  for (const cycle of importCycles(sourceFiles(ws.dir))) {
    offences.push(
      `${ws.name}: value-import cycle between ${cycle.map((f) => relative(root, f)).join(", ")} (functions that call each other in a circle belong in one file)`,
    );
  }
}

if (offences.length > 0) {
  process.stderr.write(`check:layers: ${offences.length} offence(s)\n${offences.map((o) => `  ${o}`).join("\n")}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`check:layers: ${all.length} workspaces follow the layer order\n`);
}
