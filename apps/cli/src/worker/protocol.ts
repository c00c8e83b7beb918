/**
 * What the CLI's main thread and its worker thread exchange. The main thread
 * parses the command line and renders; the worker loads plugins, runs
 * machines and explores (the jobs), and posts back plain data. They share
 * one small SharedArrayBuffer:
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
import type { Job, StopReason } from "../jobs/requests.js";

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
