/**
 * Stateful search, attached to a machine on demand (`trackStates` before the
 * run): what a fingerprint needs beyond the machine's own state — each
 * thread's history of resume values (interned in the search's `Histories`),
 * where each queued IPI message was sent from, the numbering of what set-up
 * left reachable — and the fingerprint itself. The run loop calls a tracker
 * only when one is attached; a machine without one pays nothing for it.
 *
 * Calling context: `start` once, before the first step; `step` at every step
 * before it is taken; `resumed`, `returned`, `settled` and `sent` during the
 * step they describe.
 */
import { type Choice, choiceArg, ChoiceKind } from "../choice.js";
import type { Cpu } from "../cpu.js";
import type { Thread } from "../thread.js";
import type { FingerprintInput, Origin } from "./fingerprint.js";
import { type Histories, RESUMED, RESUMED_LOCALS, RETURNED, SETTLED } from "./histories.js";
import { VectorBuffer, type VectorTable } from "./intern.js";
import { VectorCanon } from "./vector.js";
import type { ResumeLog } from "./snapshot.js";

export class StateTracker {
  /** How this machine turns values into keys (made at `start`). */
  canon: VectorCanon | null = null;
  /** What the step being taken is: the origin of the messages it sends (kept as fields: an object is made only for a message). */
  private kind: Origin["kind"] = "b";
  private originId = -1;
  private originHist = 0;
  private parent: Origin["parent"] = null;
  /** Messages the current step has sent to each cpu (an origin's rank is per target: FIFOs are per pair). */
  private readonly originSeq: number[] = [];
  /** Restoring states: the per-thread resume log (states/snapshot.ts), or null. */
  log: ResumeLog | null = null;

  constructor(
    readonly histories: Histories,
    /** Rename the symmetric threads to a canonical order before keying. */
    readonly symmetry: boolean,
  ) {}

  /**
   * Number what set-up left reachable (`roots`), so that fingerprints name it
   * the same way in every execution, and what the extensions' states (`exts`)
   * reach but the threads' locals (`owned`) do not, so that histories name it
   * by its place (fingerprint.ts).
   */
  start(
    runCellsFrom: number,
    unguard: (o: object) => object,
    atom: (o: object) => string | undefined,
    roots: readonly unknown[],
    exts: readonly unknown[] = [],
    owned: readonly unknown[] = [],
  ): void {
    this.canon = new VectorCanon(runCellsFrom, unguard, atom);
    this.canon.registerSetup(roots);
    this.canon.registerPlaces(exts, owned);
  }

  /** The step about to be taken (choice `choice` of `kind` on `cpu`; `stepper` for a thread step). */
  step(kind: number, cpu: Cpu, choice: Choice, stepper: Thread | null, threads: readonly Thread[]): void {
    const seq = this.originSeq;
    for (let i = 0; i < seq.length; i++) seq[i] = 0;
    if (stepper !== null) this.origin("s", stepper.id, stepper.hist, null);
    else if (kind === ChoiceKind.ipi) this.origin("i", -1, 0, cpu.incoming[choiceArg(choice)]![0] ?? null);
    else if (kind === ChoiceKind.interrupt || kind === ChoiceKind.timeout) {
      const t = threads[choiceArg(choice)]!;
      this.origin(kind === ChoiceKind.timeout ? "o" : "x", t.id, t.hist, null);
    } else this.origin("d", cpu.index, 0, null);
  }

  private origin(kind: Origin["kind"], id: number, hist: number, parent: Origin["parent"]): void {
    this.kind = kind;
    this.originId = id;
    this.originHist = hist;
    this.parent = parent;
  }

  /** Where a message sent now to cpu `to` comes from. */
  sent(to: number): Origin {
    const origin: Origin = {
      kind: this.kind,
      id: this.originId,
      hist: this.originHist,
      parent: this.parent,
      seq: (this.originSeq[to] ??= 0),
    };
    this.originSeq[to]!++;
    return origin;
  }

  /**
   * `t` is resumed with `value`: its history grows by it, and by its
   * thread-locals when they changed since it stopped. Handlers change a sleeper's thread-locals
   * while it waits (a timeout marks it timed out), and the code it runs
   * before its next op reads them: two threads resumed with one value but
   * different thread-locals may go on differently even once they look alike
   * again (tsleep clears the mark after reading it).
   */
  resumed(t: Thread, value: unknown): void {
    const h = this.histories;
    const v = this.historyId(value);
    if (!t.hasLocals()) {
      t.hist = h.grow(t.hist, RESUMED, v, 0);
      this.log?.resumed(t, value, false);
      return;
    }
    const now = this.canon!.historyLocals(t);
    const same = now === t.localsAtSuspend;
    t.hist = same ? h.grow(t.hist, RESUMED, v, 0) : h.grow(t.hist, RESUMED_LOCALS, v, h.tables.strings.id(now));
    this.log?.resumed(t, value, !same);
  }

  /** `t` stopped at its next op: what its thread-locals are as it leaves them (`resumed` compares). */
  suspended(t: Thread): void {
    if (t.hasLocals()) t.localsAtSuspend = this.canon!.historyLocals(t);
    this.log?.suspended(t);
  }

  /** `KernelContext.call` returned `value`: the thread's history is the one before the call, and the value. */
  returned(t: Thread, mark: number, value: unknown): void {
    const h = this.histories;
    t.hist = h.grow(mark, RETURNED, this.historyId(value), 0);
  }

  /** The number of a value a history records (objects a layer's extension holds by their place: fingerprint.ts). */
  private historyId(value: unknown): number {
    const tables = this.histories.tables;
    if (typeof value === "object" && value !== null) return tables.strings.id(this.canon!.historyValue(value));
    return this.canon!.valueId(value, tables);
  }

  /** `KernelContext.settle`: the history is the one at the start of the innermost call, and the label. */
  settled(t: Thread, label: string): void {
    const h = this.histories;
    t.hist = h.grow(t.callMark, SETTLED, h.tables.strings.id(label), 0);
  }

  fingerprint(input: FingerprintInput): string {
    return this.canon!.fingerprint(input);
  }

  /** The state's number in `states` (a new one when unseen): its fingerprint, as a vector of interned parts. */
  stateId(input: FingerprintInput, states: VectorTable): number {
    const v = this.vector;
    this.canon!.stateVector(input, this.histories.tables, v, this.log?.cells ?? null);
    return states.id(v.v, v.n);
  }

  private readonly vector = new VectorBuffer();
}
