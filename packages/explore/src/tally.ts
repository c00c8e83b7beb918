/**
 * What an exploration counts, one execution at a time and in execution
 * order: outcomes, step- and restart-limited executions, console lines
 * (each distinct text with the number of executions that printed it), and
 * the first execution that showed the target signal. Serial and parallel
 * runs feed the same records in the same order, so they report the same.
 */
import type { Choice, ConsoleLine, Outcome, OutcomeKind, RunResult, ScheduleHeader, Vocabulary } from "@kprim/machine";
import { assertDeclared, describeOutcome } from "@kprim/machine";
import { failureKind, matchSignal, type Signal } from "./signal.js";

/** One execution, reduced to what the result needs (plain data: it crosses worker threads). */
export interface RunRecord {
  /** 1-based execution index. */
  readonly index: number;
  readonly outcome: OutcomeKind;
  readonly matched: boolean;
  /** Distinct console texts of the execution. */
  readonly console: readonly string[];
  readonly restartLimited: boolean;
  /** Only for a matching execution (and one that reached the step limit): what it was and how to replay it. */
  readonly failure?: string;
  readonly kind?: string;
  readonly choices?: readonly Choice[];
  readonly header?: ScheduleHeader;
}

/** The console of a run that printed nothing (most runs: one array for all of them). */
const NO_TEXTS: readonly string[] = Object.freeze([]);

/**
 * An execution as a record. Given the run's vocabulary, an execution that
 * shows something no declaration covers is an UndeclaredError (a
 * declaration fell behind its code: targets are checked against them).
 */
export function recordOf(
  index: number,
  r: RunResult,
  target: Signal,
  restartLimited: boolean,
  vocabulary?: Vocabulary,
): RunRecord {
  return recordOfRun(index, r.outcome, r.console, r.schedule.header, r, target, restartLimited, vocabulary);
}

/** Where a record reads the run's choices, when it keeps them (a matching or step-limited run). */
export interface ChoicesOf {
  readonly schedule: { readonly choices: readonly Choice[] };
}

/**
 * `recordOf` from the run's parts (a sampler on a reused machine reads them
 * off the machine and builds no RunResult): the outcome, the console lines,
 * the schedule's header, and where the choices are read if kept.
 */
export function recordOfRun(
  index: number,
  outcome: Outcome,
  lines: readonly ConsoleLine[],
  header: ScheduleHeader,
  run: ChoicesOf,
  target: Signal,
  restartLimited: boolean,
  vocabulary?: Vocabulary,
): RunRecord {
  if (vocabulary !== undefined) assertDeclared(vocabulary, outcome, lines, header.scenario);
  const matched = matchSignal(target, outcome, lines);
  const console = lines.length === 0 ? NO_TEXTS : [...new Set(lines.map((l) => l.text))];
  if (!matched) {
    const base = { index, outcome: outcome.kind, matched, console, restartLimited };
    // Inconclusive: kept so that the first one can be described and replayed (inconclusive.ts).
    return outcome.kind === "step-limit" ? { ...base, choices: run.schedule.choices, header } : base;
  }
  return {
    index,
    outcome: outcome.kind,
    matched,
    console,
    restartLimited,
    // A console target can match a run that ended well: name the lines instead.
    failure: outcome.kind === "ok" ? `console: ${console.join(" | ")}` : describeOutcome(outcome),
    kind: failureKind(outcome),
    choices: run.schedule.choices,
    header,
  };
}

export interface ConsoleCount {
  readonly text: string;
  /** Executions that printed it. */
  readonly count: number;
}

export class Tally {
  executions = 0;
  stepLimited = 0;
  restartLimited = 0;
  readonly outcomes: Record<OutcomeKind, number> = { ok: 0, panic: 0, violation: 0, deadlock: 0, "step-limit": 0 };
  private readonly consoleCounts = new Map<string, number>();
  found: RunRecord | null = null;
  /** The first execution that reached the step limit without matching the target (inconclusive). */
  inconclusive: RunRecord | null = null;

  add(rec: RunRecord): void {
    this.executions++;
    this.outcomes[rec.outcome]++;
    if (rec.outcome === "step-limit") this.stepLimited++;
    if (rec.restartLimited) this.restartLimited++;
    const lines = rec.console;
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i]!;
      this.consoleCounts.set(t, (this.consoleCounts.get(t) ?? 0) + 1);
    }
    if (rec.matched && this.found === null) this.found = rec;
    if (!rec.matched && rec.outcome === "step-limit" && this.inconclusive === null) this.inconclusive = rec;
  }

  /**
   * A run that adds nothing but its outcome: it did not match, printed
   * nothing, was not step- or restart-limited — `add` of its record, without
   * the record (a sampler's common case, see `Sampler.count`).
   */
  addPlain(outcome: Exclude<OutcomeKind, "step-limit">): void {
    this.executions++;
    this.outcomes[outcome]++;
  }

  console(): ConsoleCount[] {
    return [...this.consoleCounts].map(([text, count]) => ({ text, count }));
  }

  /** The counts as plain data (a worker sends one per slice instead of a record per execution). */
  summary(): TallySummary {
    return {
      executions: this.executions,
      stepLimited: this.stepLimited,
      restartLimited: this.restartLimited,
      outcomes: { ...this.outcomes },
      console: [...this.consoleCounts],
      found: this.found,
      inconclusive: this.inconclusive,
    };
  }

  /** Add a later slice's counts; its first match counts only if none came before. */
  merge(s: TallySummary): void {
    this.executions += s.executions;
    this.stepLimited += s.stepLimited;
    this.restartLimited += s.restartLimited;
    for (const k of Object.keys(s.outcomes) as OutcomeKind[]) this.outcomes[k] += s.outcomes[k];
    for (const [text, n] of s.console) this.consoleCounts.set(text, (this.consoleCounts.get(text) ?? 0) + n);
    if (this.found === null) this.found = s.found;
    if (this.inconclusive === null) this.inconclusive = s.inconclusive ?? null;
  }
}

export interface TallySummary {
  readonly executions: number;
  readonly stepLimited: number;
  readonly restartLimited: number;
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  readonly console: readonly (readonly [string, number])[];
  readonly found: RunRecord | null;
  readonly inconclusive?: RunRecord | null;
}
