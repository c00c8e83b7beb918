/**
 * `pnpm bench [group ...] [--quick] [--out DIR]`: run benchmark groups and
 * write one report — report.json, report.md and SVG charts. The command line
 * is parsed strictly (node:util parseArgs): an unknown option or group is a
 * one-line error with exit 2, never a full run.
 *
 * Every group by default; `--quick` is the smoke run CI executes (small
 * budgets; it fails only on errors such as verdict disagreements, never on
 * timing). A full run of every group writes bench/results/ (committed);
 * any other run writes bench/results/scratch/ (ignored) unless --out says.
 *
 * `vs-build` runs only when named: `pnpm bench vs-build --ref COMMIT
 * [--rounds N] [--format esm|cjs|both] [--keep]` times the simulator and
 * explorer workloads on a build of COMMIT against a build of this checkout
 * (groups/vsBuild.ts).
 */
import { cpus, release, totalmem, type } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { VsBuildOptions, VsFormat } from "./groups/vsBuild.js";
import { writeReport } from "./report/markdown.js";
import type { MachineInfo, Report, Section } from "./report/types.js";

/**
 * The groups, each loaded when it runs: a command-line error costs no group's
 * imports (fast-check, the SPIN driver, the playground build …).
 */
const groups: Record<string, () => Promise<(quick: boolean) => Section | Promise<Section>>> = {
  simulator: async () => (await import("./groups/machine.js")).simulatorSection,
  explorer: async () => (await import("./groups/explore.js")).explorerSection,
  spin: async () => (await import("./groups/spin.js")).spinSection,
  fastcheck: async () => (await import("./groups/fastcheck.js")).fastCheckSection,
  interlock: async () => (await import("./groups/interlock.js")).interlockSection,
  sctbench: async () => (await import("./groups/explore.js")).sctbenchSection,
  primitives: async () => (await import("./groups/primitives.js")).primitivesSection,
  wakeup: async () => (await import("./groups/wakeup.js")).wakeupSection,
  startup: async () => (await import("./groups/startup.js")).startupSection,
  playground: async () => (await import("./groups/playground.js")).playgroundSection,
  cluster: async () => (await import("./groups/cluster.js")).clusterSection,
};

/** Groups that run only when named (not by `pnpm bench` nor `--quick`), with options of their own. */
const ON_REQUEST: readonly string[] = ["vs-build"];
const VS_BUILD_ROUNDS = 7;

const SEEDS: Readonly<Record<string, string>> = {
  "simulated cycles": "timed strategy, jitter seeds 1..5 (quick: 1), ±10%",
  explorer: "random and PCT seed 1; DPOR and DFS are deterministic",
  "fast-check": "fc.assert seed 1",
  "simulator speed": "random strategy seeds 1.. (one per repeat)",
};

function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    os: `${type()} ${release()}`,
    cpuModel: c[0]?.model.trim() ?? "unknown",
    cpus: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const USAGE = `usage: pnpm bench [group ...] [--quick] [--out DIR]; groups: ${Object.keys(groups).join(", ")}; on request: pnpm bench vs-build --ref COMMIT [--rounds N] [--format esm|cjs|both] [--keep]`;

interface BenchArgs {
  readonly quick: boolean;
  readonly out: string | undefined;
  readonly wanted: string[];
  /** Set when vs-build is named. */
  readonly vs: VsBuildOptions | null;
}

/** The command line, strictly: an unknown option or group is an error, never a full run. */
function parseBenchArgs(argv: readonly string[]): BenchArgs | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        quick: { type: "boolean" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
        ref: { type: "string" },
        rounds: { type: "string" },
        format: { type: "string" },
        keep: { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    // parseArgs' own words, on one line (e.g. "Unknown option '--quik'").
    return { error: (e instanceof Error ? e.message : String(e)).split("\n")[0]!.replace(/\. To specify.*$/, "") };
  }
  if (parsed.values.help) return { error: "" };
  const unknown = parsed.positionals.filter((g) => !(g in groups) && !ON_REQUEST.includes(g));
  if (unknown.length > 0) return { error: `unknown group ${unknown.map((g) => JSON.stringify(g)).join(", ")}` };
  if (parsed.values.out === "") return { error: "--out needs a folder" };
  const v = parsed.values;
  let vs: VsBuildOptions | null = null;
  if (parsed.positionals.includes("vs-build")) {
    if (v.ref === undefined || v.ref === "")
      return { error: "vs-build needs --ref COMMIT (the commit to compare against)" };
    const rounds = v.rounds === undefined ? VS_BUILD_ROUNDS : Number(v.rounds);
    if (!Number.isInteger(rounds) || rounds < 1)
      return { error: `--rounds ${v.rounds}: a whole number of rounds, 1 or more` };
    const format = v.format ?? "both";
    if (format !== "esm" && format !== "cjs" && format !== "both") {
      return { error: `--format ${format}: esm, cjs or both` };
    }
    const formats: VsFormat[] = format === "both" ? ["esm", "cjs"] : [format];
    vs = { ref: v.ref, rounds, formats, keep: v.keep === true };
  } else {
    const stray = (["ref", "rounds", "format", "keep"] as const).find((k) => v[k] !== undefined);
    if (stray !== undefined) return { error: `--${stray} is an option of vs-build` };
  }
  return { quick: v.quick === true, out: v.out, wanted: parsed.positionals, vs };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  if ("error" in args) {
    if (args.error === "") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stderr.write(`bench: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  const { quick, out, wanted, vs } = args;
  const names = wanted.length > 0 ? wanted : Object.keys(groups);
  const full = !quick && wanted.length === 0;
  const dir = out ?? `${ROOT}bench/results${full ? "" : "/scratch"}`;
  const started = new Date().toISOString();
  const t0 = process.hrtime.bigint();
  const sections: Section[] = [];
  for (const name of names) {
    const g0 = process.hrtime.bigint();
    process.stdout.write(`bench: ${name}${quick ? " (quick)" : ""} ... `);
    const s =
      name === "vs-build"
        ? await (await import("./groups/vsBuild.js")).vsBuildSection(quick, vs!)
        : await (
            await groups[name]!()
          )(quick);
    sections.push(s);
    const took = Number(process.hrtime.bigint() - g0) / 1e9;
    process.stdout.write(`${took.toFixed(1)} s${s.errors.length ? `, ${s.errors.length} error(s)` : ""}\n`);
    for (const e of s.errors) process.stdout.write(`  error: ${e}\n`);
  }
  const report: Report = {
    format: "kprim-bench/1",
    started,
    quick,
    groups: wanted,
    machine: machineInfo(),
    seeds: SEEDS,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    sections,
  };
  const files = writeReport(dir, report);
  process.stdout.write(`bench: wrote ${files.length} files to ${dir} in ${report.seconds.toFixed(1)} s\n`);
  const errors = sections.flatMap((s) => s.errors);
  if (errors.length > 0) {
    process.stderr.write(`bench: ${errors.length} error(s)\n`);
    return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
