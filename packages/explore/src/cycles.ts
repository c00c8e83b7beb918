/**
 * Cycles on the current path, and how a livelock is reported.
 *
 * Where the machine can key its state (while a thread is inside a declared
 * loop; a thread that does not step keeps its key — the numeric cycle keys
 * of @kprim/machine/internal's `CycleKeys`, equal where `machine.stateKey()`
 * strings are, kept in a `PathStates` table of the current path), an
 * execution that comes back to a state it was in at an earlier step has gone
 * round a cycle and could go round it for ever. SPIN's non-progress cycles
 * under weak fairness are the model:
 *
 * - The exhaustive search cuts every cycle (mode "cut") and schedules every
 *   choice enabled along it, so each way out is explored; going round again
 *   reaches nothing new. A cycle that starves a choice enabled all the way
 *   round (a runnable holder behind a spinner, an IPI never delivered) is
 *   one no weakly fair scheduler repeats for ever, and it is left at once.
 * - A state from which no way out ever leads to an end (traps.ts) is a
 *   livelock: some fair schedule goes round for ever and none leaves. The
 *   search reports it by running the path of one of its cycles again with a
 *   watch in mode "report", which ends the run at the step that closes the
 *   cycle with a `livelock` violation naming the cycle's steps, what each
 *   thread does in it, and the starved threads. Replay and shrinking of a
 *   livelock's schedule watch the same way, so its handle reproduces it.
 *
 * An interrupt thread waiting to preempt is not owed fairness (an interrupt
 * may never come). Deterministic: keys and judgements depend on the run only.
 */
import {
  type Choice,
  ChoiceKind,
  choiceCpu,
  choiceKind,
  describeOp,
  type Detector,
  type Finding,
  type Machine,
  type MachineView,
  type Op,
  type StepRecord,
  type Strategy,
} from "@kprim/machine";
import { coreOf, type Core, CycleKeys } from "@kprim/machine/internal";
import { PathStates } from "./pathStates.js";

/** The name livelocks are reported under (`violation:livelock`, or just `livelock`). */
export const LIVELOCK = "livelock";

/** A cycle the state after step `to` closes: that state is the one after step `from`. */
export interface CycleFound {
  readonly from: number;
  readonly to: number;
}

export class CycleWatch {
  private m: Machine | null = null;
  private core: Core | null = null;
  /** The keys of the states met on the current path, by number (cycle keys are vectors of numbers). */
  private readonly cycleKeys = new CycleKeys();
  private readonly path = new PathStates();
  /** Enabled choices at each state (state i: before step i + 1), when recorded here. */
  private readonly enabledAt: (readonly Choice[])[] = [];
  private readonly takenAt: Choice[] = [];
  /** The thread a step choice stepped (−1 otherwise) and its op, or a non-step choice's description. */
  private readonly whoAt: number[] = [];
  private readonly whatAt: (Op | string | null)[] = [];
  /** Mode "cut": the cycle the last step closed (the search cuts there), else null. */
  closed: CycleFound | null = null;
  /** Mode "report": the cycle reported as a livelock in this run, else null. */
  reported: CycleFound | null = null;

  /**
   * `source`: where enabled sets and taken choices come from when the
   * caller keeps them (the search's stack); default: what `chose` recorded.
   */
  constructor(
    private readonly mode: "cut" | "report",
    private readonly source: {
      enabled(i: number): readonly Choice[];
      taken(i: number): Choice;
    } | null = null,
  ) {}

  readonly detector: Detector = {
    name: LIVELOCK,
    // Each step's writes tell the keys which cells changed; no events are read.
    footprints: true,
    events: false,
    onStep: (s: StepRecord): Finding | undefined => {
      this.cycleKeys.written(s.writes);
      return this.afterStep(s.index);
    },
    stateKey: () => "",
    stateStamp: () => 0,
    // A restored state (a search going back to a branch point): the states met after it are forgotten,
    // and so are the values numbered after it (else a search on one machine keeps every value it met).
    snapshot: (): readonly [number, number] => [this.path.size, this.cycleKeys.remembered],
    restore: (s) => {
      const [states, values] = s as readonly [number, number];
      this.path.truncate(states);
      this.cycleKeys.truncate(values);
      this.closed = null;
      this.reported = null;
    },
  };

  /** A fresh run on `m`. */
  attach(m: Machine): void {
    this.m = m;
    this.core = coreOf(m);
    this.path.clear();
    this.cycleKeys.forget();
    this.enabledAt.length = 0;
    this.takenAt.length = 0;
    this.whoAt.length = 0;
    this.whatAt.length = 0;
    this.closed = null;
    this.reported = null;
  }

  /** At state `k` (= view.step), `c` is taken among `enabled`. */
  chose(k: number, enabled: readonly Choice[], c: Choice, view: MachineView): void {
    if (this.source === null) {
      this.enabledAt[k] = enabled.slice();
      this.takenAt[k] = c;
    }
    if (choiceKind(c) === ChoiceKind.step) {
      const t = view.cpus[choiceCpu(c)]!.current;
      this.whoAt[k] = t?.id ?? -1;
      this.whatAt[k] = t?.op ?? null;
    } else {
      this.whoAt[k] = -1;
      this.whatAt[k] = view.describeChoice(c);
    }
  }

  /** A strategy that records every choice of `inner` here. */
  wrap(inner: Strategy): Strategy {
    return {
      name: inner.name,
      choose: (enabled, view) => {
        const i = inner.choose(enabled, view);
        this.chose(view.step, enabled, enabled[i]!, view);
        return i;
      },
      ...(inner.end ? { end: (view: MachineView) => inner.end!(view) } : {}),
    };
  }

  private enabled(i: number): readonly Choice[] {
    return this.source !== null ? this.source.enabled(i) : this.enabledAt[i]!;
  }
  private taken(i: number): Choice {
    return this.source !== null ? this.source.taken(i) : this.takenAt[i]!;
  }

  private afterStep(k: number): Finding | undefined {
    this.closed = null;
    const m = this.m;
    if (m === null) return undefined;
    const keys = this.cycleKeys;
    // Footprints are recorded (the detector asks for them): a cell is keyed again only when written.
    if (!keys.write(this.core!, true)) return undefined;
    const j = this.path.visit(keys.out.v, keys.out.n, k);
    if (j < 0) return undefined;
    if (this.mode === "cut") {
      this.closed = { from: j, to: k };
      return undefined;
    }
    if (this.reported !== null) return undefined;
    this.reported = { from: j, to: k };
    return this.finding(m, j, k);
  }

  private finding(m: Machine, j: number, k: number): Finding {
    // What each thread does in the cycle: its distinct ops, in order.
    const ops = new Map<number, string[]>();
    const others: string[] = [];
    for (let i = j; i < k; i++) {
      const w = this.whoAt[i] ?? -1;
      const what = this.whatAt[i];
      if (w < 0) {
        const d = typeof what === "string" ? what : null;
        if (d !== null && !others.includes(d)) others.push(d);
        continue;
      }
      const list = ops.get(w) ?? [];
      const d = what === null || what === undefined ? "?" : typeof what === "string" ? what : describeOp(what);
      if (!list.includes(d)) list.push(d);
      ops.set(w, list);
    }
    const live = m.threads.filter((t) => t.state !== "done" && t.state !== "dormant");
    const round = [...ops.keys()].sort((a, b) => a - b);
    const parts = round.map((id) => `${m.thread(id).name} ${shorten(ops.get(id)!)}`);
    const waiting = live.filter((t) => !ops.has(t.id)).map((t) => t.name);
    const what =
      parts.length > 0 ? `${parts.join("; ")}` : `only ${others.length > 0 ? others.join(", ") : "machine steps"}`;
    const starved = live.map((t) => t.name);
    return {
      message:
        `from step ${j} on no schedule ends, every way out leads back round: steps ${j + 1}..${k} return the machine to its state after step ${j} — ` +
        `${what}${waiting.length > 0 ? `; ${waiting.join(", ")} never run${waiting.length === 1 ? "s" : ""} in it` : ""}` +
        `; starved: ${starved.join(", ")}`,
      threads: live.map((t) => t.id),
      evidence: [
        { step: j + 1, label: "the cycle starts", role: "observe" },
        { step: k, label: `back in the state after step ${j}`, role: "report" },
      ],
    };
  }
}

function shorten(ops: readonly string[]): string {
  const shown = ops.slice(0, 3).join(", ");
  return `(${shown}${ops.length > 3 ? ", …" : ""})`;
}
