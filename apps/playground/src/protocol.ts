/**
 * The messages between the page and its Web Worker (worker.ts): an
 * exploration or a comparison asked for as plain data, answered by progress
 * messages and one result (or an error line). Stopping is the page ending
 * the worker: a synchronous exploration cannot read messages while it runs,
 * and the page already has the progress so far.
 */
import type { Cost } from "@kprim/scenarios";
import type { RunSpec } from "./session.js";

export type ExploreStrategy = "dpor" | "random" | "pct";

export interface ExploreRequest {
  readonly kind: "explore";
  readonly id: number;
  readonly spec: RunSpec;
  readonly strategy: ExploreStrategy;
  /** DPOR: executions at most; random and PCT: runs. */
  readonly budget: number;
  readonly seed: number;
  /** PCT's depth. */
  readonly depth: number;
  readonly signal: string;
}

export interface CompareRequest {
  readonly kind: "compare";
  readonly id: number;
  /** The scenario, its options and parameters (the variants come from `variants`). */
  readonly spec: RunSpec;
  readonly variants: readonly string[];
  /** Jitter seeds per measurement. */
  readonly seeds: number;
}

export type WorkerRequest = ExploreRequest | CompareRequest;

/** A request before the client numbers it. */
export type WorkerJob = Omit<ExploreRequest, "id"> | Omit<CompareRequest, "id">;

export interface ExploreSummary {
  readonly found: boolean;
  /** describeMode of the exploration: "dpor", "random(seed=1, runs=1000)", … */
  readonly mode: string;
  readonly signal: string;
  readonly executions: number;
  readonly exhausted: boolean;
  /** The failing execution in words (found). */
  readonly failure: string | null;
  readonly executionsToFound: number | null;
  /** The shrunk schedule (found): what the step view opens. */
  readonly shrunk: string | null;
  readonly shrunkSteps: number | null;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly console: readonly { readonly text: string; readonly executions: number }[];
  readonly stepLimited: number;
}

export interface CompareRow {
  readonly variant: string;
  /** The variant's interlock ("token", "spin", …). */
  readonly interlock: string;
  readonly cost: Cost;
  /** What matrix.json expects of the scenario under this variant ("found: console:…"), if it has a row. */
  readonly expected: string | null;
}

export interface CompareSummary {
  readonly scenario: string;
  readonly rows: readonly CompareRow[];
  /** Cycles per operation against cpus, per variant (scenarios with a `cpus` parameter), else null. */
  readonly series:
    readonly { readonly variant: string; readonly points: readonly { cpus: number; cyclesPerOp: number }[] }[] | null;
}

export type WorkerReply =
  | { readonly kind: "progress"; readonly id: number; readonly done: number; readonly total: number | null }
  | { readonly kind: "explored"; readonly id: number; readonly result: ExploreSummary }
  | { readonly kind: "compared"; readonly id: number; readonly result: CompareSummary }
  | { readonly kind: "error"; readonly id: number; readonly message: string };
