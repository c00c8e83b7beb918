// The measuring process of `pnpm bench vs-build` (src/groups/vsBuild.ts starts
// it with plain node). Plain JavaScript on purpose: it loads the BUILDS of two
// checkouts (packages/*/dist), as a user's node would, never their sources —
// the bench itself runs under tsx with the @kprim/source condition, which
// would resolve each build's @kprim/* imports to TypeScript sources.
//
// argv[2]: JSON { sides: [{ label, root }], formats: ["esm" | "cjs"], rounds, quick }
// stdout: one JSON object { results: [{ workload, format, side, round, work, cpuMs, wallMs }], errors: [...] }
//
// Every workload is timed for every side and format in each round, the order
// of the sides alternating from round to round; round 0 is a warm-up and is
// not kept. A gc() before each timing keeps one side's garbage off the
// other's clock. Workloads use only the public API both sides have; one a
// side cannot run is an error for that workload alone.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const args = JSON.parse(process.argv[2]);
const require = createRequire(import.meta.url);
const gc = typeof globalThis.gc === "function" ? globalThis.gc : () => {};

/** The three packages of one build in one format. */
async function load(root, format) {
  const lib = {};
  for (const [key, pkg] of [
    ["m", "machine"],
    ["sc", "scenarios"],
    ["ex", "explore"],
  ]) {
    const file = join(root, "packages", pkg, "dist", format === "esm" ? "index.js" : "index.cjs");
    if (!existsSync(file)) throw new Error(`no build of @kprim/${pkg} in ${root} (${file} is missing)`);
    lib[key] = format === "esm" ? await import(pathToFileURL(file).href) : require(file);
  }
  return lib;
}

const q = args.quick;
const n = (full, quick) => (q ? quick : full);

/** Each returns a description of the work done: equal strings on both sides, or the ratio compares unequal work. */
const workloads = {
  // The bench's simulator group: 2 cpus, 4 threads of raw ops, random strategy, trace off.
  [`simulator: raw ops, 2 cpus × 4 threads × ${n(50_000, 5_000)}`]: (L) => {
    const iters = n(50_000, 5_000);
    const m = L.m.createMachine({ cpus: 2, strategy: L.m.random({ seed: 1 }), check: false, maxSteps: 1e8 });
    const a = m.cell("a", 0);
    const b = m.cell("b", 0);
    for (let t = 0; t < 4; t++) {
      m.spawn({
        cpu: t % 2,
        name: `T${t}`,
        *body() {
          for (let i = 0; i < iters; i++) {
            yield L.m.op.add(a, 1);
            const v = yield L.m.op.load(b);
            yield L.m.op.store(b, v + 1);
          }
        },
      });
    }
    const r = m.run();
    return `${r.outcome.kind}, ${r.steps} steps`;
  },
  [`buf-churn (cpus=4, ops=20) × ${n(60, 6)} random runs, trace off`]: (L) => {
    const p = L.sc.prepare({ scenario: "buf-churn", variant: "SPIN+TI", params: { cpus: 4, ops: 20 } });
    let steps = 0;
    const runs = n(60, 6);
    for (let s = 1; s <= runs; s++) steps += p.build({ strategy: L.m.random({ seed: s }), maxSteps: 1e6 }).run().steps;
    return `${runs} runs, ${steps} steps`;
  },
  [`buf-churn (cpus=4, ops=20) × ${n(20, 2)} random runs, trace on`]: (L) => {
    const p = L.sc.prepare({ scenario: "buf-churn", variant: "SPIN+TI", params: { cpus: 4, ops: 20 } });
    let steps = 0;
    let events = 0;
    const runs = n(20, 2);
    for (let s = 1; s <= runs; s++) {
      const r = p.build({ strategy: L.m.random({ seed: s }), maxSteps: 1e6, trace: true }).run();
      steps += r.steps;
      events += r.trace.length;
    }
    return `${runs} runs, ${steps} steps, ${events} events`;
  },
  "DPOR: lost-wakeup SPIN+TI sleepers=2, exhaust": (L) =>
    exhaust(L, "lost-wakeup", { sleepers: 2 }, { kind: "dpor" }, 1),
  [`DPOR: lockmgr-lost-wakeup SPIN+TI, exhaust × ${n(20, 2)}`]: (L) =>
    exhaust(L, "lockmgr-lost-wakeup", {}, { kind: "dpor" }, n(20, 2)),
  [`random: lost-wakeup SPIN+TI sleepers=2, ${n(2_000, 200)} runs`]: (L) =>
    exhaust(L, "lost-wakeup", { sleepers: 2 }, { kind: "random", seed: 1, runs: n(2_000, 200) }, 1),
  "stateful DFS: lost-wakeup SPIN+TI sleepers=2, exhaust": (L) =>
    exhaust(L, "lost-wakeup", { sleepers: 2 }, { kind: "dfs", stateful: true }, 1),
};

/**
 * `times` explorations of one scenario to the end (no stop at a finding, no
 * shrinking); the work also counts the steps of every execution (the
 * machine's `step` once the next one is built, and the last one's at the end).
 */
function exhaust(L, scenario, params, mode, times) {
  const p = L.sc.prepare({ scenario, variant: "SPIN+TI", params });
  let out = "";
  for (let i = 0; i < times; i++) {
    let steps = 0;
    let last = null;
    const factory = (run) => {
      if (last !== null) steps += last.step;
      return (last = p.build(run));
    };
    const r = L.ex.explore(factory, { mode, stopOnFound: false, shrink: false });
    if (last !== null) steps += last.step;
    out = `${r.kind}, ${r.executions} executions, ${steps} steps${r.states ? `, ${r.states} states` : ""}`;
  }
  return times === 1 ? out : `${times} × (${out})`;
}

const results = [];
const errors = [];
const libs = new Map();
for (const side of args.sides) {
  for (const format of args.formats) {
    try {
      libs.set(`${side.label}/${format}`, await load(side.root, format));
    } catch (e) {
      errors.push(`${side.label} (${format}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
const broken = new Set();
if (errors.length === 0) {
  for (let round = 0; round <= args.rounds; round++) {
    const sides = round % 2 === 0 ? args.sides : [...args.sides].reverse();
    for (const [workload, fn] of Object.entries(workloads)) {
      for (const format of args.formats) {
        if (broken.has(`${workload}/${format}`)) continue;
        for (const side of sides) {
          const lib = libs.get(`${side.label}/${format}`);
          gc();
          const c0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          let work;
          try {
            work = fn(lib);
          } catch (e) {
            errors.push(`${workload} (${format}) on ${side.label}: ${e instanceof Error ? e.message : String(e)}`);
            broken.add(`${workload}/${format}`);
            break;
          }
          const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
          const c = process.cpuUsage(c0);
          if (round > 0)
            results.push({ workload, format, side: side.label, round, work, cpuMs: (c.user + c.system) / 1e3, wallMs });
        }
      }
    }
    process.stderr.write(
      round === 0 ? "vs-build: warm-up round done\n" : `vs-build: round ${round}/${args.rounds} done\n`,
    );
  }
}
process.stdout.write(`${JSON.stringify({ results, errors })}\n`);
