/**
 * Source-DPOR's reversals (Abdulla et al., POPL 2014, Algorithm 1): for each
 * race e_i ⋖ e_j the race analysis (races.ts) finds in the step log, make
 * sure some initial of notdep(e_i).e_j is scheduled at node i — any one
 * will do (source sets); the racing step's own choice, when it is one, goes
 * straight at the race. A racing step disabled before e_i (a spinner's false
 * test, a critical section) is also reversed with the latest dependent step
 * before which it can start. At a node above a work unit the same decision
 * is a request for the unit's coordinator.
 *
 * Calling context: the engine (search.ts), after each execution, through
 * `RaceAnalysis.analyze`; the stack holds the execution's path.
 */
import { type Choice, ChoiceKind, choiceCpu, choiceKind, makeChoice } from "@kprim/machine";
import type { RaceAnalysis } from "./races.js";
import type { Footprint, StepLog } from "./stepLog.js";
import type { Node } from "./types.js";

/** What the reversals need of the engine. */
export interface ReversalContext {
  readonly stack: readonly Node[];
  readonly log: StepLog;
  readonly races: RaceAnalysis;
  /** Nodes below this one are the recorded prefix's. */
  readonly fixed: number;
  /** Is node k above the unit, owned by its coordinator? */
  remote(k: number): boolean;
  /** The race to reverse at remote node i, as a request: its candidate initials, the racing step's own choice. */
  request(i: number, candidates: number[], own: number): void;
  /** The choices known to be scheduled at remote node i (a race with one of them as a candidate needs no request). */
  known(i: number): readonly number[];
  asleep(sleep: readonly Footprint[], c: Choice): boolean;
  /** Would taking `c` at node k go over the preemption bound? */
  over(k: number, c: Choice): boolean;
  /** A choice was not scheduled because of the bound. */
  pruned(): void;
}

/**
 * The choice enabled at node k that performs logged step e's action, or −1.
 * Choice identities are stable except a step's: "cpu c steps" means its
 * current thread, so a step of another thread T is started at node k only
 * by T preempting (T an interrupt thread with its preempt choice enabled).
 */
export function startAt(stack: readonly Node[], log: StepLog, k: number, e: number): number {
  const node = stack[k]!;
  let c = log.choice[e]! as Choice;
  if (choiceKind(c) === ChoiceKind.step) {
    const cpu = choiceCpu(c);
    const t = log.thread[e]!;
    if (t >= 0 && node.cur[cpu] !== t) c = makeChoice(cpu, ChoiceKind.interrupt, t);
  }
  return node.enabled.includes(c) ? c : -1;
}

export class Reversals {
  constructor(private readonly x: ReversalContext) {}

  private startAt(k: number, e: number): number {
    return startAt(this.x.stack, this.x.log, k, e);
  }

  /** Race e_i ⋖ e_j (step indices). */
  readonly handleRace = (i: number, j: number): void => {
    this.reverse(i, j);
    // j may be disabled before i (a spinner's false test, a critical section):
    // also reverse it with the latest dependent step before which it can start.
    if (this.startAt(i, j) < 0) {
      this.looking = j;
      const y = this.x.races.lookback(i, j, this.canStart);
      if (y >= 0) this.reverse(y, j);
    }
  };

  /** The step `lookback` looks for a place to start (one closure for the search, not one per race). */
  private looking = -1;
  private readonly canStart = (k: number): boolean => this.startAt(k, this.looking) >= 0;

  /** Source-DPOR: make sure some initial of notdep(e_i).e_j is scheduled before e_i. */
  private reverse(i: number, j: number): void {
    const x = this.x;
    if (i >= x.log.real) return;
    if (i < x.fixed) {
      if (x.remote(i)) this.requestReversal(i, j);
      return;
    }
    const node = x.stack[i]!;
    const own = this.startAt(i, j);
    let pick = -1;
    let overBound = false;
    const n = x.races.initials(i, j);
    const initial = x.races.initial;
    for (let q = 0; q < n; q++) {
      const c = this.startAt(i, initial[q]!);
      if (c < 0) continue;
      if (node.backtrack.includes(c as Choice)) return;
      if ((pick < 0 || c === own) && !x.asleep(node.sleep, c as Choice)) {
        if (!x.over(i, c as Choice)) pick = c;
        else overBound = true;
      }
    }
    // Any initial will do (source sets); the racing step's own choice, when it is one, goes straight at the race.
    if (pick >= 0) node.backtrack.push(pick as Choice);
    else if (overBound) x.pruned();
  }

  /** The same decision at a node above the unit, as a request for its owner (applyRequest makes it). */
  private requestReversal(i: number, j: number): void {
    const candidates: number[] = [];
    const known = this.x.known(i);
    const n = this.x.races.initials(i, j);
    const initial = this.x.races.initial;
    for (let q = 0; q < n; q++) {
      const c = this.startAt(i, initial[q]!);
      if (c < 0) continue;
      // Already scheduled there: the owner would change nothing (as `reverse` stops at a scheduled initial).
      if (known.includes(c)) return;
      if (!candidates.includes(c)) candidates.push(c);
    }
    this.x.request(i, candidates, this.startAt(i, j));
  }
}
