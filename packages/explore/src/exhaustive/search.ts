/**
 * The exhaustive engine: a stateless depth-first search over the machine's
 * choices. Every execution goes back to the branch point it starts from —
 * by restoring, on the one machine of the search, the state saved there or
 * at the nearest node above that saved one (restorer.ts; the steps between
 * are replayed), else by re-running the factory and replaying the current
 * path (the machine is deterministic, so the same prefix reaches the same
 * state) — then extends it with default choices: continue the previous
 * choice when enabled, else the first enabled one in cpu order.
 *
 * Reductions:
 * - "none": naive DFS, every enabled choice at every state (the soundness
 *   baseline).
 * - "dpor": source-DPOR with sleep sets (Abdulla et al., POPL 2014,
 *   Algorithm 1) run after each execution: for each new race e_i ⋖ e_j, if
 *   no initial of notdep(e_i).e_j is in backtrack(pre(e_i)), add one that is
 *   enabled there and not asleep. A choice's sleep-set footprint is the one
 *   it had when it was executed from that same state in an earlier branch.
 *   An execution whose enabled choices are all asleep is cut ("blocked").
 *
 * Disabling is dependence: a step after which a choice that was enabled no
 * longer is (a write that falsifies a spinner's test, a critical section
 * that holds off an IPI or an interrupt, a wakeup that cancels a timeout,
 * the end of the run) has that choice tried before it too. Choices still
 * pending at the end are logged as virtual steps (stepLog.ts) so the steps
 * that outran them race with them.
 *
 * Cycles (cycles.ts, traps.ts): an execution back in a state it had on its
 * path (a declared loop) is cut ("cycles") and every choice enabled along
 * the cycle is scheduled there, so every way out is explored. A node whose
 * subtree only ever went back round below it is a livelock, reported once.
 *
 * Stateful search (option `stateful`, naive DFS only; stateful.ts): an
 * execution that reaches a state explored before is cut ("merged"); one
 * that meets a state of its own path is cut as a cycle unless nothing else
 * was ever enabled on the way; sleep sets may be kept with the stored states.
 * It saves the state of every node with a choice left to take; DFS and DPOR
 * (whose backtrack sets grow after the execution) save at most one per
 * `RESTORE_EVERY` nodes with more than one choice enabled.
 *
 * Preemption bound (preemption.ts): a choice over the bound is not explored
 * and counts as pruned (naive DFS covers every schedule within the bound,
 * DPOR may not); a search that pruned nothing covered the whole space.
 *
 * Work units (units.ts): the same engine explores one unit's subtree from
 * the DPOR state it carries, turning what it would do to the nodes above
 * into requests and handing back its frontier when asked to stop; with
 * `splitAt` it hands back the paths reaching that depth as leaf units. One
 * engine explores unit after unit, each going on from the machine and the
 * path the last one left, where their paths agree (`resume`).
 *
 * Invariants: the stack holds one node per step of the current path; node k
 * knows the choices enabled at step k, the one being explored, the ones
 * still to explore (backtrack) and, for DPOR, the footprints of those done
 * and the inherited sleep set. Nothing here reads clocks or randomness.
 */
import {
  type Choice,
  ChoiceKind,
  choiceCpu,
  choiceKind,
  type Machine,
  type MachineView,
  type RunResult,
  Histories,
  replayIndex,
} from "@kprim/machine";
import { CUT } from "@kprim/machine/internal";
import { runOnce } from "../driver.js";
import { checkRepeated, ExploreConfigError } from "../errors.js";
import type { MachineFactory } from "../factory.js";
import { isPreemption } from "../preemption.js";
import { CycleWatch, type CycleFound } from "../cycles.js";
import { type CutCycle, livelockRun, Traps } from "./traps.js";
import { RaceAnalysis } from "./races.js";
import { Reversals } from "./reversal.js";
import { Restorer, restoreDefault } from "./restorer.js";
import { sleepSetsDefault, StateStore } from "./stateful.js";
import { clear, NodePool } from "./nodes.js";
import { logPending, rmwOf, spinWatch } from "./pending.js";
import { UnitRequests } from "./requests.js";
import { type Footprint, StepLog } from "./stepLog.js";
import type { Explorer, Node, SearchOptions, SearchStats, Terminal, UnitContext, UnitRun } from "./types.js";
import { exportFrontier, footprintData, leafUnit, type SliceEnd, type UnitOutcome, type WorkUnit } from "./units.js";

export type { Explorer, Reduction, SearchOptions, SearchStats, Terminal, UnitContext, UnitRun } from "./types.js";

const STATES_PER_REPORT = 1024;
/**
 * DFS/DPOR: at most one saved state per this many nodes of the path
 * (restorer.ts). 4 measured better than 8 once snapshots got cheaper: the
 * acceptance matrix's three big searches (token, lockmgr) and lost-wakeup
 * SPIN+TI chain N=3 and 5 alike.
 */
const RESTORE_EVERY = 4;

/** An empty sleep set (never added to), shared. */
const NO_SLEEP: Footprint[] = [];

const BLOCKED: unique symbol = Symbol("blocked");
const CYCLE: unique symbol = Symbol("cycle");
const MERGED: unique symbol = Symbol("merged");
const LEAF: unique symbol = Symbol("leaf");

/** Run the search; `onExecution` returns true to stop it. */
export function search(
  factory: MachineFactory,
  opts: SearchOptions,
  onExecution: (t: Terminal) => boolean,
): SearchStats {
  return engine(factory, opts, false)(null, onExecution, opts.maxExecutions).stats;
}

/** @internal explore one work unit: the subtree below its path, from the DPOR state it carries. */
export function searchUnit(
  factory: MachineFactory,
  opts: SearchOptions,
  ctx: UnitContext,
  onExecution: (t: Terminal) => boolean,
): UnitRun {
  return engine(factory, opts, true)(ctx, onExecution, opts.maxExecutions);
}

/**
 * The engine, and what it explores with: `units` — work units, one after
 * another, each from the machine, the path records and the analyses the last
 * one left (its path's first nodes and their saved states, where the paths
 * agree), with the same result as on an engine of its own.
 */
export function engine(factory: MachineFactory, opts: SearchOptions, units: boolean): Explorer {
  const dpor = opts.reduction === "dpor";
  const stateful = opts.stateful ?? false;
  /** Stateful search with sleep sets stored with the states (stateful.ts; not under symmetry: a mirror image names other choices). */
  const sleepy = stateful && !(opts.symmetry ?? false) && (opts.sleepSets ?? sleepSetsDefault());
  if (stateful && dpor) {
    throw new ExploreConfigError("stateful search runs without DPOR: its backtrack sets would miss races past a cut");
  }
  if (stateful && units) {
    throw new ExploreConfigError("stateful search cannot be cut into work units: its visited set is one");
  }
  const histories = stateful ? new Histories() : null;
  // Go back to a branch point by restoring its state (restorer.ts); DFS/DPOR save one every few nodes.
  const restorer = new Restorer(opts.restore ?? restoreDefault(), stateful ? 1 : RESTORE_EVERY);
  /** Stateful search: every state explored from, and the current path's (stateful.ts). */
  const store = stateful ? new StateStore() : null;
  const states = (): number => store?.size ?? 0;
  const commutative = dpor && (opts.commutativeAtomics ?? false);
  const bound = opts.preemptionBound ?? Infinity;
  /** Nodes above `base` belong to nobody (the search's own prefix); [base, fixed) to the unit's coordinator. */
  const base = opts.prefix?.length ?? 0;
  // What one unit's exploration (`run`, below) starts afresh: its unit, prefix, requests, counts.
  let ctx: UnitContext | null = null;
  let prefix: readonly Choice[] = [];
  let splitAt = -1;
  const requests = new UnitRequests();
  const log = new StepLog();
  const races = new RaceAnalysis();
  const stack: Node[] = [];
  let [executions, blocked, stepLimited, cycles, merged, pruned] = [0, 0, 0, 0, 0, 0];
  let leaves: WorkUnit[] = [];
  const fair = opts.fairCycles ?? true;
  /** Cycles on the current path, judged under weak fairness (cycles.ts); enabled sets come from the stack. */
  const watch =
    fair && !stateful
      ? new CycleWatch("cut", { enabled: (i) => stack[i]!.enabled, taken: (i) => stack[i]!.taken })
      : null;
  /** States no schedule leaves (traps.ts); not above a split (those paths are leaves: `traps` is null then). */
  const trapsAll = watch !== null ? new Traps() : null;
  let traps = trapsAll;
  const detectors = [log.detector, ...(watch !== null ? [watch.detector] : []), ...(opts.detectors ?? [])];
  // The machine as soon as it is built (a cut execution never returns it).
  const built: { m: Machine | null } = { m: null };
  /** The sleep set of the next new node (that depth's record's own array, or `NO_SLEEP`). */
  let nextSleep: Footprint[] = NO_SLEEP;
  /** The path's node records, reused by depth (nodes.ts). */
  const nodes = new NodePool();

  const asleep = (sleep: readonly Footprint[], c: Choice): boolean => {
    for (const f of sleep) if (f.choice === c) return true;
    return false;
  };
  /** Preemptions after taking `c` at node k (which has `enabled`, `pre`). */
  const costAt = (k: number, c: Choice, enabled: readonly Choice[]): number =>
    isPreemption(k > 0 ? stack[k - 1]!.taken : -1, c, enabled) ? 1 : 0;
  const overAt = (k: number, c: Choice): boolean => stack[k]!.pre + costAt(k, c, stack[k]!.enabled) > bound;

  log.afterStep = (k) => {
    // The step of the deepest node: its child is new, so compute the child's sleep set (into the child's record).
    if (!(dpor || sleepy) || k !== stack.length - 1) return;
    const node = stack[k]!;
    const out = nodes.at(k + 1).sleep;
    clear(out);
    for (let i = 0; i < node.sleep.length; i++) if (log.independent(node.sleep[i]!, k)) out.push(node.sleep[i]!);
    for (let i = 0; i < node.done.length; i++) if (log.independent(node.done[i]!, k)) out.push(node.done[i]!);
    nextSleep = out;
  };

  // The recorded prefix: fixed nodes with nothing else to explore.
  let fixed = 0;
  /** A node above the unit, owned by its coordinator (what the engine would do to it is a request). */
  const remote = (k: number): boolean => ctx !== null && k >= base && k < fixed;
  /** Request that the choices enabled at remote node k (but `skip`) be scheduled there. */
  const emitAdd = (k: number, skip: (c: Choice) => boolean): void => {
    const known = requests.known(k);
    const node = stack[k]!;
    const choices = node.enabled.filter((c) => c !== node.taken && !skip(c) && !known.includes(c));
    requests.emit({ kind: "add", depth: k, choices, over: choices.filter((c) => overAt(k, c)) });
  };
  let rootOfUnit = false;
  const fixedNode = (k: number, enabled: readonly Choice[], view: MachineView): Choice => {
    const want = prefix[k]!;
    replayIndex(k, want, enabled);
    const pre = k === 0 ? 0 : stack[k - 1]!.pre + costAt(k - 1, stack[k - 1]!.taken, stack[k - 1]!.enabled);
    // The unit's root node carries the DPOR state its children inherit.
    const root = rootOfUnit && k === fixed - 1;
    const node = nodes.fresh(k, enabled, view, pre, want);
    clear(node.sleep);
    if (root) {
      for (const f of ctx!.done) node.done.push(f);
      for (const f of ctx!.sleep) node.sleep.push(f);
    }
    stack.push(node);
    return want;
  };

  /**
   * A step that disables an enabled choice depends on it: each choice enabled
   * at node k but not after its step (`after`) is also tried at node k.
   */
  const disabledBy = (k: number, after: readonly Choice[]): void => {
    if (k < fixed) {
      if (remote(k)) emitAdd(k, (c) => after.includes(c));
      return;
    }
    const node = stack[k]!;
    for (const c of node.enabled) {
      if (c === node.taken || after.includes(c) || node.backtrack.includes(c) || asleep(node.sleep, c)) continue;
      if (node.pre + costAt(k, c, node.enabled) <= bound) node.backtrack.push(c);
      else pruned++;
    }
  };

  /** May a new node at step k (with `enabled`, `pre`, `sleep`, stateful's `only`) take `c`? */
  const allowedAt = (
    k: number,
    c: Choice,
    enabled: readonly Choice[],
    pre: number,
    sleep: readonly Footprint[],
    only: readonly Choice[] | null,
  ): boolean => !asleep(sleep, c) && pre + costAt(k, c, enabled) <= bound && (only === null || only.includes(c));

  // No closure is made per node: the engine's own ones are made once (P5: fewer allocations per execution).
  /** Node k's choice, or -1: every choice asleep or over the bound, the execution cut (BLOCKED, by CUT on a restored machine). */
  const newNode = (k: number, enabled: readonly Choice[], view: MachineView): Choice | -1 => {
    const pre = k === 0 ? 0 : stack[k - 1]!.pre + costAt(k - 1, stack[k - 1]!.taken, stack[k - 1]!.enabled);
    const sleep = k === 0 || !(dpor || sleepy) ? NO_SLEEP : nextSleep;
    const prev = k > 0 ? stack[k - 1]!.taken : -1;
    // A state met again with choices its stored sleep set had put off: those alone (stateful.ts).
    const only = store?.takeAwake() ?? null;
    let first = -1;
    if (prev >= 0 && enabled.includes(prev as Choice) && allowedAt(k, prev as Choice, enabled, pre, sleep, only)) {
      first = prev;
    }
    for (let i = 0; i < enabled.length && first < 0; i++) {
      if (allowedAt(k, enabled[i]!, enabled, pre, sleep, only)) first = enabled[i]!;
    }
    if (first < 0) {
      for (let i = 0; i < enabled.length; i++) {
        const c = enabled[i]!;
        if (!asleep(sleep, c) && (only === null || only.includes(c))) {
          pruned++;
          break;
        }
      }
      store?.leave(stack, k - 1);
      cutWith(BLOCKED);
      return -1;
    }
    const node = nodes.fresh(k, enabled, view, pre, first as Choice);
    // Naive DFS, and the nodes above a split, schedule every choice.
    if (!dpor || k < splitAt) {
      for (let i = 0; i < enabled.length; i++) {
        const c = enabled[i]!;
        if (c === first || (only !== null && !only.includes(c))) continue;
        if (allowedAt(k, c, enabled, pre, sleep, only)) node.backtrack.push(c);
        else if (!sleepy || !asleep(sleep, c)) pruned++;
      }
    }
    // The sleep set is the record's own array (afterStep fills it) or none.
    if (sleep !== node.sleep) {
      clear(node.sleep);
      for (let i = 0; i < sleep.length; i++) node.sleep.push(sleep[i]!);
    }
    node.key = store?.pending ?? -1;
    stack.push(node);
    return first as Choice;
  };

  /**
   * The execution came back to the state it had after step `from` (cycles.ts):
   * schedule every choice enabled along the cycle, so that every way out of
   * it is explored — going round it again reaches nothing new.
   */
  const waysOut = (c: CycleFound): void => {
    for (let i = Math.max(c.from, base); i < c.to; i++) {
      const node = stack[i]!;
      if (i < fixed) {
        if (remote(i)) emitAdd(i, () => false);
        continue;
      }
      for (const ch of node.enabled) {
        if (ch === node.taken || node.backtrack.includes(ch) || (dpor && asleep(node.sleep, ch))) continue;
        if (node.pre + costAt(i, ch, node.enabled) <= bound) node.backtrack.push(ch);
        else pruned++;
      }
    }
  };

  /** Stateful search, at a new node: cut at a state explored before or on an unfair cycle, else store it (stateful.ts). */
  const stateCheck = (m: Machine, k: number, enabled: readonly Choice[]): boolean => {
    const why = store!.cut(m, k, enabled, sleepy ? nextSleep : null, stack);
    return why !== null && cutWith(why === "merged" ? MERGED : CYCLE);
  };

  /**
   * Cut the execution (`why`: MERGED, CYCLE or BLOCKED): on a restored machine the
   * strategy chooses CUT (true) and the run stops where it is — unwinding an
   * exception per merged execution cost more than a microsecond each, about
   * 5% of a stateful search; on a fresh machine it throws.
   */
  const cutting: { on: boolean; by: symbol | null } = { on: false, by: null };
  const cutWith = (why: symbol): boolean => {
    if (!cutting.on) throw why;
    cutting.by = why;
    return true;
  };
  /** A restored machine about to run on: it is the one built, and its executions are cut by CUT. */
  const resumeOn = (m: Machine): void => {
    built.m = m;
    cutting.on = true;
  };

  const strategy = {
    name: stateful ? "stateful-dfs" : dpor ? "dpor" : "dfs",
    choose(enabled: readonly Choice[], view: MachineView): number {
      const k = view.step;
      if (stateful) {
        if (k >= stack.length && k >= fixed && stateCheck(built.m!, k, enabled)) return CUT;
      } else if (watch !== null && watch.closed !== null && k >= stack.length) {
        // A cycle (the replayed prefix never closes one: its execution went on).
        waysOut(watch.closed);
        traps?.cycle({ choices: stack.map((n) => n.taken), from: watch.closed.from, to: k });
        throw CYCLE;
      }
      if (k < stack.length) {
        const node = stack[k]!;
        // DPOR adds to a node's backtrack set after the execution: any node with another enabled choice may be gone back to.
        restorer.note(built.m!, k, false, stateful ? node.next < node.backtrack.length : node.enabled.length > 1);
        checkRepeated(k, node.enabled, enabled);
        watch?.chose(k, enabled, node.taken, view);
        return noteSpin(view, node.taken, enabled.indexOf(node.taken));
      }
      if (k === splitAt) throw LEAF;
      if (dpor && k > 0) disabledBy(k - 1, enabled);
      const c = k < fixed ? fixedNode(k, enabled, view) : newNode(k, enabled, view);
      if (c === -1) return CUT;
      // A node with one choice to take is never gone back to: no snapshot.
      restorer.note(built.m!, k, true, stateful ? stack[k]!.backtrack.length > 1 : enabled.length > 1);
      traps?.fresh(k);
      watch?.chose(k, enabled, c, view);
      return noteSpin(view, c, enabled.indexOf(c));
    },
  };

  /**
   * Tell the log what the chosen step's op is when it matters: a spin-until
   * (its watch set counts as read), a commutative RMW (with the option).
   */
  const noteSpin = (view: MachineView, c: Choice, index: number): number => {
    if (choiceKind(c) !== ChoiceKind.step) return index;
    const t = view.cpus[choiceCpu(c)]!.current;
    log.nextSpin = spinWatch(t);
    log.nextRmw = commutative && t ? rmwOf(t) : null;
    return index;
  };

  /** Source-DPOR's reversals of the races found after an execution (reversal.ts). */
  const { handleRace } = new Reversals({
    stack,
    log,
    races,
    get fixed() {
      return fixed;
    },
    remote,
    request: (i, candidates, own) => {
      const over = candidates.filter((c) => overAt(i, c as Choice));
      requests.emit({ kind: "race", depth: i, candidates, over, own });
    },
    known: (i) => requests.known(i),
    asleep,
    over: overAt,
    pruned: () => void pruned++,
  });

  let ncpus = 1;
  /** A run threw: what it left is not to be gone on from (the next starts on a fresh machine). */
  let broken = false;

  /**
   * Where a unit's first execution starts: the first node of the path the
   * last run left that the unit's path does not take (never after its root,
   * which carries the unit's DPOR state). The nodes before it are set up as
   * the unit's fixed nodes are, their saved states kept; what making them
   * would have asked of the nodes above the unit is asked, in order.
   */
  const resume = (): number => {
    if (broken) {
      stack.length = 0;
      restorer.forget();
    }
    const top = Math.min(stack.length, rootOfUnit ? fixed - 1 : fixed);
    let j = 0;
    while (j < top && stack[j]!.taken === prefix[j]) j++;
    stack.length = j;
    restorer.truncate(j);
    for (let k = 0; k < j; k++) {
      nodes.refix(k);
      traps?.fresh(k);
      if (dpor && k > 0) disabledBy(k - 1, stack[k]!.enabled);
    }
    return j;
  };

  return (unitCtx, onExecution, maxExecutions) => {
    ctx = unitCtx;
    const u = ctx?.unit ?? null;
    prefix = u !== null ? (u.path as Choice[]) : (opts.prefix ?? []);
    if (u !== null && (u.path.length < base || opts.prefix?.some((c, i) => u.path[i] !== c))) {
      throw new ExploreConfigError("a work unit's path must start with the search's prefix");
    }
    splitAt = ctx?.splitAt !== undefined ? prefix.length + ctx.splitAt : -1;
    traps = splitAt < 0 ? trapsAll : null;
    requests.begin(u, ctx?.requests ?? false, base);
    [executions, blocked, stepLimited, cycles, merged, pruned] = [0, 0, 0, 0, 0, 0];
    leaves = [];
    fixed = prefix.length;
    rootOfUnit = ctx !== null && fixed > base;
    /** Where the next execution goes back to (restorer.ts); races are reported from `firstNew` on. */
    let goBack = resume();
    broken = true;
    let end: SliceEnd = "done";
    let firstNew = rootOfUnit ? fixed - 1 : 0;
    let rootFootprint: UnitOutcome["rootFootprint"] = null;
    let nextReport = STATES_PER_REPORT;
    for (;;) {
      let result: RunResult | null = null;
      let machine: Machine | null = null;
      let leaf = false;
      let cut: unknown = null;
      built.m = null;
      store?.reset();
      nextSleep = NO_SLEEP;
      cutting.by = null;
      try {
        // On from the state saved at the branch point, or a fresh machine replaying the path.
        const ex =
          restorer.runFrom(goBack, resumeOn) ??
          runOnce(factory, {
            strategy,
            maxSteps: opts.maxSteps,
            recordFootprints: true,
            detectors,
            onBuilt: (m) => {
              log.reset(m.mplock.id);
              ncpus = m.ncpus;
              built.m = m;
              watch?.attach(m);
              if (histories !== null) m.trackStates(histories, { symmetry: opts.symmetry ?? false });
              restorer.built(m);
            },
          });
        machine = ex.machine;
        result = ex.result;
        if (result === null) {
          // Cut by the strategy (CUT): counted as the exception it stands for.
          cut = cutting.by;
          if (splitAt >= 0 && (cut === CYCLE || cut === BLOCKED)) leaf = true;
          else if (cut === CYCLE) cycles++;
          else if (cut === BLOCKED) blocked++;
          else merged++;
        }
      } catch (e) {
        cut = e;
        if (splitAt >= 0 && (e === LEAF || e === CYCLE || e === BLOCKED)) leaf = true;
        else if (e === CYCLE) cycles++;
        else if (e === BLOCKED) blocked++;
        else if (e === MERGED) merged++;
        else throw e;
      } finally {
        cutting.on = false;
      }
      if (result !== null) {
        // The step that panicked was not seen by the detectors.
        if (log.n < result.steps) {
          const last = result.schedule.choices[result.steps - 1]!;
          log.logUnseen(last, dpor ? stack[result.steps - 1]!.cur[choiceCpu(last)]! : -1);
        }
      }
      if (rootOfUnit && rootFootprint === null && log.n >= fixed)
        rootFootprint = footprintData(log.footprint(fixed - 1));
      // Above a split every path is a leaf, explored by its shard: its executions count there.
      if (splitAt >= 0 && (leaf || result !== null)) {
        leaves.push(leafUnit(stack, base, fixed));
        result = null;
      }
      // Set by onBuilt (TypeScript cannot see the callback assign it).
      const bm = built.m as Machine | null;
      if (dpor && splitAt < 0 && bm !== null) {
        logPending(bm, log, commutative);
      }
      if (dpor && splitAt < 0) {
        races.analyze(log, ncpus, firstNew, handleRace);
        // Nothing is enabled after the last step of a run that ended (a panic,
        // a violation or the step limit ends it with choices still enabled).
        if (result !== null) disabledBy(stack.length - 1, []);
      }
      // Anything but a cycle cut ends the execution for trap finding (a sleep-set or bound cut: explored elsewhere).
      if (cut !== CYCLE) traps?.end(stack.length);
      if (result !== null && machine !== null) {
        executions++;
        if (result.outcome.kind === "step-limit") stepLimited++;
        if (onExecution({ machine, result, index: executions })) {
          end = "stop";
          break;
        }
        if (maxExecutions !== undefined && executions >= maxExecutions) {
          end = "cap";
          break;
        }
      }
      if (opts.maxStates !== undefined && states() >= opts.maxStates) {
        end = "cap";
        break;
      }
      if (opts.onStates !== undefined && states() >= nextReport) {
        nextReport = states() + STATES_PER_REPORT;
        if (opts.onStates(states())) {
          end = "stop";
          break;
        }
      }
      // Backtrack to the deepest node with something left to explore.
      let k = stack.length - 1;
      let trap: CutCycle | null = null;
      for (; k >= fixed; k--) {
        const node = stack[k]!;
        if (dpor || sleepy) nodes.pushDone(k, log);
        let next: Choice | -1 = -1;
        while (node.next < node.backtrack.length) {
          const c = node.backtrack[node.next++]!;
          if (node.enabled.includes(c) && !asleep(node.sleep, c)) {
            next = c;
            break;
          }
        }
        if (next >= 0) {
          node.taken = next as Choice;
          store?.leave(stack, k);
          stack.length = k + 1;
          restorer.truncate(k);
          break;
        }
        // Node k's subtree is done: a state no schedule leaves is a livelock (reported once, as an execution).
        if (traps !== null && trap === null) {
          trap = traps.trapped(k, dpor && node.sleep.some((f) => node.enabled.includes(f.choice)));
          if (trap !== null) traps.end(k + 1);
        }
      }
      if (trap !== null) {
        const t = livelockRun(factory, trap, opts.maxSteps, opts.detectors ?? []);
        end = onExecution({ ...t, index: ++executions }) ? "stop" : executions === maxExecutions ? "cap" : end;
        if (end !== "done") break;
      }
      if (k < fixed) break;
      firstNew = goBack = k;
      if (ctx?.shouldYield?.() === true) {
        end = "yield";
        break;
      }
    }
    broken = false;
    const finished = end === "done";
    const exhausted = finished && stepLimited === 0 && pruned === 0;
    const stats = { executions, blocked, stepLimited, cycles, pruned, states: states(), merged, finished, exhausted };
    const frontier = end === "yield" ? exportFrontier(stack, fixed, dpor ? log.footprint.bind(log) : null) : [];
    const path = frontier.length > 0 ? stack.map((n) => n.taken) : [];
    return { stats, outcome: { end, requests: requests.list, rootFootprint, path, frontier }, leaves };
  };
}
