/**
 * Target signals, in matrix.json's grammar:
 *
 *     console:<text>        the console printed a line containing <text>
 *     panic                 the run ended in a panic
 *     panic:<text>          ... whose message contains <text>
 *     violation:<detector>  the named detector reported (any detector of the step counts)
 *     livelock              a fair cycle (same as violation:livelock; exhaustive search)
 *     deadlock, step-limit  the run ended so (kprim additions)
 *     failure               any of panic, violation (livelock included), deadlock (the default target)
 *     any                   a failure, or any console line
 *
 * A run that reaches the step limit is inconclusive — a possible livelock,
 * or a busy-wait the explorer could not recognise as a loop — and is matched
 * by no target but `step-limit` (the explorer reports it apart).
 *
 * A signal is matched against one execution: its outcome and its console.
 * Console lines are observations, not failures; only `console:`, and `any`,
 * look at them. On a matrix "not-found" row the row's signal names what is
 * forbidden (`any`, `failure`, or just that one signal).
 *
 * A target is a claim about what a run can raise: `checkSignal` refuses one
 * that nothing in the run declares (a detector nobody installs, a console or
 * panic text no declared message can contain), with the nearest that exists,
 * so "not found" is never said of a name that is only a typo.
 */
import { type ConsoleLine, formatContains, nearest, type Outcome, showFormat, type Vocabulary } from "@kprim/machine";
import { LIVELOCK } from "./cycles.js";
import { SignalError } from "./errors.js";

export type Signal =
  | { readonly kind: "failure" }
  | { readonly kind: "any" }
  | { readonly kind: "console"; readonly text: string }
  | { readonly kind: "panic"; readonly text: string | null }
  | { readonly kind: "violation"; readonly detector: string }
  | { readonly kind: "deadlock" }
  | { readonly kind: "step-limit" };

const GRAMMAR =
  "console:<text>, panic, panic:<text>, violation:<detector>, livelock, deadlock, step-limit, failure or any";
const HEADS = ["console", "panic", "violation", "livelock", "deadlock", "step-limit", "failure", "any"];

export function parseSignal(text: string): Signal {
  const colon = text.indexOf(":");
  const head = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? null : text.slice(colon + 1);
  switch (head) {
    case "console":
      if (rest === null || rest === "")
        throw new SignalError(`signal "${text}": console needs a text (console:<text>)`);
      return { kind: "console", text: rest };
    case "panic":
      if (rest === "") throw new SignalError(`signal "${text}": an empty panic text (write just "panic")`);
      return { kind: "panic", text: rest };
    case "violation":
      if (rest === null || rest === "") {
        throw new SignalError(`signal "${text}": violation needs a detector (violation:<detector>)`);
      }
      return { kind: "violation", detector: rest };
    case "livelock":
      if (rest !== null) throw new SignalError(`signal "${text}": ${head} takes no argument`);
      return { kind: "violation", detector: LIVELOCK };
    case "failure":
    case "any":
    case "deadlock":
    case "step-limit":
      if (rest !== null) throw new SignalError(`signal "${text}": ${head} takes no argument`);
      return { kind: head };
    default: {
      const near = nearest(head, HEADS);
      const suggestion = near === undefined ? "" : ` (did you mean "${near}${rest === null ? "" : `:${rest}`}"?)`;
      throw new SignalError(`unknown signal "${text}"${suggestion}; signals: ${GRAMMAR}`);
    }
  }
}

export function formatSignal(s: Signal): string {
  switch (s.kind) {
    case "console":
      return `console:${s.text}`;
    case "panic":
      return s.text === null ? "panic" : `panic:${s.text}`;
    case "violation":
      return `violation:${s.detector}`;
    case "failure":
    case "any":
    case "deadlock":
    case "step-limit":
      return s.kind;
    default: {
      const never: never = s;
      return String(never);
    }
  }
}

/** Does one execution (its outcome and console) show the signal? */
export function matchSignal(s: Signal, outcome: Outcome, console: readonly ConsoleLine[]): boolean {
  switch (s.kind) {
    case "failure":
      return outcome.kind !== "ok" && outcome.kind !== "step-limit";
    case "any":
      return (outcome.kind !== "ok" && outcome.kind !== "step-limit") || console.length > 0;
    case "console":
      return console.some((l) => l.text.includes(s.text));
    case "panic":
      return outcome.kind === "panic" && (s.text === null || outcome.message.includes(s.text));
    case "violation":
      return outcome.kind === "violation" && outcome.reports.some((r) => r.detector === s.detector);
    case "deadlock":
      return outcome.kind === "deadlock";
    case "step-limit":
      return outcome.kind === "step-limit";
    default: {
      const never: never = s;
      return String(never) === "";
    }
  }
}

/**
 * What kind of failure an execution is, for shrinking ("the same kind"):
 * `panic:<message>`, `violation:<detectors>`, `deadlock`, `step-limit` or `ok`.
 */
export function failureKind(outcome: Outcome): string {
  switch (outcome.kind) {
    case "ok":
    case "deadlock":
    case "step-limit":
      return outcome.kind;
    case "panic":
      return `panic:${outcome.message}`;
    case "violation":
      return `violation:${[...new Set(outcome.reports.map((r) => r.detector))].sort().join(",")}`;
    default: {
      const never: never = outcome;
      return String(never);
    }
  }
}

/** Phrases of the declared messages a misspelt text is compared with: runs of whole words. */
function phrases(formats: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of formats) {
    const words = showFormat(f).split(" ");
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j <= words.length; j++) {
        const p = words.slice(i, j).join(" ");
        out.add(p);
        out.add(p.replace(/[,.:;]+$/, ""));
      }
    }
  }
  return [...out];
}

/**
 * Throws a SignalError when nothing `vocabulary` declares can raise `s`:
 * a `violation:` detector nobody installs, a `console:` or `panic:` text no
 * declared message can contain. The other targets (failure, any, panic,
 * deadlock, step-limit) every run has.
 */
export function checkSignal(s: Signal, vocabulary: Vocabulary): void {
  const target = formatSignal(s);
  const suggest = (near: string | undefined, head: string): string =>
    near === undefined ? "" : ` (did you mean "${head}:${near}"?)`;
  switch (s.kind) {
    case "violation":
      if (vocabulary.violations.includes(s.detector)) return;
      if (s.detector === LIVELOCK) {
        throw new SignalError(
          `signal "${target}": livelocks are recognised by exhaustive search only (strategy dfs or dpor, cycles not turned off)`,
        );
      }
      throw new SignalError(
        `signal "${target}": no detector of this run reports "${s.detector}"${suggest(nearest(s.detector, vocabulary.violations), "violation")}; its detectors: ${vocabulary.violations.join(", ")}`,
      );
    case "console": {
      if (vocabulary.console.some((f) => formatContains(f, s.text))) return;
      const lines = vocabulary.console.map((f) => `"${showFormat(f)}"`).join(", ");
      throw new SignalError(
        `signal "${target}": no console line of this run can contain "${s.text}"${suggest(nearest(s.text, phrases(vocabulary.console)), "console")}; ${lines === "" ? "this run prints no console lines" : `its console lines: ${lines}`}`,
      );
    }
    case "panic":
      if (s.text === null || vocabulary.panics.some((f) => formatContains(f, s.text!))) return;
      throw new SignalError(
        `signal "${target}": no panic of this run can have a message containing "${s.text}"${suggest(nearest(s.text, phrases(vocabulary.panics)), "panic")}`,
      );
    case "failure":
    case "any":
    case "deadlock":
    case "step-limit":
      return;
    default: {
      const never: never = s;
      throw new SignalError(`unknown signal ${String(never)}`);
    }
  }
}
