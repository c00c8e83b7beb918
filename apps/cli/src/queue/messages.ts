/**
 * What crosses the queue (JSON): a job of a search in the shared work queue,
 * and what a worker posts back to the search's own results list (a plain
 * Redis list the submitter reads with a blocking pop: one command each way,
 * so a result reaches the submitter as soon as it is posted).
 */
import type { Job, JobResult } from "@kprim/explore";
import type { Envelope } from "./envelope.js";
import type { WorkerTimes } from "./timeline.js";

/** Queue names under the `kprim` key prefix. */
export const WORK_QUEUE = "work";
/** The search's results: workers push, the submitter pops (a Redis list, not a BullMQ queue). */
export const resultsKey = (search: string): string => `kprim:posted:${search}`;
/** Set when a search has ended: its jobs still queued are skipped. */
export const endedKey = (search: string): string => `kprim:ended:${search}`;

export interface QueuedJob {
  readonly search: string;
  readonly envelope: Envelope;
  /** How long a worker explores before it hands back what is left (ms). */
  readonly sliceMs: number;
  readonly job: Job;
  /** The search's last call for work (idle.ts) when the job was sent: a later one cuts it. */
  readonly idleCall?: number;
  /** Measuring (KPRIM_TIMELINE): the worker posts its times with the result. */
  readonly timeline?: boolean;
}

export type Posted =
  | {
      readonly kind: "result";
      readonly id: string;
      readonly result: JobResult;
      readonly worker: string;
      /** Taken, started, ended, posted (ms since the epoch), when the job asked for them. */
      readonly times?: WorkerTimes;
    }
  /** The worker would not take the job (another version, catalogue, plugins): the search cannot go on there. */
  | { readonly kind: "refused"; readonly id: string; readonly reason: string; readonly worker: string }
  /** The job failed on the worker (the model threw): the search ends with it. */
  | { readonly kind: "failed"; readonly id: string; readonly reason: string; readonly worker: string };
