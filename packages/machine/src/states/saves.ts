/**
 * The record's cpus, threads, extensions and last ops saved for a snapshot
 * (snapshot.ts), each against the previous snapshot taken or restored: a
 * part still as that one saved it shares its save (saves are never changed
 * once made), so a snapshot costs about what changed since.
 *
 * Calling context: snapshot.ts `snapshot`, between steps.
 */
import type { Core } from "../runtime/core.js";
import type { Op } from "../ops.js";
import { Contents, sameLocals, type Saved } from "./contents.js";
import { type CpuSave, sameCpu, sameThread, saveCpu, saveThread, type ThreadSave } from "./record.js";
import type { ResumeLog, Snapshot } from "./snapshot.js";

/** The extensions' part of a snapshot. */
export type ExtensionsSave = Pick<Snapshot, "extensions" | "extSaved" | "extKeys">;

/** No extensions: nothing saved. */
const NO_EXTENSIONS: ExtensionsSave = Object.freeze({ extensions: null, extSaved: [], extKeys: [] });

/**
 * The extensions' entries, contents and keys. The previous snapshot's
 * saved contents serve again for an extension that kept its object and its
 * key — and its three lists whole when every extension did (saves are
 * never changed once made).
 */
export function saveExtensions(core: Core, log: ResumeLog, prev: Snapshot | null): ExtensionsSave {
  const exts = core.extensions;
  if (exts === null) return NO_EXTENSIONS;
  const keys = log.extKeys;
  const pe = prev === null ? null : prev.extensions;
  let all = pe !== null && pe.length === exts.size;
  let i = 0;
  for (const [e, v] of exts) {
    const key = e.stateKey ? e.stateKey(v) : null;
    keys[i] = key;
    if (all && (key === null || pe![i]![0] !== e || pe![i]![1] !== v || prev!.extKeys[i] !== key)) all = false;
    i++;
  }
  if (all) return prev!;
  const machine = core.view;
  const extensions: [unknown, unknown][] = [];
  const extSaved: Saved[] = [];
  const extKeys: (string | null)[] = [];
  i = 0;
  for (const [e, v] of exts) {
    extensions.push([e, v]);
    const key = keys[i]!;
    const same = key !== null && pe !== null && pe[i]?.[1] === v && prev!.extKeys[i] === key;
    extSaved.push(same ? prev!.extSaved[i]! : Contents.of(v, machine));
    extKeys.push(key);
    i++;
  }
  return { extensions, extSaved, extKeys };
}

/** The op each thread's generator stopped at last: the previous snapshot's list when they are all the same. */
export function lastOpsOf(log: ResumeLog, prev: Snapshot | null): readonly (Op | null)[] {
  const threads = log.threads;
  if (prev !== null) {
    const p = prev.lastOps;
    let i = 0;
    while (i < threads.length && threads[i]!.lastOp === p[i]) i++;
    if (i === threads.length) return p;
  }
  const out = new Array<Op | null>(threads.length);
  for (let i = 0; i < threads.length; i++) out[i] = threads[i]!.lastOp;
  return out;
}

/**
 * Each cpu's save: the previous snapshot's (restored or taken) where the
 * cpu is still as it saved it — known from its change stamp when that did
 * not move since (as `restore` trusts it), else compared field by field.
 */
export function saveCpus(core: Core, prev: Snapshot | null): CpuSave[] {
  const prios = core.resumes!.prios;
  const cpus = core.cpus;
  const out = new Array<CpuSave>(cpus.length);
  for (let i = 0; i < cpus.length; i++) {
    const c = cpus[i]!;
    const p = prev === null ? undefined : prev.cpus[i];
    out[i] = p !== undefined && (c.ver === prev!.stamps[i] || sameCpu(c, p, prios[i]!)) ? p : saveCpu(c);
  }
  return out;
}

/**
 * Each thread's save: the previous snapshot's where the thread is still as
 * it saved it — known, but for its op, resumes and thread-locals, from its
 * and its cpu's change stamps when neither moved (as `restore` trusts
 * them), else compared field by field.
 */
export function saveThreads(core: Core, log: ResumeLog, prev: Snapshot | null): ThreadSave[] {
  const threads = core.threads;
  const out = new Array<ThreadSave>(threads.length);
  const n = core.cpus.length;
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i]!;
    const resumes = log.threads[t.id]!.values.length;
    const p = prev === null ? undefined : prev.threads[t.id];
    let same = false;
    if (p !== undefined) {
      const st = prev!.stamps;
      same =
        t.ver === st[n + t.id] && t.cpu < n && core.cpus[t.cpu]!.ver === st[t.cpu]
          ? t.op === p.op &&
            resumes === p.resumes &&
            (p.locals.length === 0 && !t.hasLocals() ? true : sameLocals(t, p.locals))
          : sameThread(t, p, resumes);
    }
    out[i] = same ? p! : saveThread(t, resumes);
  }
  return out;
}

/** Each cpu's change stamp, then each thread's (`Snapshot.stamps`). */
export function stampsOf(core: Core): number[] {
  const out: number[] = [];
  for (const c of core.cpus) out.push(c.ver);
  for (const t of core.threads) out.push(t.ver);
  return out;
}
