/**
 * The behaviour recorder: what a refactoring that changes no behaviour must
 * leave byte for byte the same.
 *
 *   tsx --conditions=@kprim/source scripts/record-behaviour.ts record DIR [--only NAME]
 *   tsx --conditions=@kprim/source scripts/record-behaviour.ts compare DIR_A DIR_B
 *
 * `record` writes into DIR (created, never committed):
 * - traces/<scenario>.txt — every catalogue scenario under every matrix
 *   variant, a few option overrides (bufChecks, multicast wakeup), every
 *   value of its enum parameters and a larger size of its int ones, and the
 *   repository's plugins (the mtx interlock, each teaching bug's layer): 20
 *   random seeds each (every event with all its fields, the outcome, the
 *   console, the counters, the schedule string), half of them in check mode;
 *   then 3 timed runs with seeded jitter (clocks, costs);
 * - search/<scenario>.txt — per matrix variant: a DPOR search and a
 *   stateful search (with and without symmetry) listing every complete
 *   execution (outcome, steps, choices) and the search's counts, then
 *   explorations with their verdicts and shrunk schedules (random, PCT,
 *   iterative bounding, DPOR with the lock-order graph);
 * - keys/<scenario>.txt — per variant, 10 random runs on machines tracking
 *   states: at every step, the class of the machine's cycle key
 *   (`stateKey()`) among the run's keys and the class of its fingerprint
 *   among every fingerprint of that variant's runs (first-seen numbers, so
 *   the record does not depend on how keys are written, only on which
 *   states they tell apart).
 * `compare` exits 1 at the first difference (file, line, both lines), 0 when
 * the two directories hold the same files with the same bytes.
 *
 * Deterministic by construction (seeded strategies, budgets in executions,
 * never in time).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  explore,
  type ExploreOptions,
  type MachineFactory,
  type Mode,
  search,
  type SearchOptions,
} from "../packages/explore/src/index.ts";
import {
  type Choice,
  formatChoices,
  formatSchedule,
  Histories,
  type Machine,
  random,
  type ParamSpecs,
  type RunResult,
  type Strategy,
  timed,
  type TraceEvent,
} from "../packages/machine/src/index.ts";
import {
  catalogue,
  type KernelOverrides,
  type KernelScenario,
  matrix,
  prepare,
  type Prepared,
  scenarioFactory,
  VARIANT_NAMES,
} from "../packages/scenarios/src/index.ts";
import { mtxInterlock } from "../plugins/mtx-interlock/src/index.ts";
import {
  releaseBeforeTsleepInterlockPlugin,
  releaseForgetsWakeupPlugin,
  spinlockForgetsCritPlugin,
  wakeupIgnoresCpumaskPlugin,
} from "../plugins/teaching-bugs/src/index.ts";

const SEEDS = 20;
const TIMED_SEEDS = 3;
const MAX_STEPS = 5_000;

interface Config {
  readonly label: string;
  readonly variant: string;
  readonly options: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly kernel?: KernelOverrides;
}

/** Parameter sets: the defaults, each other enum value, each int one step up (within its bounds). */
function paramSets(s: KernelScenario): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}];
  for (const [name, spec] of Object.entries(s.params as ParamSpecs)) {
    if (spec.type === "enum") {
      for (const v of spec.values) if (v !== spec.default) out.push({ [name]: v });
    } else if (spec.type === "int") {
      const up = spec.default + 1;
      if (spec.max === undefined || up <= spec.max) out.push({ [name]: up });
    } else {
      out.push({ [name]: !spec.default });
    }
  }
  return out;
}

const label = (variant: string, options: object, params: object, extra = ""): string =>
  `${variant} ${JSON.stringify(options)} ${JSON.stringify(params)}${extra}`;

function traceConfigs(s: KernelScenario): Config[] {
  const out: Config[] = [];
  for (const params of paramSets(s)) {
    for (const variant of VARIANT_NAMES) out.push({ label: label(variant, {}, params), variant, options: {}, params });
  }
  const extra: [string, Record<string, string>][] = [
    ["TOK", { bufChecks: "no-check" }],
    ["TOK", { bufChecks: "freebsd4" }],
    ["SPIN+TI", { wakeup: "multicast" }],
    ["SPIN+TI", { interlock: "mtx" }],
  ];
  for (const [variant, options] of extra) {
    const kernel = options["interlock"] === "mtx" ? { interlocks: { mtx: mtxInterlock } } : undefined;
    out.push({ label: label(variant, options, {}), variant, options, params: {}, ...(kernel ? { kernel } : {}) });
  }
  const bugs = [
    wakeupIgnoresCpumaskPlugin,
    spinlockForgetsCritPlugin,
    releaseBeforeTsleepInterlockPlugin,
    releaseForgetsWakeupPlugin,
  ];
  for (const p of bugs) {
    out.push({
      label: label("SPIN+TI", {}, {}, ` plugin ${p.name}`),
      variant: "SPIN+TI",
      options: {},
      params: {},
      kernel: { ...p.layers, ...(p.interlocks ? { interlocks: p.interlocks } : {}) },
    });
  }
  return out;
}

function prepared(s: KernelScenario, c: Config): Prepared {
  return prepare({
    scenario: s,
    variant: c.variant,
    options: c.options,
    params: c.params,
    ...(c.kernel ? { kernel: c.kernel } : {}),
  });
}

function eventLine(e: TraceEvent, names: readonly string[]): string {
  const who = e.thread < 0 ? "-" : (names[e.thread] ?? `?${e.thread}`);
  return [e.seq, e.step, e.cycle, e.cpu, who, e.kind, e.obj ?? "", e.detail ?? "", e.target ?? "", e.flow ?? ""].join(
    "|",
  );
}

function resultLines(r: RunResult, out: string[]): void {
  const names = r.threads.map((t) => t.name);
  out.push(`threads ${JSON.stringify(r.threads)}`);
  for (const e of r.trace ?? []) out.push(eventLine(e, names));
  out.push(`outcome ${JSON.stringify(r.outcome)}`);
  for (const l of r.console) out.push(`console ${JSON.stringify(l)}`);
  out.push(`counters ${JSON.stringify(r.counters)}`);
  out.push(`steps ${r.steps} makespan ${r.makespan}`);
  out.push(`schedule ${formatSchedule(r.schedule)}`);
}

function caught(e: unknown): string {
  if (!(e instanceof Error)) return `THROW ${String(e)}`;
  const more = "choices" in e ? ` choices=${String((e as { choices: unknown }).choices)}` : "";
  return `THROW ${e.name}: ${e.message}${more}`;
}

function recordTraces(s: KernelScenario): string {
  const out: string[] = [];
  for (const c of traceConfigs(s)) {
    let p: Prepared;
    try {
      p = prepared(s, c);
    } catch (e) {
      out.push(`== ${c.label}: ${caught(e)}`);
      continue;
    }
    for (let seed = 0; seed < SEEDS; seed++) {
      const check = seed % 2 === 1;
      out.push(`== ${c.label} random seed ${seed}${check ? " check" : ""}`);
      try {
        resultLines(p.build({ strategy: random({ seed }), trace: true, check, maxSteps: MAX_STEPS }).run(), out);
      } catch (e) {
        out.push(caught(e));
      }
    }
    for (let seed = 1; seed <= TIMED_SEEDS; seed++) {
      out.push(`== ${c.label} timed jitter ${seed}`);
      try {
        const m = p.build({
          strategy: timed(),
          trace: true,
          check: false,
          maxSteps: MAX_STEPS,
          jitter: { seed, amount: 0.1 },
        });
        resultLines(m.run(), out);
      } catch (e) {
        out.push(caught(e));
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** A search listing its complete executions, then its counts. */
function searchLines(factory: MachineFactory, opts: SearchOptions, out: string[]): void {
  try {
    const stats = search(factory, opts, (t) => {
      const r = t.result;
      out.push(`${t.index} ${r.outcome.kind} ${r.steps} ${formatChoices(r.schedule.choices)}`);
      return false;
    });
    out.push(`stats ${JSON.stringify(stats)}`);
  } catch (e) {
    out.push(caught(e));
  }
}

function exploreLine(factory: MachineFactory, opts: ExploreOptions, out: string[]): void {
  try {
    out.push(`result ${JSON.stringify(explore(factory, opts))}`);
  } catch (e) {
    out.push(caught(e));
  }
}

function recordSearches(s: KernelScenario): string {
  const out: string[] = [];
  const rows = matrix.rows;
  const configs: Config[] = [];
  for (const variant of VARIANT_NAMES)
    configs.push({ label: label(variant, {}, {}), variant, options: {}, params: {} });
  // The matrix rows' own option sets, beside the plain variants.
  for (const r of rows) {
    if (Object.keys(r.options).length === 0 || r.id !== s.specId) continue;
    configs.push({ label: label(r.variant, r.options, {}), variant: r.variant, options: r.options, params: {} });
  }
  if (s.name === "lost-wakeup") {
    for (const params of [{ sleepers: 2 }, { sleepers: 3 }, { sleepers: 2, interlock: "none" }]) {
      for (const wakeup of ["chain", "multicast"]) {
        const options = { wakeup };
        configs.push({ label: label("SPIN+TI", options, params), variant: "SPIN+TI", options, params });
      }
    }
  }
  for (const c of configs) {
    let factory: MachineFactory;
    try {
      factory = scenarioFactory(prepared(s, c));
    } catch (e) {
      out.push(`== ${c.label}: ${caught(e)}`);
      continue;
    }
    const base = { maxSteps: MAX_STEPS };
    out.push(`== ${c.label} dpor search`);
    searchLines(factory, { ...base, reduction: "dpor", maxExecutions: 150 }, out);
    if (c.variant === "TOK-spin2005") {
      out.push(`== ${c.label} dpor search, longer (unfair cycles)`);
      searchLines(factory, { ...base, reduction: "dpor", maxExecutions: 800 }, out);
    }
    out.push(`== ${c.label} dpor search, commutative atomics, bound 2`);
    searchLines(
      factory,
      { ...base, reduction: "dpor", maxExecutions: 60, commutativeAtomics: true, preemptionBound: 2 },
      out,
    );
    out.push(`== ${c.label} stateful search`);
    searchLines(factory, { ...base, reduction: "none", stateful: true, maxStates: 2_000 }, out);
    out.push(`== ${c.label} stateful search, symmetry`);
    searchLines(factory, { ...base, reduction: "none", stateful: true, symmetry: true, maxStates: 2_000 }, out);
    const modes: [Mode, Partial<ExploreOptions>][] = [
      [{ kind: "random", seed: 1, runs: 40 }, {}],
      [{ kind: "pct", seed: 1, runs: 40, depth: 2 }, {}],
      [{ kind: "iterative", reduction: "dpor", maxBound: 1 }, { maxExecutions: 100 }],
      [{ kind: "dpor" }, { maxExecutions: 100, lockOrder: true }],
      [{ kind: "dfs", stateful: true, symmetry: true }, { maxStates: 1_000 }],
    ];
    for (const [mode, extra] of modes) {
      out.push(`== ${c.label} explore ${JSON.stringify(mode)}`);
      exploreLine(factory, { ...base, ...extra, mode, shrink: 60 }, out);
    }
    // Every row's signal for this scenario, by DPOR (the acceptance check's last word).
    for (const r of rows) {
      if (r.id !== s.specId || r.variant !== c.variant) continue;
      out.push(`== ${c.label} explore dpor target ${r.signal}`);
      exploreLine(factory, { ...base, mode: { kind: "dpor" }, target: r.signal, maxExecutions: 100, shrink: 60 }, out);
    }
  }
  return `${out.join("\n")}\n`;
}

/** First-seen class numbers for strings. */
class Classes {
  private readonly ids = new Map<string, number>();
  of(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
    }
    return id;
  }
}

function recordKeys(s: KernelScenario): string {
  const out: string[] = [];
  const configs: Config[] = VARIANT_NAMES.map((variant) => ({
    label: label(variant, {}, {}),
    variant,
    options: {},
    params: {},
  }));
  for (const wakeup of ["chain", "multicast"]) {
    const options = { wakeup };
    const params = s.name === "lost-wakeup" ? { sleepers: 3 } : {};
    configs.push({ label: label("SPIN+TI", options, params), variant: "SPIN+TI", options, params });
  }
  for (const c of configs) {
    const p = prepared(s, c);
    for (const symmetry of [false, true]) {
      const histories = new Histories();
      const prints = new Classes();
      for (let seed = 0; seed < 10; seed++) {
        out.push(`== ${c.label} keys seed ${seed}${symmetry ? " symmetry" : ""}`);
        const cycle = new Classes();
        const inner = random({ seed });
        const line: string[] = [];
        const held: { m: Machine | null } = { m: null };
        const strategy: Strategy = {
          name: "keys",
          choose(enabled: readonly Choice[], view): number {
            const m = held.m!;
            const key = m.stateKey();
            line.push(`${key === null ? "-" : cycle.of(key)}/${prints.of(m.fingerprint())}`);
            return inner.choose(enabled, view);
          },
        };
        try {
          const m = p.build({ strategy, check: false, maxSteps: MAX_STEPS });
          held.m = m;
          m.trackStates(histories, { symmetry });
          const r = m.run();
          out.push(line.join(" "), `${r.outcome.kind} ${formatChoices(r.schedule.choices)}`);
        } catch (e) {
          out.push(line.join(" "), caught(e));
        }
      }
    }
  }
  return `${out.join("\n")}\n`;
}

function record(dir: string, only: string | undefined): void {
  mkdirSync(join(dir, "traces"), { recursive: true });
  mkdirSync(join(dir, "search"), { recursive: true });
  mkdirSync(join(dir, "keys"), { recursive: true });
  const t0 = process.hrtime.bigint();
  for (const s of catalogue) {
    if (only !== undefined && s.name !== only) continue;
    const t1 = process.hrtime.bigint();
    writeFileSync(join(dir, "traces", `${s.name}.txt`), recordTraces(s));
    const t2 = process.hrtime.bigint();
    writeFileSync(join(dir, "search", `${s.name}.txt`), recordSearches(s));
    const t3 = process.hrtime.bigint();
    writeFileSync(join(dir, "keys", `${s.name}.txt`), recordKeys(s));
    const t4 = process.hrtime.bigint();
    const sec = (a: bigint, b: bigint): string => (Number(b - a) / 1e9).toFixed(1);
    process.stdout.write(`${s.name}: traces ${sec(t1, t2)} s, searches ${sec(t2, t3)} s, keys ${sec(t3, t4)} s\n`);
  }
  process.stdout.write(`recorded in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`);
}

function files(dir: string, sub = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, sub)).sort()) {
    const rel = sub === "" ? e : join(sub, e);
    if (statSync(join(dir, rel)).isDirectory()) out.push(...files(dir, rel));
    else out.push(rel);
  }
  return out;
}

function compare(a: string, b: string): number {
  const fa = files(a);
  const fb = files(b);
  const onlyA = fa.filter((f) => !fb.includes(f));
  const onlyB = fb.filter((f) => !fa.includes(f));
  if (onlyA.length > 0 || onlyB.length > 0) {
    process.stderr.write(`different files: only in ${a}: ${onlyA.join(" ")}; only in ${b}: ${onlyB.join(" ")}\n`);
    return 1;
  }
  let lines = 0;
  for (const f of fa) {
    const ta = readFileSync(join(a, f), "utf8");
    const tb = readFileSync(join(b, f), "utf8");
    if (ta === tb) {
      lines += ta.split("\n").length;
      continue;
    }
    const la = ta.split("\n");
    const lb = tb.split("\n");
    for (let i = 0; i < Math.max(la.length, lb.length); i++) {
      if (la[i] !== lb[i]) {
        let head = "";
        for (let j = i; j >= 0; j--) {
          if (la[j]?.startsWith("== ")) {
            head = la[j]!;
            break;
          }
        }
        process.stderr.write(
          `first difference: ${f} line ${i + 1}\n  in run: ${head}\n  ${a}: ${la[i] ?? "(end of file)"}\n  ${b}: ${lb[i] ?? "(end of file)"}\n`,
        );
        return 1;
      }
    }
  }
  process.stdout.write(`identical: ${fa.length} files, ${lines} lines\n`);
  return 0;
}

function main(argv: readonly string[]): number {
  const [cmd, x, y] = argv;
  if (cmd === "record" && x !== undefined) {
    const at = argv.indexOf("--only");
    record(x, at >= 0 ? argv[at + 1] : undefined);
    return 0;
  }
  if (cmd === "compare" && x !== undefined && y !== undefined) return compare(x, y);
  process.stderr.write("usage: record-behaviour record DIR [--only SCENARIO] | compare DIR_A DIR_B\n");
  return 2;
}

process.exitCode = main(process.argv.slice(2));
