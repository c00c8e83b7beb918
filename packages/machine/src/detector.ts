/**
 * Detectors observe every step and may report a violation; they get one more
 * call at quiescence, before a deadlock is declared (a report there replaces
 * the deadlock). A violation lists every detector that reported at its step.
 *
 * Evidence: a finding may name the steps it relies on (`Finding.evidence`:
 * the last observation that went stale, what made it stale, where the
 * failure shows), and after a traced run a detector may explain what no
 * finding covers — a console line, a panic, a machine rule's report
 * (`Detector.explain`). The trace exporters start the racy window at the
 * earliest piece of evidence and label each on the timeline.
 */
import type { Choice } from "./choice.js";
import type { Renaming } from "./states/fingerprint.js";
import type { DetectorReport, Outcome } from "./outcome.js";
import type { ConsoleLine, TraceEvent } from "./trace.js";
import type { MachineView } from "./view.js";

/**
 * What a step did, as detectors see it after the step. The machine's own
 * record, filled again at every step (as are `reads` and `writes`): read it
 * during `onStep`; `events` is the step's own array and may be kept.
 */
export interface StepRecord {
  /** 1-based step number. */
  readonly index: number;
  readonly choice: Choice;
  readonly cpu: number;
  /** The thread that stepped (for a thread step), else -1. */
  readonly thread: number;
  /** Events emitted during the step (none when no detector reads them and the run is not traced). */
  readonly events: readonly TraceEvent[];
  /** Ids of shared cells read and written during the step. */
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  /** The cpus the step sent an IPI to: bit c for cpu c (also without events). */
  readonly sends: number;
}

/**
 * How the exporters mark a piece of evidence:
 * - `observe`: an observation the failure relies on (a test of a condition, a scan of a queue);
 * - `cause`: what made it stale (a release, a write, another thread taking a lock);
 * - `missed`: a wakeup that found nobody to wake (drawn with a mark of its own);
 * - `stuck`: where a thread stops for good (a tsleep that never returns, a blocking point);
 * - `report`: where the failure shows (a failed check, a console warning, a panic).
 */
export type EvidenceRole = "observe" | "cause" | "missed" | "stuck" | "report";

export const EVIDENCE_ROLES: readonly EvidenceRole[] = ["observe", "cause", "missed", "stuck", "report"];

/** One step a finding relies on, and what happened there in a few words (a label on the timeline). */
export interface Evidence {
  /** The step (as in `StepRecord.index` and `TraceEvent.step`). */
  readonly step: number;
  /** The thread whose step it was; absent for the machine's own (an IPI handler, the check at quiescence). */
  readonly thread?: number;
  /** A few words, without the thread's name: "tests L's flags", "wakeup(L) finds nobody queued". */
  readonly label: string;
  /** Default `cause`. */
  readonly role?: EvidenceRole;
}

/** What a detector reports; the machine adds its name and the step. */
export interface Finding {
  readonly message: string;
  readonly threads?: readonly number[];
  /** The steps the finding relies on, in any order (the racy window starts at the earliest). */
  readonly evidence?: readonly Evidence[];
}

/** What `Detector.explain` is asked about after a traced run. */
export type Explainable =
  | {
      readonly kind: "console";
      /** The line's index in `RunResult.console`. */
      readonly index: number;
      readonly line: ConsoleLine;
    }
  | { readonly kind: "panic"; readonly outcome: Extract<Outcome, { kind: "panic" }> }
  /** A report that came without evidence (a machine rule's, such as `spinlock-blocking`). */
  | { readonly kind: "violation"; readonly report: DetectorReport; readonly step: number };

/** The evidence one detector gave for one subject of a traced run (`RunResult.explanations`). */
export interface Explanation {
  /** What is explained: a console line by index, the panic, or a report by its detector. */
  readonly about:
    | { readonly kind: "console"; readonly index: number }
    | { readonly kind: "panic" }
    | { readonly kind: "violation"; readonly detector: string };
  /** The detector that explained it. */
  readonly by: string;
  readonly evidence: readonly Evidence[];
}

export interface Detector {
  readonly name: string;
  /** The detector reads `StepRecord.reads/writes`: the machine records footprints. */
  readonly footprints?: boolean;
  /**
   * false: the detector never reads `StepRecord.events`. A machine whose
   * detectors all say so, and that keeps no trace, makes no event objects
   * (each step's would be garbage at once; an explorer's own detectors).
   */
  readonly events?: boolean;
  onStep?(step: StepRecord, view: MachineView): Finding | undefined | void;
  atQuiescence?(view: MachineView): Finding | undefined | void;
  /**
   * Stateful search: the part of this detector's state that decides what it
   * may report from here on, as a string (step numbers left out; "" for a
   * detector that decides from the machine state alone). A machine with a
   * detector that lacks it cannot be searched statefully. Thread and cpu
   * numbers in the key go through `ren` (symmetric threads are renamed).
   */
  stateKey?(ren: Renaming): string;
  /**
   * Stateful search: a change stamp for `stateKey` — equal stamps promise
   * an equal key under the same renaming, so a state vector keeps the
   * key's number without asking for the key again (states/vector.ts). It
   * must move whenever anything the key is written from changes (at
   * `onStep`, `atQuiescence`, `restore`, `reset`): to a number never
   * returned before (a counter's next value that no restore puts back), or
   * to the number the state had when it was last exactly as it is now (a
   * restore may put back the stamp of the state it restores). Without one
   * the key is asked for at every state.
   */
  stateStamp?(): number;
  /**
   * Restoring states (an exhaustive search going back to a branch point
   * instead of replaying): the detector's own state as a value that
   * `restore` puts back — a copy later steps must not change, or a mark in
   * a log of the detector's changes that `restore` undoes back to: the
   * machine restores only states of the current run's path, each any
   * number of times until it goes back past it (the sleep-queue detectors
   * keep such a journal). A machine with a detector that lacks either is
   * searched by replaying every execution from the start.
   */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /**
   * Sampling on one machine reset to its set-up state between runs: forget
   * everything seen since the detector was made (no step has run then).
   * Needed only when `snapshot`/`restore` are absent; a machine with a
   * detector that has none of the three is built afresh for every run.
   */
  reset?(): void;
  /**
   * After a run recorded with `trace: true`: the steps a console line, the
   * panic, or a report made without evidence relies on, read from the
   * detector's own state and the whole trace (`undefined`: not this
   * detector's to explain). Never called during a run and never changes a
   * verdict; exploration does not pay for it.
   */
  explain?(what: Explainable, trace: readonly TraceEvent[], view: MachineView): readonly Evidence[] | undefined;
}

/** The report of a finding by detector `name` (its evidence kept when it gave some). */
export function reportOf(name: string, f: Finding): DetectorReport {
  const r = { detector: name, message: f.message, threads: f.threads ?? [] };
  return f.evidence !== undefined && f.evidence.length !== 0 ? { ...r, evidence: f.evidence } : r;
}

/**
 * Ask every detector to explain the console lines, the panic, and the reports
 * without evidence of a finished traced run, in detector order.
 */
export function explainRun(
  detectors: readonly Detector[],
  view: MachineView,
  trace: readonly TraceEvent[],
  outcome: Outcome,
  console: readonly ConsoleLine[],
): Explanation[] {
  const subjects: { what: Explainable; about: Explanation["about"] }[] = console.map((line, index) => ({
    what: { kind: "console", index, line },
    about: { kind: "console", index },
  }));
  if (outcome.kind === "panic") subjects.push({ what: { kind: "panic", outcome }, about: { kind: "panic" } });
  if (outcome.kind === "violation") {
    for (const report of outcome.reports) {
      if (report.evidence !== undefined) continue;
      subjects.push({
        what: { kind: "violation", report, step: outcome.step },
        about: { kind: "violation", detector: report.detector },
      });
    }
  }
  const out: Explanation[] = [];
  for (const d of detectors) {
    if (d.explain === undefined) continue;
    for (const s of subjects) {
      const evidence = d.explain(s.what, trace, view);
      if (evidence !== undefined && evidence.length !== 0) out.push({ about: s.about, by: d.name, evidence });
    }
  }
  return out;
}

/**
 * A structural invariant that names the lock guarding it: checked after each
 * step, but only when no thread is inside an update under that lock.
 */
export function structuralInvariant(opts: {
  readonly name: string;
  /** True while some thread is inside an update under the guard. */
  readonly guardHeld: (view: MachineView) => boolean;
  /** A message when the invariant fails. */
  readonly check: (view: MachineView) => Finding | undefined;
}): Detector {
  return {
    name: opts.name,
    stateKey: () => "",
    stateStamp: () => 0,
    onStep(_step, view) {
      if (opts.guardHeld(view)) return undefined;
      return opts.check(view);
    },
  };
}
