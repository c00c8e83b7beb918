/**
 * What the CLI's main thread and its worker thread exchange. The main thread
 * parses the command line and renders; the worker loads plugins, runs
 * machines and explores, and posts back plain data. They share one small
 * SharedArrayBuffer:
 *
 *   ints 0..15   control: the stop request, explore progress
 *   regions      one per writing thread (the worker, and the workers of a
 *                parallel exploration): a counter of resumes and choices,
 *                whether a thread body, the strategy or a load or set-up is
 *                running, the name and cpu of that thread (or what is being
 *                loaded or set up), and the strategy's name
 *
 * so the main thread can draw progress, ask an exploration to stop between
 * executions, and notice a thread body that never yields or a strategy that
 * never chooses (watchdog.ts).
 */
export type StopReason = "interrupted" | "time-limit";

export const CTRL = {
  /** 0 run on, 1 interrupted (Ctrl-C), 2 time limit */
  stop: 0,
  /** executions so far of the running exploration */
  executions: 1,
} as const;

export const HEADER_INTS = 16;
export const REGIONS = 8;
export const REGION_INTS = 32;
/** What a region's `inBody` says is running. */
export const RUNNING = { nothing: 0, body: 1, strategy: 2, loading: 3 } as const;
/** Offsets inside a region (in ints): the strategy's name (up to 32 bytes), then the thread's. */
export const R = { counter: 0, inBody: 1, cpu: 2, nameLen: 3, strategyLen: 4, strategy: 5, name: 13 } as const;
export const STRATEGY_BYTES = (R.name - R.strategy) * 4;
export const NAME_BYTES = (REGION_INTS - R.name) * 4;

export function newShared(): SharedArrayBuffer {
  return new SharedArrayBuffer((HEADER_INTS + REGIONS * REGION_INTS) * 4);
}

export function stopCode(r: StopReason): number {
  return r === "interrupted" ? 1 : 2;
}

export function stopReason(code: number): StopReason | null {
  return code === 1 ? "interrupted" : code === 2 ? "time-limit" : null;
}

/** A scenario run as plain data (names, not objects): what every job starts from. */
export interface RunSpec {
  readonly scenario: string;
  readonly variant?: string;
  readonly options: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

export type TraceFormat = "text" | "json" | "perfetto" | "html";

export interface RunJob {
  readonly kind: "run";
  readonly spec: RunSpec;
  readonly cpus?: number;
  readonly strategy: string;
  readonly seed: number;
  readonly depth: number;
  readonly maxSteps: number;
  readonly signal: string;
  readonly trace?: TraceFormat;
}

export interface ReplayJob {
  readonly kind: "replay";
  readonly scenario: string;
  readonly schedule: string;
  readonly signal: string;
  readonly trace?: TraceFormat;
}

export interface ExploreJob {
  readonly kind: "explore";
  readonly spec: RunSpec;
  readonly strategy: string;
  readonly signal: string;
  readonly schedules?: number;
  readonly bound?: number;
  readonly depth?: number;
  readonly symmetry?: boolean;
  readonly seed: number;
  readonly workers: number;
  readonly maxSteps: number;
}

export interface CompareJob {
  readonly kind: "compare";
  readonly spec: RunSpec;
  readonly variants?: readonly string[];
  readonly runs: number;
  /** At most this many executions per search stage of each variant's verdict. */
  readonly schedules?: number;
  /** Stop a variant's searches after this long and go on with the next (ms). */
  readonly variantTimeLimitMs?: number;
}

/** A run stepped by a person: the worker posts a `state` per step and waits for a `SessionCommand`. */
export interface InteractiveJob {
  readonly kind: "interactive";
  readonly spec: RunSpec;
  readonly cpus?: number;
  readonly maxSteps: number;
  readonly signal: string;
  /** A schedule to start from (its header gives the variant, options and params). */
  readonly from?: string;
  readonly trace?: TraceFormat;
}

/** What the main thread answers a `state` with. */
export type SessionCommand =
  | { readonly kind: "take"; readonly index: number }
  | { readonly kind: "back" }
  | { readonly kind: "end"; readonly why: string };

export type Job =
  { readonly kind: "list" } | RunJob | ReplayJob | ExploreJob | CompareJob | InteractiveJob | { readonly kind: "demo" };

export interface WorkerInit {
  readonly job: Job;
  /** --plugin values as given (resolved from cwd), after the config file's. */
  readonly plugins: readonly string[];
  readonly cwd: string;
  readonly shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { readonly kind: "started"; readonly label: string; readonly total: number | null }
  | { readonly kind: "result"; readonly data: unknown }
  /** A session's state (an interactive job), answered with a SessionCommand. */
  | { readonly kind: "state"; readonly data: unknown }
  | { readonly kind: "error"; readonly input: boolean; readonly message: string; readonly stack: string };
