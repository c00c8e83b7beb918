/**
 * Where a search's time goes, for measuring (never for deciding anything):
 * with `KPRIM_TIMELINE=<file>` in its environment, `kprim explore` writes
 * there, at the end, when its search started and ended and, on a queue,
 * each job's times — sent and added by the submitter, taken, started, ended
 * and posted by its worker, received by the submitter — with the worker's
 * name and the runs the job made. Times are milliseconds since the epoch
 * with sub-millisecond precision (`performance.timeOrigin + now()`), so the
 * processes of one machine compare.
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export const TIMELINE_ENV = "KPRIM_TIMELINE";

/** Milliseconds since the epoch, sub-millisecond. */
export const now = (): number => performance.timeOrigin + performance.now();

/** What a worker timed of one job: taken, started (prepared), ended (explored), posted. */
export type WorkerTimes = readonly [number, number, number, number];

export interface JobTimes {
  readonly id: string;
  /** Units in the job (0: a range of runs), and its early split (runs), if any. */
  readonly units: number;
  readonly split: number | null;
  readonly sent: number;
  added: number;
  received?: number;
  worker?: string;
  times?: WorkerTimes;
  /** Runs made (executions, blocked, cycles; or sampled runs). */
  runs?: number;
  /** Units the worker carried on to beyond the job's own (work first). */
  carried?: number;
  /** A continuation (give and go on): no queue job, explored by the worker of the job before. */
  readonly continued?: boolean;
}

export interface Timeline {
  /** The process started (performance.timeOrigin), and its explore job began (its run prepared). */
  born?: number;
  asked?: number;
  /** The queue's connection opened (before), Redis reached with BullMQ loaded, the workers counted; the search started and ended. */
  opened?: number;
  reached?: number;
  counted?: number;
  start?: number;
  end?: number;
  /** This process's CPU time (user + system, ms) when the search started and ended. */
  cpuStart?: number;
  cpuEnd?: number;
  readonly jobs: JobTimes[];
}

/** This process's CPU time so far (user + system, ms). */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function wantTimeline(): string | null {
  const f = process.env[TIMELINE_ENV];
  return f === undefined || f === "" ? null : f;
}

export function writeTimeline(file: string, t: Timeline): void {
  writeFileSync(file, JSON.stringify(t));
}
