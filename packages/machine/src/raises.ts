/**
 * What a run can raise: the vocabulary a target signal is checked against.
 *
 * A verdict is a claim: "every schedule explored, violation:lost-wakup
 * cannot happen" is vacuous when no detector is called `lost-wakup`. So
 * whatever can end a run or print to its console declares it — each layer
 * of the Kernel composition, lockmgr, a scenario with detectors or console
 * lines of its own, the machine itself (below) — and a target that nothing
 * installed can raise is refused before any exploring, with the nearest
 * name that exists.
 *
 * - `violations`: the names detectors report under (a detector reports
 *   under its `name`);
 * - `panics`, `console`: formats of the panic messages and console lines,
 *   in the kernel's printf style: `%s`, `%d`, `%p` and `%x` stand for any
 *   text, `%%` for a percent sign.
 *
 * Runs are checked the other way too (`undeclared`): an explorer given the
 * vocabulary stops with an UndeclaredError at the first panic, violation
 * or console line that no declaration covers, so a declaration cannot drift
 * from the code it describes.
 */
import type { Outcome } from "./outcome.js";
import type { ConsoleLine } from "./trace.js";

export interface Raises {
  /** Detector names whose violations it can report. */
  readonly violations?: readonly string[];
  /** Formats of the panic messages it can end a run with. */
  readonly panics?: readonly string[];
  /** Formats of the console lines it can print. */
  readonly console?: readonly string[];
}

/** A run's whole vocabulary: every declaration merged. */
export interface Vocabulary {
  readonly violations: readonly string[];
  readonly panics: readonly string[];
  readonly console: readonly string[];
}

/** A run showed a panic, violation or console line that no declaration covers. */
export class UndeclaredError extends Error {
  override readonly name = "UndeclaredError";
}

/** What the machine itself raises: its scheduling rules and its own panics. */
export const MACHINE_RAISES: Raises = Object.freeze({
  violations: ["spinlock-blocking", "crit-count"],
  panics: [
    "%s exited holding %d spinlock(s)",
    "%s exited inside a critical section (count %d)",
    "%s exited holding the MP lock",
    "%s blocked at interrupt level (%s)",
    "rel_mplock: %s does not hold the MP lock",
    "lwkt_send_ipiq: FIFO cpu%d->cpu%d overflow",
    "blocking (%s) at interrupt level %d",
  ],
});

/** Merge declarations (duplicates dropped, first-seen order kept). */
export function mergeRaises(...all: readonly (Raises | undefined)[]): Vocabulary {
  const v = new Set<string>();
  const p = new Set<string>();
  const c = new Set<string>();
  for (const r of all) {
    for (const x of r?.violations ?? []) v.add(x);
    for (const x of r?.panics ?? []) p.add(x);
    for (const x of r?.console ?? []) c.add(x);
  }
  return { violations: [...v], panics: [...p], console: [...c] };
}

/** A format as atoms: a literal character, or a hole (any text). */
type Atom = string | null;

function atoms(format: string): Atom[] {
  const out: Atom[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === "%" && i + 1 < format.length) {
      const next = format[i + 1]!;
      if (next === "%") {
        out.push("%");
        i++;
        continue;
      }
      if ("sdpx".includes(next)) {
        if (out[out.length - 1] !== null) out.push(null);
        i++;
        continue;
      }
    }
    out.push(ch);
  }
  return out;
}

/*
 * Matching runs a small automaton over the atoms. A state is a position in
 * the atoms times whether a literal character has been matched yet
 * (position * 2 + touched): a target's text must touch the message's own
 * words, not lie wholly inside a hole.
 */

/** The states reachable after skipping holes from `states`. */
function closure(a: readonly Atom[], states: Set<number>): Set<number> {
  for (const s of [...states]) {
    const touched = s & 1;
    for (let i = s >> 1; i < a.length && a[i] === null; i++) states.add(((i + 1) << 1) | touched);
  }
  return states;
}

/** Run `text` through the atoms from `start`; `word` holes take no whitespace. */
function run(a: readonly Atom[], text: string, start: Set<number>, word: boolean): Set<number> {
  let cur = closure(a, start);
  for (const ch of text) {
    const next = new Set<number>();
    const inHole = !word || !/\s/.test(ch);
    for (const s of cur) {
      const pos = s >> 1;
      if (pos >= a.length) continue;
      const at = a[pos];
      if (at === null) {
        if (inHole) next.add(s);
      } else if (at === ch) next.add(((pos + 1) << 1) | 1);
    }
    if (next.size === 0) return next;
    cur = closure(a, next);
  }
  return cur;
}

/** Does `text` match `format` as a whole (an observed message against its declaration)? */
export function formatMatches(format: string, text: string): boolean {
  const a = atoms(format);
  const end = run(a, text, new Set([0]), false);
  return end.has(a.length << 1) || end.has((a.length << 1) | 1);
}

/**
 * Can `text` be part of some message of `format` (a target's text against a
 * declaration)? Here a hole stands for one word — a pointer, a number, a
 * name — and the text must take in some of the message's own words, so
 * that neither a misspelt phrase nor a bare word is taken for a hole's
 * content.
 */
export function formatContains(format: string, text: string): boolean {
  const a = atoms(format);
  const all = new Set<number>();
  for (let i = 0; i <= a.length; i++) all.add(i << 1);
  for (const s of run(a, text, all, true)) if ((s & 1) === 1) return true;
  return false;
}

/** The format's literal text, holes shown as `…` (for messages). */
export function showFormat(format: string): string {
  return atoms(format)
    .map((x) => x ?? "…")
    .join("");
}

/** A vocabulary compiled for checking runs: messages already seen to be covered are remembered. */
interface Checker {
  readonly violations: ReadonlySet<string>;
  readonly panics: readonly string[];
  readonly console: readonly string[];
  readonly covered: Set<string>;
}

const checkers = new WeakMap<Vocabulary, Checker>();

function checkerOf(v: Vocabulary): Checker {
  let c = checkers.get(v);
  if (c === undefined) {
    c = { violations: new Set(v.violations), panics: v.panics, console: v.console, covered: new Set() };
    checkers.set(v, c);
  }
  return c;
}

function covers(c: Checker, formats: readonly string[], kind: string, text: string): boolean {
  const key = `${kind}\u0000${text}`;
  if (c.covered.has(key)) return true;
  if (!formats.some((f) => formatMatches(f, text))) return false;
  c.covered.add(key);
  return true;
}

/**
 * The first thing a run showed that `vocabulary` does not cover, in words
 * (null: everything is declared). Cheap per run: a message once found
 * covered is remembered.
 */
export function undeclared(vocabulary: Vocabulary, outcome: Outcome, console: readonly ConsoleLine[]): string | null {
  const c = checkerOf(vocabulary);
  if (outcome.kind === "panic" && !covers(c, c.panics, "p", outcome.message)) return `panic "${outcome.message}"`;
  if (outcome.kind === "violation") {
    for (const r of outcome.reports) {
      if (!c.violations.has(r.detector)) return `a violation reported by detector "${r.detector}"`;
    }
  }
  for (const l of console) {
    if (!covers(c, c.console, "c", l.text)) return `console line "${l.text}"`;
  }
  return null;
}

/**
 * Throw an UndeclaredError when a run showed something `vocabulary` does not
 * cover (`scenario`, when it has a name, is named in the message).
 */
export function assertDeclared(
  vocabulary: Vocabulary,
  outcome: Outcome,
  console: readonly ConsoleLine[],
  scenario: string,
): void {
  const what = undeclared(vocabulary, outcome, console);
  if (what === null) return;
  throw new UndeclaredError(
    `${scenario === "" ? "" : `${scenario}: `}a run showed ${what}, which nothing in the run declares (the layers, the interlock and the scenario say what they raise in \`raises\`)`,
  );
}
