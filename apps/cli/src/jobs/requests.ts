/**
 * What the command line asks of a job, as plain data (names, not objects):
 * the requests the main thread sends to the worker thread, defined once.
 * A run is a ScenarioSpec of @kprim/scenarios (scenario, variant, options,
 * params); each job adds what it does with it.
 */
import type { ScenarioSpec } from "@kprim/scenarios";

/** Why an exploration ended early. */
export type StopReason = "interrupted" | "time-limit";

/** A scenario run: what `prepare` takes (options and params as the command line gave them). */
export interface RunSpec extends ScenarioSpec {
  readonly options: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

export type TraceFormat = "text" | "json" | "perfetto" | "html";

export interface RunJob {
  readonly kind: "run";
  readonly spec: RunSpec;
  readonly cpus: number | undefined;
  readonly strategy: string;
  readonly seed: number;
  readonly depth: number;
  readonly maxSteps: number;
  readonly signal: string;
  readonly trace: TraceFormat | undefined;
}

export interface ReplayJob {
  readonly kind: "replay";
  /** The scenario named on the command line (null: the schedule's). */
  readonly scenario: string | null;
  readonly schedule: string;
  /** --signal as given (null: the schedule's own, else "failure"). */
  readonly signal: string | null;
  readonly trace: TraceFormat | undefined;
}

export interface ExploreJob {
  readonly kind: "explore";
  readonly spec: RunSpec;
  readonly strategy: string;
  readonly signal: string;
  readonly schedules: number | undefined;
  readonly bound: number | undefined;
  readonly depth: number | undefined;
  readonly symmetry: boolean;
  readonly seed: number;
  readonly workers: number;
  readonly maxSteps: number;
  /** Draw the counterexample (if one is found). */
  readonly trace: TraceFormat | undefined;
}

export interface CompareJob {
  readonly kind: "compare";
  readonly spec: RunSpec;
  readonly variants: readonly string[] | undefined;
  readonly runs: number;
}

export type Job = { readonly kind: "list" } | RunJob | ReplayJob | ExploreJob | CompareJob | { readonly kind: "demo" };
