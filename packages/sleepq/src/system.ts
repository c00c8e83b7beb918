/**
 * The per-machine sleep hash (see hash.ts): created on first use, with the
 * `lost-wakeup` and `interlock-discipline` detectors installed then.
 */
import { defineExtension, type Machine, type Thread } from "@kprim/machine";
import { interlockDiscipline, lostWakeup } from "./detectors.js";
import {
  HASH_BUCKETS,
  IDENT_BASE,
  type Ident,
  MASK_WRITES,
  NO_SLEEPERS,
  type SleepCondition,
  type SleepHash,
} from "./hash.js";

/** Each hash's state key as last written, and what it was written from (idents are frozen: compared by identity). */
const lastKeys = new WeakMap<SleepHash, { form: string; nextAddr: number; idents: Ident[]; key: string }>();

/** The hash's state key (stateful search asks at every state): written again only when its idents or form changed. */
function hashKey(h: SleepHash): string {
  const last = lastKeys.get(h);
  if (
    last !== undefined &&
    last.form === h.form &&
    last.nextAddr === h.nextAddr &&
    last.idents.length === h.idents.size
  ) {
    let i = 0;
    let same = true;
    for (const id of h.idents.values()) {
      if (last.idents[i++] !== id) {
        same = false;
        break;
      }
    }
    if (same) return last.key;
  }
  const idents = Array.from(h.idents.values());
  const key = `${h.form};${h.nextAddr};${idents.map((i) => `${i.name}@${i.addr}`).join(",")}`;
  lastKeys.set(h, { form: h.form, nextAddr: h.nextAddr, idents, key });
  return key;
}

/**
 * The last change stamp given to a sleep hash (`SleepHash.stamp`). Shared by
 * every machine in the process: it only makes numbers no hash had before
 * (a stamp decides which key numbers a state vector keeps, never a result).
 */
let stampClock = 0;

/** The hash as this file writes it: the fields the public type leaves read-only, so that every change moves the stamp. */
type Writable = { -readonly [K in keyof SleepHash]: SleepHash[K] } & { readonly idents: Map<object, Ident> };

/** The hash's idents, form or next address changed: a new stamp. */
function moved(h: SleepHash): void {
  h.stamp = ++stampClock;
}

/** Set the wakeup form (a change moves the hash's stamp). Calling context: set-up. */
export function setForm(h: SleepHash, form: SleepHash["form"]): void {
  if (h.form === form) return;
  (h as Writable).form = form;
  moved(h);
}

// Made once: a machine is built per execution.
const MASK_NAMES = Array.from({ length: HASH_BUCKETS }, (_, b) => `slpque_cpumask[${b}]`);
const MASK_CELL = { code: "cpumask" } as const;

export const SLEEP_HASH = defineExtension<SleepHash>(
  "sleepq",
  (m: Machine) => {
    const h: SleepHash = {
      machine: m,
      queues: m.cpus.map((c) =>
        m.cell<Thread[][]>(`tsleep_hash${c.index}`, new Array<Thread[]>(HASH_BUCKETS).fill(NO_SLEEPERS), {
          cpu: c.index,
        }),
      ),
      masks: MASK_NAMES.map((name) => m.cell(name, 0, MASK_CELL)),
      [MASK_WRITES]: [],
      idents: new Map(),
      conditions: new Map(),
      form: "chain",
      nextAddr: IDENT_BASE,
      stamp: ++stampClock,
    };
    m.addDetector(lostWakeup(h));
    m.addDetector(interlockDiscipline());
    return h;
  },
  {
    // Queues and masks are cells (keyed with the cells); conditions are declared during set-up.
    stateKey: hashKey,
    stateStamp: (h) => h.stamp,
  },
);

export function sleepHash(m: Machine): SleepHash {
  return m.ext(SLEEP_HASH);
}

/**
 * The ident of `key` (any object: a lock, a buffer, a cell), given an address
 * on first use. `addr` forces an address (to put two idents in one bucket).
 *
 * Calling context: set-up (or a thread, for an object it owns; not a step).
 */
export function identOf(m: Machine, key: object, name: string, opts: { addr?: number } = {}): Ident {
  const h = sleepHash(m) as Writable;
  let id = h.idents.get(key);
  if (id === undefined) {
    const addr = opts.addr ?? h.nextAddr;
    if (opts.addr === undefined) h.nextAddr += 0x100;
    id = Object.freeze({ name, addr });
    h.idents.set(key, id);
    moved(h);
  }
  return id;
}

/** A fresh ident with its own address (or `addr`). Calling context: set-up. */
export function newIdent(m: Machine, name: string, opts: { addr?: number } = {}): Ident {
  return identOf(m, {}, name, opts);
}

/** An ident at another address that hashes to the same bucket as `other`. Calling context: set-up. */
export function collidingIdent(m: Machine, name: string, other: Ident): Ident {
  return newIdent(m, name, { addr: other.addr + HASH_BUCKETS * 0x100 });
}

/**
 * Declare the condition sleepers on `ident` wait for (the lost-wakeup check
 * reads it at quiescence). Not a kernel call.
 *
 * Calling context: set-up.
 */
export function declareCondition(m: Machine, ident: Ident, cond: SleepCondition): void {
  sleepHash(m).conditions.set(ident, cond);
}
