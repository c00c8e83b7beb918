/**
 * The sleep-queue layer as the Kernel composition sees it, bound to a wakeup
 * form. A plugin can supply another (or a deliberately broken) one.
 */
import type { Gen, KernelContext, Machine, Raises } from "@kprim/machine";
import type { Ident, SleepCondition, WakeupForm } from "./hash.js";
import { type SleepLock, msleep } from "./msleep.js";
import { collidingIdent, declareCondition, identOf, newIdent, setForm, sleepHash } from "./system.js";
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
  /**
   * This layer with the run's options applied (`wakeup`: its `form`), called
   * by the Kernel composition when a plugin puts the layer in place. The
   * built-in one returns `{ ...this, form }` (its `ident` and `identOf`
   * read the form from `this`), so a layer made by spreading it keeps its
   * members and gets the option. A layer without `configure` gets a run
   * whose `wakeup` option differs from its `form` refused with one line.
   */
  configure?(options: Readonly<Record<string, string>>): SleepqLayer;
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

/**
 * DragonFly's late-2005 sleep queues with the given wakeup form. Its members
 * call each other through the layer (`this`): `msleep` sleeps with
 * `this.tsleepInterlock` and `this.tsleep`, and `ident`/`identOf` set the
 * machine's wakeup form from `this.form` — so a layer made by spreading this
 * one and replacing `tsleep` is that tsleep on every path.
 */
export function sleepqLayer(form: WakeupForm = "chain"): SleepqLayer {
  return Object.freeze({
    name: `dragonfly-2005-${form}`,
    raises: SLEEPQ_RAISES,
    form,
    ident(this: SleepqLayer, machine: Machine, name: string): Ident {
      setForm(sleepHash(machine), this.form);
      return newIdent(machine, name);
    },
    identOf(this: SleepqLayer, machine: Machine, key: object, name: string): Ident {
      setForm(sleepHash(machine), this.form);
      return identOf(machine, key, name);
    },
    collidingIdent,
    declareCondition,
    tsleep,
    tsleepInterlock,
    wakeup,
    wakeupOne,
    msleep,
    configure(this: SleepqLayer, options: Readonly<Record<string, string>>): SleepqLayer {
      const f = (options["wakeup"] as WakeupForm | undefined) ?? "chain";
      return f === this.form ? this : Object.freeze({ ...this, form: f });
    },
  } satisfies SleepqLayer);
}
