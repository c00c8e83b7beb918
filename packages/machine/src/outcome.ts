/**
 * How a run ends. Console lines (the getnewbuf warnings, for instance) are
 * observations beside the outcome, not failures.
 */
import type { Evidence } from "./detector.js";

export interface DetectorReport {
  /** The detector (or machine rule) that reported: `lost-wakeup`, `spinlock-blocking`, ... */
  readonly detector: string;
  readonly message: string;
  /** Ids of the threads involved. */
  readonly threads: readonly number[];
  /** The steps the report relies on, when the detector named them (`Finding.evidence`). */
  readonly evidence?: readonly Evidence[];
}

export interface Waiter {
  readonly thread: number;
  readonly name: string;
  readonly cpu: number;
  /** "spinning on S held by T", "asleep on X", "waiting for the MP lock held by cpu 1" */
  readonly waitsOn: string;
}

export type Outcome =
  | { readonly kind: "ok" }
  | { readonly kind: "panic"; readonly message: string; readonly thread: string; readonly step: number }
  | {
      readonly kind: "violation";
      /** The first detector that reported at this step. */
      readonly detector: string;
      readonly message: string;
      readonly step: number;
      readonly threads: readonly number[];
      /** Every detector that reported at this step. */
      readonly reports: readonly DetectorReport[];
    }
  | { readonly kind: "deadlock"; readonly waiters: readonly Waiter[]; readonly step: number }
  | { readonly kind: "step-limit"; readonly step: number };

export type OutcomeKind = Outcome["kind"];

export function isFailure(o: Outcome): boolean {
  return o.kind !== "ok";
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case "ok":
      return "ok";
    case "panic":
      return `panic at step ${o.step} in ${o.thread}: ${o.message}`;
    case "violation":
      return `violation at step ${o.step}: ${o.reports.map((r) => `[${r.detector}] ${r.message}`).join("; ")}`;
    case "deadlock":
      return `deadlock at step ${o.step}: ${o.waiters.map((w) => `${w.name} (cpu${w.cpu}) ${w.waitsOn}`).join("; ")}`;
    case "step-limit":
      return `step limit reached at step ${o.step}`;
    default: {
      const never: never = o;
      return String(never);
    }
  }
}
