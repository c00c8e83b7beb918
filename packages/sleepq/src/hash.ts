/**
 * The tsleep/wakeup hash after the late-2005 change (spec §5.2).
 *
 * Protects: per cpu, `gd_tsleep_hash[128]` — lists of that cpu's sleeping
 * threads (cpu-local: only code running on that cpu touches them); globally,
 * `slpque_cpumasks[128]` — bit c of entry h means "cpu c may have a sleeper
 * in bucket h" (a hint: set by tsleep and tsleep_interlock, cleared only by
 * cpu c itself when its bucket h empties after a removal).
 *
 * Idents are simulated addresses: any object can be an ident, and
 * `bucket = (addr >> 8) & 127`, so distinct idents can share a bucket (G3).
 */
import {
  type Cell,
  defineThreadLocal,
  type Footprint,
  type Machine,
  type MachineView,
  type Thread,
  type ThreadLocalKey,
  type Tx,
} from "@kprim/machine";

declare module "@kprim/machine" {
  interface TraceEventKinds {
    /** tsleep_interlock set this cpu's bit (obj = ident, detail = "crit N"). */
    "sleepq.interlock": true;
    /** tsleep queued the thread (obj = ident, detail = wmesg). */
    "sleepq.tsleep": true;
    /** A wakeup of an ident started (obj = ident, detail = "wakeup" or "wakeup_one"). */
    "sleepq.wakeup": true;
    /** A sleeper was taken off its queue and scheduled (obj = ident, target = thread). */
    "sleepq.woken": true;
  }
}

export const HASH_BUCKETS = 128;

export interface Ident {
  readonly name: string;
  /** The simulated kernel address. */
  readonly addr: number;
}

/** `LOOKUP(ident)`. */
export function bucketOf(ident: Ident): number {
  return (ident.addr >>> 8) & (HASH_BUCKETS - 1);
}

/** How a wakeup reaches other cpus (spec §5.4; the multicast form is spec §8.5's alternative). */
export type WakeupForm = "chain" | "multicast";

/** Per-thread sleep state (td_wchan, td_wmesg, TDF_TSLEEPQ, TDF_TIMEOUT). */
export interface SleepState {
  wchan: Ident | null;
  wmesg: string;
  /** On a sleep queue. */
  queued: boolean;
  /** Woken by its timeout. */
  timedOut: boolean;
}

export const SLEEP_STATE: ThreadLocalKey<SleepState> = defineThreadLocal("sleep", () => ({
  wchan: null,
  wmesg: "",
  queued: false,
  timedOut: false,
}));

export function sleepState(t: Thread): SleepState {
  return t.local(SLEEP_STATE);
}

/** What a sleeper waits for, declared by a scenario or layer: the lost-wakeup check reads it. */
export interface SleepCondition {
  /** Cells the waiter reads to test the condition. */
  readonly cells: readonly Cell<any>[];
  /** Does the condition hold for waiter `t`? (observers only: use `view.peek`) */
  readonly holds: (view: MachineView, t: Thread) => boolean;
  /** "the lock is free", for reports. */
  readonly describe: string;
}

/**
 * The hash's slot for its masks' footprints (`writesMask`): a symbol key, so
 * that a restored state's saved contents (which walk the hash's string keys)
 * neither save nor write back a cache that depends on the masks alone.
 */
export const MASK_WRITES: unique symbol = Symbol("sleepq mask footprints");

export interface SleepHash {
  readonly machine: Machine;
  /** Per-cpu buckets (cpu-local cells). */
  readonly queues: Cell<Thread[][]>[];
  /** Per-bucket cpumasks (shared). */
  readonly masks: Cell<number>[];
  /** @internal Each mask's `writesMask` footprint, made on first use (not state: see `MASK_WRITES`). */
  readonly [MASK_WRITES]: (Footprint | undefined)[];
  /** Written by `identOf`/`newIdent` only (they move `stamp`). */
  readonly idents: ReadonlyMap<object, Ident>;
  readonly conditions: Map<Ident, SleepCondition>;
  /** Set with `setForm` (which moves `stamp`), never written directly. */
  readonly form: WakeupForm;
  /** Advanced by `identOf` only. */
  readonly nextAddr: number;
  /**
   * The change stamp of the idents, form and next address (stateful search's
   * `Extension.stateStamp`): moved by `identOf` and `setForm` to a number no
   * hash had before; a restore puts back the saved one with the rest.
   */
  stamp: number;
}

/**
 * The one empty bucket every bucket starts as (a machine is built per
 * execution; 128 fresh arrays per cpu were a fifth of a stateful search's
 * time). Frozen: a writer takes its bucket with `bucketToChange`.
 */
export const NO_SLEEPERS: Thread[] = Object.freeze([]) as unknown as Thread[];

/** This cpu's bucket `b`, to change inside `tx` (a bucket still shared as empty is replaced by its own array first). */
export function bucketToChange(tx: Tx, h: SleepHash, b: number): Thread[] {
  const qs = tx.mutate(h.queues[tx.cpu]!);
  if (qs[b]!.length === 0) qs[b] = [];
  return qs[b]!;
}

/**
 * `{ writes: [mask] }` for bucket `b`'s cpumask, the footprint of a step or
 * handler that changes it: one object per mask, kept on the hash (every
 * sleep and wakeup declares one, and a rebuilt thread's replayed ones too).
 * On the hash, not in a module-level WeakMap keyed by the cell: V8's
 * young-generation collector frees no weak map entry whose value leads back
 * to its key (this one holds it), so a machine built per run (a queue
 * worker's) sent its used masks, and what they hold, to the old generation.
 */
export function writesMask(h: SleepHash, b: number): Footprint {
  const fps = h[MASK_WRITES];
  let fp = fps[b];
  if (fp === undefined) {
    fp = Object.freeze({ writes: Object.freeze([h.masks[b]!]) });
    fps[b] = fp;
  }
  return fp;
}

/** Where simulated idents start (a kernel heap address of the era). */
export const IDENT_BASE = 0xc0400000;
