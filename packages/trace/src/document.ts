/**
 * The trace document: the one input every exporter takes. It is a plain,
 * serialisable record of a traced run (cpus, threads, events, console,
 * outcome) plus what a reader needs around it — the scenario, the variant,
 * the command that replays the run, and the racy window to highlight.
 *
 * Contract: `documentFromRun` builds a document from a `RunResult` recorded
 * with `trace: true`; `checkDocument` rejects a malformed one (events out of
 * order, a cpu, window or failure point out of range) with a `TraceError` naming the first
 * problem. Exporters call `checkDocument` and are pure functions of the
 * document: the same document gives a byte-identical file.
 */
import {
  type ConsoleLine,
  EVIDENCE_ROLES,
  type Outcome,
  type RunResult,
  type ThreadInfo,
  type TraceEvent,
} from "@kprim/machine";
import { consoleFocus, failureEvidence, focusLine, type TraceLabel } from "./evidence.js";
import { racyWindow } from "./window.js";

/** The steps a reader should look at first, inclusive on both ends. */
export interface RacyWindow {
  readonly fromStep: number;
  readonly toStep: number;
  /** Why these steps, in one sentence (shown in every export). */
  readonly reason: string;
}

/**
 * A step to mark as the failure point when the outcome itself is no failure:
 * an observation the explorer targeted, such as a console line (getnewbuf's
 * "locked buf" warning is printed by a run that ends `ok`).
 */
export interface FailurePoint {
  readonly step: number;
  /** What happened there, in one line (shown in every export). */
  readonly text: string;
}

/** One line of "what ran": a name ("interlock", "param sleepers", "signal") and its value. */
export interface RunSetting {
  readonly name: string;
  readonly value: string;
}

export interface TraceDocument {
  /** The scenario name (the title of every export). */
  readonly scenario: string;
  readonly variant?: string | undefined;
  /** What ran, line by line (interlock, layers, options, params, signal), as the caller describes it. */
  readonly settings?: readonly RunSetting[] | undefined;
  /** The command that replays this run, shown verbatim. */
  readonly replayCommand?: string | undefined;
  readonly ncpus: number;
  readonly threads: readonly ThreadInfo[];
  /** Every event of the run, in sequence order. */
  readonly events: readonly TraceEvent[];
  readonly console: readonly ConsoleLine[];
  readonly outcome: Outcome;
  /** Steps the run took. */
  readonly steps: number;
  readonly window?: RacyWindow | undefined;
  /** An explicit failure point; absent, a failing outcome's step is the failure point. */
  readonly failurePoint?: FailurePoint | undefined;
  /** The decisive steps, each with a few words, labelled on the timeline (the failure's evidence). */
  readonly labels?: readonly TraceLabel[] | undefined;
}

export interface DocumentMeta {
  /** Default: the scenario of the run's schedule header, else "machine". */
  readonly scenario?: string | undefined;
  /** Default: the variant of the run's schedule header, if any. */
  readonly variant?: string | undefined;
  readonly replayCommand?: string | undefined;
  /** What ran, line by line (see `TraceDocument.settings`). */
  readonly settings?: readonly RunSetting[] | undefined;
  /** An explicit racy window, `null` for none; omitted, `racyWindow(result, focus)` decides. */
  readonly window?: RacyWindow | null | undefined;
  /**
   * The failure point of a run whose outcome is not a failure (a targeted console line, say).
   * Omitted for a run that ended ok: the first console line containing `console`, else the
   * first line a detector explained, is the failure point.
   */
  readonly failurePoint?: FailurePoint | undefined;
  /** The console text the run looked for (a `console:<text>` signal). */
  readonly console?: string | undefined;
  /** Explicit labels, `null` for none; omitted, the failure's evidence (evidence.ts). */
  readonly labels?: readonly TraceLabel[] | null | undefined;
}

/** A document that cannot be exported, or a run that cannot become one. */
export class TraceError extends Error {
  override readonly name = "TraceError";
}

/** Build the document of a traced run. Throws a `TraceError` for a run recorded without `trace: true`. */
export function documentFromRun(result: RunResult, meta: DocumentMeta = {}): TraceDocument {
  if (result.trace === null) {
    throw new TraceError("the run kept no trace: create the machine with `trace: true`");
  }
  const header = result.schedule.header;
  const variant = meta.variant ?? (header.variant !== "" ? header.variant : undefined);
  // A run that ended ok is shown by a console line (explicit failure point aside).
  const focus = meta.failurePoint === undefined ? consoleFocus(result, meta.console) : undefined;
  const line = focus === undefined ? undefined : focusLine(result, focus);
  const failurePoint =
    meta.failurePoint ?? (line !== undefined ? { step: line.step, text: `console: ${line.text}` } : undefined);
  const window = meta.window === undefined ? racyWindow(result, focus) : (meta.window ?? undefined);
  const labels = meta.labels === undefined ? failureEvidence(result, focus) : (meta.labels ?? []);
  const doc: TraceDocument = {
    scenario: meta.scenario ?? (header.scenario !== "" ? header.scenario : "machine"),
    variant,
    ...(meta.settings !== undefined ? { settings: meta.settings } : {}),
    replayCommand: meta.replayCommand,
    ncpus: result.ncpus,
    threads: result.threads,
    events: result.trace,
    console: result.console,
    outcome: result.outcome,
    steps: result.steps,
    window,
    ...(failurePoint !== undefined ? { failurePoint } : {}),
    labels,
  };
  checkDocument(doc);
  return doc;
}

/** Throw a `TraceError` naming the first thing wrong with `doc`. */
export function checkDocument(doc: TraceDocument): void {
  if (!Number.isInteger(doc.ncpus) || doc.ncpus < 1 || doc.ncpus > 32) {
    throw new TraceError(`a trace has 1 to 32 cpus, not ${String(doc.ncpus)}`);
  }
  let prev: TraceEvent | undefined;
  for (const e of doc.events) {
    if (!Number.isInteger(e.cpu) || e.cpu < 0 || e.cpu >= doc.ncpus) {
      throw new TraceError(`event ${e.seq} (${e.kind}) is on cpu ${String(e.cpu)} of a ${doc.ncpus}-cpu machine`);
    }
    if (prev !== undefined && (e.seq <= prev.seq || e.step < prev.step)) {
      throw new TraceError(`event ${e.seq} (step ${e.step}) comes after event ${prev.seq} (step ${prev.step})`);
    }
    prev = e;
  }
  const w = doc.window;
  if (w !== undefined) {
    if (!Number.isInteger(w.fromStep) || !Number.isInteger(w.toStep) || w.fromStep > w.toStep) {
      throw new TraceError(`racy window ${w.fromStep}..${w.toStep} is not a range of steps`);
    }
    if (w.fromStep < 0 || w.toStep > doc.steps) {
      throw new TraceError(`racy window ${w.fromStep}..${w.toStep} lies outside the run's steps 0..${doc.steps}`);
    }
  }
  const f = doc.failurePoint;
  if (f !== undefined && (!Number.isInteger(f.step) || f.step < 0 || f.step > doc.steps)) {
    throw new TraceError(`failure point ${String(f.step)} lies outside the run's steps 0..${doc.steps}`);
  }
  for (const l of doc.labels ?? []) {
    if (!Number.isInteger(l.step) || l.step < 0 || l.step > doc.steps) {
      throw new TraceError(`label "${l.label}" at step ${String(l.step)} lies outside the run's steps 0..${doc.steps}`);
    }
    if (!EVIDENCE_ROLES.includes(l.role))
      throw new TraceError(`label "${l.label}" has an unknown role "${String(l.role)}"`);
  }
}

/** The thread names of a document by id ("-" for none). */
export function threadNamer(doc: TraceDocument): (id: number) => string {
  const names = new Map(doc.threads.map((t) => [t.id, t.name]));
  return (id) => (id < 0 ? "-" : (names.get(id) ?? `thread${id}`));
}
