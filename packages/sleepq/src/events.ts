/**
 * Typed sleep-queue events for detectors: `sleepEvents()` reads each step's
 * trace events and returns what the sleep queues (and the machine, and the
 * lock layers: `KernelEvent` of @kprim/machine) did, typed — with what a
 * string of the trace does not say:
 *
 * - which `tsleep` a wakeup or a timeout ended (`woken.sleep`,
 *   `ended.sleep`: the step of that tsleep and its wait message), so a
 *   detector does not pair a wakeup with an earlier or later sleep of the
 *   same thread;
 * - which `wakeup` call a sleeper was woken by (`woken.by`), across the IPI
 *   hops of a chain or multicast wakeup, and on which cpu (`woken.cpu`);
 * - whether a timeout ended a sleep at all (`ended` only when the thread was
 *   still asleep).
 *
 * A reader keeps what it needs between steps (who sleeps where, which IPI
 * carries which wakeup): one reader per detector, made in the detector's
 * factory, fed every step in order; `stateKey` is its part of a stateful
 * search's key. Nothing is built unless a detector makes a reader.
 *
 * Calling context: a detector's `onStep` (never a thread step).
 */
import { type KernelEvent, kernelEvent, type Renaming, type StepRecord } from "@kprim/machine";

/** A tsleep, named by the step it started at. */
export interface SleepRef {
  readonly step: number;
  readonly wmesg: string;
}

/** A wakeup call, named by the step and thread that made it. */
export interface WakeupRef {
  readonly step: number;
  readonly thread: number;
  readonly one: boolean;
}

export type SleepEvent =
  | KernelEvent
  | {
      readonly kind: "tsleep";
      readonly step: number;
      readonly thread: number;
      readonly ident: string;
      readonly wmesg: string;
      readonly interlocked: boolean;
    }
  | { readonly kind: "tsleep_interlock"; readonly step: number; readonly thread: number; readonly ident: string }
  | {
      readonly kind: "wakeup";
      readonly step: number;
      readonly thread: number;
      readonly ident: string;
      readonly one: boolean;
    }
  | {
      readonly kind: "woken";
      readonly step: number;
      /** The cpu whose queue it was taken off. */
      readonly cpu: number;
      readonly sleeper: number;
      readonly ident: string;
      /** The tsleep this ended (undefined: the reader did not see it start). */
      readonly sleep: SleepRef | undefined;
      /** The wakeup call that reached it, directly or through IPIs (undefined: not seen). */
      readonly by: WakeupRef | undefined;
    }
  | {
      /** A timeout ended a tsleep (the thread was still asleep). */
      readonly kind: "timed-out";
      readonly step: number;
      readonly sleeper: number;
      readonly ident: string;
      readonly sleep: SleepRef;
    };

export interface SleepEventReader {
  /** The typed events of one step (feed every step, in order). */
  read(step: StepRecord): readonly SleepEvent[];
  /** The reader's state for stateful search (step numbers left out). */
  stateKey(ren: Renaming): string;
}

interface Asleep {
  readonly ident: string;
  readonly sleep: SleepRef;
}

/** A fresh reader of typed sleep-queue events (one per detector, per machine). */
export function sleepEvents(): SleepEventReader {
  const asleep = new Map<number, Asleep>();
  /** IPI message id → the wakeup it carries. */
  const carrying = new Map<number, WakeupRef>();
  return {
    read(step) {
      const out: SleepEvent[] = [];
      let current: WakeupRef | undefined;
      for (const e of step.events) {
        switch (e.kind) {
          case "sleepq.tsleep": {
            const detail = e.detail ?? "";
            const interlocked = detail.endsWith(" interlocked");
            const wmesg = interlocked ? detail.slice(0, -" interlocked".length) : detail;
            const ident = e.obj ?? "";
            asleep.set(e.thread, { ident, sleep: { step: e.step, wmesg } });
            out.push({ kind: "tsleep", step: e.step, thread: e.thread, ident, wmesg, interlocked });
            break;
          }
          case "sleepq.interlock":
            out.push({ kind: "tsleep_interlock", step: e.step, thread: e.thread, ident: e.obj ?? "" });
            break;
          case "sleepq.wakeup": {
            const one = e.detail === "wakeup_one";
            current = { step: e.step, thread: e.thread, one };
            out.push({ kind: "wakeup", step: e.step, thread: e.thread, ident: e.obj ?? "", one });
            break;
          }
          case "sleepq.woken": {
            const sleeper = e.target ?? -1;
            const was = asleep.get(sleeper);
            asleep.delete(sleeper);
            out.push({
              kind: "woken",
              step: e.step,
              cpu: e.cpu,
              sleeper,
              ident: e.obj ?? "",
              sleep: was?.sleep,
              by: current,
            });
            break;
          }
          default: {
            const k = kernelEvent(e);
            if (k === undefined) break;
            if (k.kind === "ipi.receive") {
              current = carrying.get(k.id);
              carrying.delete(k.id);
            } else if (k.kind === "ipi.send" && current !== undefined) {
              carrying.set(k.id, current);
            } else if (k.kind === "timeout") {
              const was = asleep.get(k.sleeper);
              if (was !== undefined) {
                asleep.delete(k.sleeper);
                out.push({ kind: "timed-out", step: k.step, sleeper: k.sleeper, ident: was.ident, sleep: was.sleep });
              }
            }
            out.push(k);
          }
        }
      }
      return out;
    },
    stateKey(ren) {
      const sleeping = [...asleep].map(([t, a]) => `${ren.thread(t)}@${a.ident}/${a.sleep.wmesg}`).sort();
      const inFlight = [...carrying.values()].map((w) => `${ren.thread(w.thread)}${w.one ? "!" : ""}`).sort();
      return `${sleeping.join(",")}|${inFlight.join(",")}`;
    },
  };
}
