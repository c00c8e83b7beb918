/**
 * Broken sleep-queue layers, each a classic mistake in one wakeup path (test
 * plugins: what a `layers: { sleepq }` plugin would put in place). Each is
 * the built-in layer spread with one member replaced; `brokenWakeupHere`
 * is `_wakeup` with one mistake switched on.
 */
import { type Gen, type KernelContext, maskHas, maskNextAfter, type Tx } from "@kprim/machine";
import {
  bucketOf,
  bucketToChange,
  type Ident,
  type SleepHash,
  sleepHash,
  sleepqLayer,
  type SleepqLayer,
  sleepState,
  wakeupHere,
} from "@kprim/sleepq";

type Mistake = "one-hop" | "clear-bit-on-wake" | "stop-at-other-ident";

/**
 * `_wakeup` on this cpu and on along the chain, as @kprim/sleepq's, but with
 * `mistake`: `one-hop` — the cpu an IPI reaches wakes its own sleepers and
 * passes nothing on; `clear-bit-on-wake` — a cpu that woke someone clears
 * its bit although other sleepers stay in the bucket; `stop-at-other-ident`
 * — the bucket scan stops at the first sleeper on another ident.
 */
function brokenWakeupHere(
  tx: Tx,
  h: SleepHash,
  ident: Ident,
  one: boolean,
  start: number,
  hop: boolean,
  mistake: Mistake,
): void {
  const b = bucketOf(ident);
  const maskCell = h.masks[b]!;
  const q = bucketToChange(tx, h, b);
  let woke = false;
  for (let i = 0; i < q.length;) {
    const t = q[i]!;
    const st = sleepState(t);
    if (st.wchan !== ident) {
      if (mistake === "stop-at-other-ident") break;
      i++;
      continue;
    }
    q.splice(i, 1);
    st.queued = false;
    tx.event("sleepq.woken", ident.name, t.name, t.id);
    tx.schedule(t);
    woke = true;
    if (one) break;
  }
  const bit = 1 << tx.cpu;
  if ((q.length === 0 || (mistake === "clear-bit-on-wake" && woke)) && (tx.read(maskCell) & bit) !== 0) {
    tx.write(maskCell, (tx.read(maskCell) & ~bit) >>> 0);
  }
  if ((hop && mistake === "one-hop") || (one && woke)) return;
  const next = maskNextAfter(tx.read(maskCell) as never, tx.cpu, start, h.machine.ncpus);
  if (next >= 0 && maskHas(tx.read(maskCell) as never, next)) {
    tx.sendIpi(next, `_wakeup(${ident.name})`, (itx) => brokenWakeupHere(itx, h, ident, one, start, true, mistake), {
      writes: [maskCell],
    });
  }
}

function wakeupWith(mistake: Mistake, one: boolean) {
  return function* (k: KernelContext, ident: Ident): Gen<void> {
    const h = sleepHash(k.machine);
    const mask = h.masks[bucketOf(ident)]!;
    yield* k.atomic(`${one ? "wakeup_one" : "wakeup"} ${ident.name}`, { writes: [mask] }, (tx) => {
      tx.event("sleepq.wakeup", ident.name, one ? "wakeup_one" : "wakeup");
      brokenWakeupHere(tx, h, ident, one, tx.cpu, false, mistake);
    });
  };
}

const base = sleepqLayer("chain");

/** wakeup's chain stops after its first hop: sleepers two cpus away are never reached. */
export const chainStopsAfterOneHop: SleepqLayer = Object.freeze({
  ...base,
  name: "broken: the wakeup chain stops after one hop",
  wakeup: wakeupWith("one-hop", false),
  wakeupOne: wakeupWith("one-hop", true),
});

/** wakeup_one never leaves the waker's cpu (it scans only its own bucket). */
export const wakeupOneStaysLocal: SleepqLayer = Object.freeze({
  ...base,
  name: "broken: wakeup_one never leaves the waker's cpu",
  *wakeupOne(k: KernelContext, ident: Ident): Gen<void> {
    const h = sleepHash(k.machine);
    const mask = h.masks[bucketOf(ident)]!;
    yield* k.atomic(`wakeup_one ${ident.name}`, { writes: [mask] }, (tx) => {
      tx.event("sleepq.wakeup", ident.name, "wakeup_one");
      wakeupHere(tx, h, ident, { one: true, start: tx.cpu, mycpu: true });
    });
  },
});

/** A cpu that woke a sleeper clears its bucket bit although another ident's sleeper is still queued there. */
export const clearsBitOnWake: SleepqLayer = Object.freeze({
  ...base,
  name: "broken: wakeup clears the bucket bit whenever it woke someone",
  wakeup: wakeupWith("clear-bit-on-wake", false),
});

/** The bucket scan stops at the first sleeper on another ident of the same bucket. */
export const stopsAtOtherIdent: SleepqLayer = Object.freeze({
  ...base,
  name: "broken: wakeup's bucket scan stops at another ident",
  wakeup: wakeupWith("stop-at-other-ident", false),
});
