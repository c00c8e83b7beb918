/**
 * The sleep queues of a machine in words, for displays of its state (a
 * person stepping a run, the browser playground's state panel): each hash
 * bucket in use — its cpumask bits (which cpus may have a sleeper there),
 * the idents that hash to it, and each cpu's sleepers with what they sleep
 * on. Read-only: it peeks at the queues and masks and never makes the sleep
 * hash of a machine that has none.
 */
import type { MachineView } from "@kprim/machine";
import { bucketOf, HASH_BUCKETS, sleepState } from "./hash.js";
import { SLEEP_HASH } from "./system.js";

export interface SleepBucketDescription {
  readonly bucket: number;
  /** slpque_cpumasks[bucket]: bit c set = cpu c may have a sleeper here. */
  readonly mask: number;
  /** The cpus whose bit is set, ascending. */
  readonly maskCpus: readonly number[];
  /** The idents of the machine that hash to this bucket, by name. */
  readonly idents: readonly string[];
  /** The sleepers queued in this bucket, cpu by cpu, in queue order. */
  readonly sleepers: readonly {
    readonly cpu: number;
    readonly thread: string;
    readonly ident: string;
    readonly wmesg: string;
  }[];
}

/** Every bucket with a cpumask bit set or a sleeper queued, ascending ([] when the machine has no sleep hash). */
export function describeSleepQueues(view: MachineView): SleepBucketDescription[] {
  const h = view.peekExt(SLEEP_HASH);
  if (h === undefined) return [];
  const queues = h.queues.map((c) => view.peek(c));
  const out: SleepBucketDescription[] = [];
  for (let b = 0; b < HASH_BUCKETS; b++) {
    const mask = view.peek(h.masks[b]!);
    const sleepers = queues.flatMap((q, cpu) =>
      q[b]!.map((t) => {
        const s = sleepState(t);
        return { cpu, thread: t.name, ident: s.wchan?.name ?? "?", wmesg: s.wmesg };
      }),
    );
    if (mask === 0 && sleepers.length === 0) continue;
    const maskCpus: number[] = [];
    for (let c = 0; c < view.ncpus; c++) if ((mask & (1 << c)) !== 0) maskCpus.push(c);
    const idents = [...h.idents.values()].filter((i) => bucketOf(i) === b).map((i) => i.name);
    out.push({ bucket: b, mask, maskCpus, idents, sleepers });
  }
  return out;
}
