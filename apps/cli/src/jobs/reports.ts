/**
 * What jobs send back to the main thread: plain, JSON-able data, rendered as
 * text or printed as `--json`. Nothing here holds a timing: the same command
 * gives the same report.
 */
import type { ConsoleCount, Phase } from "@kprim/explore";
import type { ConsoleLine, Counters, Outcome } from "@kprim/machine";
import type { StopReason, TraceFormat } from "./requests.js";
import type { Trail } from "./trail.js";

export interface ListEntry {
  readonly name: string;
  readonly specId: string | null;
  readonly description: string;
  /** "built-in" or the plugin that adds it. */
  readonly source: string;
  readonly params: readonly {
    readonly name: string;
    readonly type: string;
    readonly default: number | boolean | string;
    readonly description: string;
  }[];
  /** The matrix rows of its spec id: each variant (with options) it is checked under, and the verdict expected. */
  readonly variants: readonly {
    readonly variant: string;
    readonly options: Readonly<Record<string, string>>;
    readonly expect: "found" | "not-found";
    readonly signal: string;
  }[];
  /** The variant options its runs depend on (null: all). */
  readonly dependsOn: readonly string[] | null;
  /** The detectors its runs install (under the default variant): what `violation:<detector>` may name. */
  readonly detectors: readonly string[];
}

export interface ListReport {
  readonly scenarios: readonly ListEntry[];
  readonly interlocks: readonly { readonly name: string; readonly source: string; readonly description: string }[];
  readonly variants: readonly string[];
  /** The variant option keys (--option k=v). */
  readonly options: readonly string[];
  readonly strategies: readonly { readonly name: string; readonly source: string }[];
}

export interface RunHeader {
  readonly scenario: string;
  readonly variant: string;
  /** The variant as run: `VARIANT`, or `VARIANT:INTERLOCK` when its interlock was replaced. */
  readonly label: string;
  /** The variant's options with the overrides applied. */
  readonly options: Readonly<Record<string, string>>;
  /** Those of them the scenario depends on (what a header shows). */
  readonly shown: Readonly<Record<string, string>>;
  /** Whether the scenario depends on any option a variant sets (else the variant is not shown). */
  readonly variantMatters: boolean;
  readonly params: Readonly<Record<string, string>>;
  /** Choices on the command line that change nothing for this scenario, in words. */
  readonly notes: readonly string[];
}

export interface RunReport extends RunHeader {
  readonly strategy: string;
  readonly signal: string;
  readonly outcome: Outcome;
  readonly outcomeText: string;
  /** The outcome (and console) show the signal: a failure found (exit 1). */
  readonly found: boolean;
  readonly console: readonly ConsoleLine[];
  readonly counters: Counters;
  readonly steps: number;
  readonly makespan: number;
  readonly schedule: string;
  readonly replay: string;
  /**
   * The run reached the step limit without showing the signal: not a failure,
   * and no "nothing found" either (exit 3) — a possible livelock or an
   * undeclared busy-wait, described as `explore` describes one. Else null.
   */
  readonly inconclusive: RunInconclusive | null;
  readonly trace: { readonly format: TraceFormat; readonly content: string } | null;
  /** What `--save-trail` (or a trace written to a file) writes. */
  readonly trail: Trail;
}

/** A single run's step limit, described: the loop, the threads that never ran, the hint. */
export interface RunInconclusive {
  readonly message: string;
  readonly loop: readonly { readonly thread: string; readonly ops: readonly string[] }[];
  readonly starved: readonly string[];
}

export interface ExploreReport extends RunHeader {
  readonly verdict: "found" | "not-found";
  readonly signal: string;
  readonly mode: string;
  readonly executions: number;
  /** Stateful search: distinct states, and executions cut at one explored before (else 0). */
  readonly states: number;
  readonly merged: number;
  readonly exhausted: boolean;
  readonly bound: number | null;
  /** The default strategy's phases (the burst's random and PCT runs, then DPOR): which found or exhausted (else null). */
  readonly phases: readonly Phase[] | null;
  /** Console lines seen (observations), each with the number of executions that printed it. */
  readonly warnings: readonly ConsoleCount[];
  readonly outcomes: Readonly<Record<string, number>>;
  readonly stepLimited: number;
  /**
   * Executions that reached the step limit without showing the signal: a
   * possible livelock or an undeclared busy-wait, described (the first one's
   * loop, starved threads, hint and replay handle) — not a failure, but no
   * not-found claim either (exit 3). Null when there were none.
   */
  readonly inconclusive: {
    readonly count: number;
    readonly message: string;
    readonly loop: readonly { readonly thread: string; readonly ops: readonly string[] }[];
    readonly starved: readonly string[];
    readonly replay: string;
  } | null;
  /** Why the exploration ended early, if it did ("queue-lost": its queue went away; see `lost`). */
  readonly stopped: StopReason | "queue-lost" | null;
  /** The queue went away mid-search (one line): the report is what was settled before (exit ≠ 0). */
  readonly lost?: string | null;
  /** Spread over a queue's workers, or merged from static shards (null: one process). */
  readonly distributed?: { readonly queue?: string; readonly parts?: number } | null;
  readonly failure: string | null;
  /** The failure's kind, to match on: `violation:<detectors>`, `deadlock`, `panic:<message>`, … (null: nothing found). */
  readonly failureKind: string | null;
  readonly executionsToFound: number | null;
  readonly schedule: string | null;
  readonly shrunk: string | null;
  readonly shrunkSteps: number | null;
  readonly replay: string | null;
  /** How the shrunk counterexample ends: what its replay command shows (describeOutcome). */
  readonly replayed: string | null;
  /** The shrunk counterexample's trail and (with --trace) its trace; null when nothing was found. */
  readonly trail: Trail | null;
  readonly trace: { readonly format: TraceFormat; readonly content: string } | null;
}

/** What `kprim worker` did until it was stopped. */
export interface WorkerReport {
  readonly worker: string;
  readonly queue: string;
  /** Jobs (slices) explored, executions in them, jobs refused (another version, catalogue, plugins) and skipped (their search had ended). */
  readonly jobs: number;
  readonly executions: number;
  readonly refused: number;
  readonly skipped: number;
}

export interface CompareRow {
  readonly variant: string;
  readonly options: Readonly<Record<string, string>>;
  /**
   * found: the row's signal (or a failure, with no row) was shown; not-found: not in what was explored;
   * inconclusive: not shown, but some execution reached the step limit (never a verified not-found).
   */
  readonly verdict: "found" | "not-found" | "inconclusive";
  readonly signal: string;
  /** The matrix row's expectation, or null when matrix.json has no row for this scenario and variant. */
  readonly expected: "found" | "not-found" | null;
  /** null when the row's verdict could not be judged (no matrix row, or stopped before it was decided). */
  readonly matches: boolean | null;
  readonly detail: string;
  /** Why this variant's searches were cut short (Ctrl-C, the time limits, null: they ran to their end). */
  readonly partial: CompareStop | null;
  /** Executions explored up to the first that showed the signal (null: none did). */
  readonly schedulesToFailure: number | null;
  readonly replay: string | null;
  /** Runs (seeded random schedules) behind the warning rate. */
  readonly runs: number;
  /** Console lines per 10,000 random runs (each text counted once per run). */
  readonly warningsPer10k: number;
  /** Medians over 5 timed runs with seeded jitter; an operation is one scenario thread. */
  readonly cyclesPerOp: number;
  readonly ipisPerOp: number;
}

export interface CompareReport {
  readonly scenario: string;
  readonly specId: string | null;
  /** One per variant compared (fewer than `variants` when stopped). */
  readonly rows: readonly CompareRow[];
  /** Variants asked for. */
  readonly variants: number;
  /** Ctrl-C or --time-limit stopped it (null: every variant done). */
  readonly stopped: StopReason | null;
  /** Rows judged against a matrix row (the others have none). */
  readonly checked: number;
  /** At least one verdict was checked, every one matched, and every variant ran (exit 0). */
  readonly ok: boolean;
  /** Variants that run the scenario alike (it ignores what tells them apart), in words. */
  readonly notes: readonly string[];
}

/** What cut a compare row short: a stop of the whole command, or --variant-time-limit. */
export type CompareStop = StopReason | "variant-time-limit";

export interface DemoSection {
  readonly title: string;
  readonly scenario: string;
  readonly variant: string;
  readonly options: Readonly<Record<string, string>>;
  readonly expect: "found" | "not-found";
  readonly signal: string;
  readonly holds: boolean;
  readonly detail: string;
  readonly executions: number;
  readonly failure: string | null;
  readonly shrunk: string | null;
  readonly shrunkSteps: number | null;
  readonly replay: string | null;
  /** The shrunk schedule replayed: its outcome and console. */
  readonly replayed: string | null;
  readonly warnings: readonly string[];
}

export interface DemoReport {
  readonly sections: readonly DemoSection[];
  readonly ok: boolean;
}
