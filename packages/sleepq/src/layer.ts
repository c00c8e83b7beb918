/**
 * The sleep-queue layer as the Kernel composition sees it, bound to a wakeup
 * form. A plugin can supply another (or a deliberately broken) one.
 */
import type { Gen, KernelContext, Machine, Raises } from "@kprim/machine";
import type { Ident, SleepCondition, WakeupForm } from "./hash.js";
import { type SleepLock, msleep } from "./msleep.js";
import { collidingIdent, declareCondition, identOf, newIdent, sleepHash } from "./system.js";
import { tsleep, type TsleepFlags, tsleepInterlock } from "./tsleep.js";
import { wakeup, wakeupOne } from "./wakeup.js";

export interface SleepqLayer {
  readonly name: string;
  /** What it can raise: its panics, its detectors, its console lines (a replacement declares its own). */
  readonly raises?: Raises;
  readonly form: WakeupForm;
  ident(machine: Machine, name: string): Ident;
  identOf(machine: Machine, key: object, name: string): Ident;
  collidingIdent(machine: Machine, name: string, other: Ident): Ident;
  declareCondition(machine: Machine, ident: Ident, cond: SleepCondition): void;
  tsleep(k: KernelContext, ident: Ident, flags: TsleepFlags, wmesg: string, timo: number): Gen<number>;
  tsleepInterlock(k: KernelContext, ident: Ident): Gen<void>;
  wakeup(k: KernelContext, ident: Ident): Gen<void>;
  wakeupOne(k: KernelContext, ident: Ident): Gen<void>;
  msleep(k: KernelContext, ident: Ident, lock: SleepLock, wmesg: string, timo: number): Gen<number>;
}

/**
 * What the sleep queues raise: the lost-wakeup and interlock-discipline
 * detectors, and the panics of tsleep and _wakeup in the kernel's words.
 */
export const SLEEPQ_RAISES: Raises = Object.freeze({
  violations: ["lost-wakeup", "interlock-discipline"],
  panics: [
    "lwkt_switch: cannot switch from within a fast interrupt, yet",
    "tsleep: impossible thread flags (TDF_TSLEEPQ set)",
    "assertion: td->td_flags & TDF_TSLEEPQ in _wakeup",
  ],
});

/** DragonFly's late-2005 sleep queues with the given wakeup form. */
export function sleepqLayer(form: WakeupForm = "chain"): SleepqLayer {
  return Object.freeze({
    name: `dragonfly-2005-${form}`,
    raises: SLEEPQ_RAISES,
    form,
    ident(machine: Machine, name: string): Ident {
      sleepHash(machine).form = form;
      return newIdent(machine, name);
    },
    identOf(machine: Machine, key: object, name: string): Ident {
      sleepHash(machine).form = form;
      return identOf(machine, key, name);
    },
    collidingIdent,
    declareCondition,
    tsleep,
    tsleepInterlock,
    wakeup,
    wakeupOne,
    msleep,
  });
}
