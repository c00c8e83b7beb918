/**
 * `pnpm bench vs-build --ref COMMIT`: this checkout's simulator and explorer
 * against a build of another commit, interleaved in one process — the
 * comparison issue 18 asks for ("within noise of the old commit"), as one
 * command.
 *
 * It makes a temporary git worktree of the commit, installs it (the pnpm
 * store is shared: seconds) and builds the packages the workloads load
 * (turbo: @kprim/scenarios and @kprim/explore with their dependencies), builds
 * the same here, then starts one plain node process (src/vsBuild/measure.mjs)
 * that loads both builds — as ES modules and as CommonJS, the two ways a user
 * loads them — and times every workload on both, alternating which side goes
 * first from round to round. Figures are process CPU time (less disturbed by
 * other processes on a shared machine than wall time); a round's ratio pairs
 * the two sides' timings of that round. Each workload reports the work it did
 * (steps, executions, states): the ratio compares equal work only when both
 * sides did the same, and the report says when they did not.
 *
 * Run only when named (not by `pnpm bench` or `--quick`); `--quick` with it
 * makes the workloads and the rounds small.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "../measure.js";
import type { Section, Table } from "../report/types.js";

export type VsFormat = "esm" | "cjs";

export interface VsBuildOptions {
  /** The commit (any git revision) to compare against. */
  readonly ref: string;
  /** Rounds kept (after one warm-up round). */
  readonly rounds: number;
  readonly formats: readonly VsFormat[];
  /** Keep the worktree (and its build) for the next comparison against the same commit. */
  readonly keep: boolean;
}

/** One timing of one workload on one side, as measure.mjs reports it. */
export interface VsResult {
  readonly workload: string;
  readonly format: VsFormat;
  readonly side: "old" | "new";
  readonly round: number;
  readonly work: string;
  readonly cpuMs: number;
  readonly wallMs: number;
}

export interface VsRow {
  readonly workload: string;
  readonly format: VsFormat;
  readonly oldMs: number;
  readonly newMs: number;
  /** new ÷ old, medians of CPU time. */
  readonly ratio: number;
  /** Lowest and highest per-round ratio. */
  readonly low: number;
  readonly high: number;
  /** new ÷ old, medians of wall time. */
  readonly wallRatio: number;
  readonly rounds: number;
  readonly oldWork: string;
  readonly newWork: string;
  readonly equalWork: boolean;
}

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const MEASURE = fileURLToPath(new URL("../vsBuild/measure.mjs", import.meta.url));
/** What the workloads load, with everything it depends on. */
const BUILD_FILTERS = ["--filter=@kprim/scenarios...", "--filter=@kprim/explore..."];
const MARKER = ".kprim-vs-build";

/** Pair the two sides' timings round by round; one row per workload and format that both sides ran every round. */
export function summarize(results: readonly VsResult[]): VsRow[] {
  const groups = new Map<string, { old: Map<number, VsResult>; new: Map<number, VsResult> }>();
  for (const r of results) {
    const key = `${r.workload}\u0000${r.format}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { old: new Map(), new: new Map() }));
    g[r.side].set(r.round, r);
  }
  const rows: VsRow[] = [];
  for (const [key, g] of groups) {
    const pairs = [...g.old.keys()].filter((k) => g.new.has(k)).map((k) => [g.old.get(k)!, g.new.get(k)!] as const);
    if (pairs.length === 0) continue;
    const [workload, format] = key.split("\u0000") as [string, VsFormat];
    const ratios = pairs.map(([o, n]) => n.cpuMs / o.cpuMs);
    const oldMs = median(pairs.map(([o]) => o.cpuMs));
    const newMs = median(pairs.map(([, n]) => n.cpuMs));
    const oldWorks = new Set(pairs.map(([o]) => o.work));
    const newWorks = new Set(pairs.map(([, n]) => n.work));
    const oldWork = [...oldWorks].join(" / ");
    const newWork = [...newWorks].join(" / ");
    rows.push({
      workload,
      format,
      oldMs,
      newMs,
      ratio: newMs / oldMs,
      low: Math.min(...ratios),
      high: Math.max(...ratios),
      wallRatio: median(pairs.map(([, n]) => n.wallMs)) / median(pairs.map(([o]) => o.wallMs)),
      rounds: pairs.length,
      oldWork,
      newWork,
      equalWork: oldWorks.size === 1 && newWorks.size === 1 && oldWork === newWork,
    });
  }
  return rows;
}

/** One line per row, for the terminal. */
export function formatRows(rows: readonly VsRow[]): string[] {
  return rows.map(
    (r) =>
      `${r.workload} [${r.format}]: old ${r.oldMs.toFixed(0)} ms, new ${r.newMs.toFixed(0)} ms, new ÷ old ${r.ratio.toFixed(3)} (rounds ${r.low.toFixed(2)}–${r.high.toFixed(2)}, wall ${r.wallRatio.toFixed(2)})${r.equalWork ? "" : `; WORK DIFFERS — old: ${r.oldWork}; new: ${r.newWork}`}`,
  );
}

class StepError extends Error {}

/** Run a command to completion; its output is shown only when it fails. */
function run(cmd: readonly string[], cwd: string, what: string): string {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error !== undefined) throw new StepError(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-5).join(" | ");
    throw new StepError(`${what} failed (exit ${r.status ?? r.signal}): ${tail}`);
  }
  return r.stdout;
}

/** pnpm as the bench was started with it (`pnpm bench`), else the pinned one through npx. */
function pnpm(): string[] {
  const execPath = process.env["npm_execpath"];
  return execPath !== undefined && /pnpm/.test(execPath) ? [process.execPath, execPath] : ["npx", "-y", "pnpm@10.34.9"];
}

const progress = (line: string): void => void process.stderr.write(`vs-build: ${line}\n`);

/** The commit's worktree, installed and built (reused when a kept one is complete). */
function prepareOld(sha: string): string {
  const dir = join(tmpdir(), `kprim-vs-build-${sha.slice(0, 12)}`);
  const marker = join(dir, MARKER);
  if (existsSync(marker) && readFileSync(marker, "utf8").trim() === sha) {
    progress(`reusing the build of ${sha.slice(0, 12)} in ${dir}`);
    return dir;
  }
  if (existsSync(dir)) removeWorktree(dir);
  progress(`checking out ${sha.slice(0, 12)} in ${dir}`);
  run(["git", "worktree", "add", "--detach", dir, sha], ROOT, "git worktree add");
  progress("installing (pnpm install --frozen-lockfile --prefer-offline)");
  run([...pnpm(), "install", "--frozen-lockfile", "--prefer-offline"], dir, `pnpm install in ${dir}`);
  progress("building its scenarios, explore and their dependencies");
  run([...pnpm(), "exec", "turbo", "run", "build", ...BUILD_FILTERS], dir, `the build of ${sha.slice(0, 12)}`);
  writeFileSync(marker, `${sha}\n`);
  return dir;
}

function removeWorktree(dir: string): void {
  const r = spawnSync("git", ["worktree", "remove", "--force", dir], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) rmSync(dir, { recursive: true, force: true });
  spawnSync("git", ["worktree", "prune"], { cwd: ROOT });
}

/** Both builds measured in one node process. */
function measure(oldRoot: string, opts: VsBuildOptions, quick: boolean): { results: VsResult[]; errors: string[] } {
  const env = { ...process.env };
  delete env["NODE_OPTIONS"];
  const spec = {
    sides: [
      { label: "old", root: oldRoot },
      { label: "new", root: ROOT },
    ],
    formats: opts.formats,
    rounds: opts.rounds,
    quick,
  };
  const r = spawnSync(process.execPath, ["--expose-gc", MEASURE, JSON.stringify(spec)], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new StepError(`the measuring process failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(r.stdout) as { results: VsResult[]; errors: string[] };
}

export async function vsBuildSection(quick: boolean, opts: VsBuildOptions): Promise<Section> {
  const errors: string[] = [];
  let sha = "";
  let oldRoot: string | null = null;
  let rows: VsRow[] = [];
  try {
    const rev = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${opts.ref}^{commit}`], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (rev.status !== 0) throw new StepError(`--ref ${opts.ref}: not a commit of this repository`);
    sha = rev.stdout.trim();
    oldRoot = prepareOld(sha);
    progress("building this checkout's scenarios, explore and their dependencies");
    run([...pnpm(), "exec", "turbo", "run", "build", ...BUILD_FILTERS], ROOT, "the build of this checkout");
    const rounds = quick ? Math.min(opts.rounds, 2) : opts.rounds;
    progress(`measuring: ${rounds} rounds after a warm-up, ${opts.formats.join(" and ")}`);
    const m = measure(oldRoot, { ...opts, rounds }, quick);
    errors.push(...m.errors);
    rows = summarize(m.results);
    for (const line of formatRows(rows)) process.stdout.write(`\n  ${line}`);
    if (rows.length > 0) process.stdout.write("\n");
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    errors.push(e.message);
  } finally {
    if (oldRoot !== null && !opts.keep) removeWorktree(oldRoot);
  }
  const table: Table = {
    header: ["workload", "format", "old ms", "new ms", "new ÷ old", "per round", "wall new ÷ old", "work"],
    rows: rows.map((r) => [
      r.workload,
      r.format,
      r.oldMs,
      r.newMs,
      r.ratio,
      `${r.low.toFixed(2)}–${r.high.toFixed(2)}`,
      r.wallRatio,
      r.equalWork ? r.newWork : `differs — old: ${r.oldWork}; new: ${r.newWork}`,
    ]),
  };
  const unequal = rows.filter((r) => !r.equalWork).length;
  return {
    id: "vs-build",
    title: `This checkout against ${opts.ref}`,
    text: [
      `The workloads below on a build of ${opts.ref} (${sha.slice(0, 12) || "?"}) and a build of this checkout, loaded in one node process (as ES modules and as CommonJS) and timed in turn, the side going first alternating from round to round; ${rows[0]?.rounds ?? 0} rounds after a warm-up. Figures: process CPU time, medians; "per round" is the range of the rounds' ratios.`,
      ...(unequal > 0
        ? [
            `**${unequal} row(s) compare unequal work** (the two commits take different steps or explore different executions for the same workload): their ratio is not a speed comparison.`,
          ]
        : []),
    ],
    tables: [table],
    charts: [],
    data: { ref: opts.ref, commit: sha, rows },
    errors,
  };
}
