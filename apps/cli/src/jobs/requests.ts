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
  /** At most this many executions per search stage of each variant's verdict. */
  readonly schedules: number | undefined;
  /** Stop a variant's searches after this long and go on with the next (ms). */
  readonly variantTimeLimitMs: number | undefined;
}

/** A run stepped by a person: the job shows a state per step and waits for a `SessionCommand`. */
export interface InteractiveJob {
  readonly kind: "interactive";
  readonly spec: RunSpec;
  readonly cpus: number | undefined;
  readonly maxSteps: number;
  readonly signal: string;
  /** A schedule to start from (its header gives the variant, options and params). */
  readonly from: string | undefined;
  readonly trace: TraceFormat | undefined;
}

/** What the person answers a state of an interactive job with. */
export type SessionCommand =
  | { readonly kind: "take"; readonly index: number }
  | { readonly kind: "back" }
  | { readonly kind: "end"; readonly why: string };

export type Job =
  { readonly kind: "list" } | RunJob | ReplayJob | ExploreJob | CompareJob | InteractiveJob | { readonly kind: "demo" };
