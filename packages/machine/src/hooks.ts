/**
 * Scheduler hooks: what a layer (the token layer) or an observer (a
 * watchdog) registers once per machine with `machine.addHooks`, to take
 * part in `lwkt_switch`, resume checks and preemption.
 */
import type { Thread } from "./thread.js";
import type { Tx } from "./tx.js";
import type { MachineView } from "./view.js";

/** What a resume check would do now: run the thread, change shared state (or cannot tell), or only wait. */
export type ResumeOutlook = "runs" | "acts" | "waits";

export interface SchedulerHooks {
  readonly name: string;
  /** `lwkt_switch` before choosing the next thread (not when returning to a preempted thread). */
  onSwitchOut?(tx: Tx, outgoing: Thread): void;
  /** Before resuming `t` on this cpu: are all its resources here? May send requests. */
  canResume?(tx: Tx, t: Thread): boolean;
  /**
   * Read-only forecast of `canResume(t)` now: "runs" (true, changing
   * nothing), "acts" (it would change shared state — send a request — or
   * cannot tell), "waits" (false, changing nothing). An idle cpu whose every
   * runnable thread would only wait is not offered a dispatch: the re-check
   * could change nothing. Without it the machine assumes "acts".
   */
  resumeOutlook?(view: MachineView, t: Thread): ResumeOutlook;
  /** May `t` preempt (`lwkt_preempt` refuses targets holding tokens)? */
  canPreempt?(t: Thread): boolean;
  /** Why a runnable thread cannot be resumed, for deadlock reports. */
  describeWait?(t: Thread): string | undefined;
  /**
   * Just before the machine runs `t`'s own code (its body, up to its next
   * step or its end). Observation only: it must not touch the machine. A
   * watchdog outside the run uses it to name a thread whose body never
   * yields (the machine is synchronous and cannot interrupt one itself).
   */
  onResume?(t: Thread): void;
}
