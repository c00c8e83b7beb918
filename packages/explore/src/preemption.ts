/**
 * What a preemption is on this machine.
 *
 * The machine is parallel: at each step boundary every cpu offers its
 * enabled choices (step its current thread, take an IPI from one sender,
 * let an interrupt thread in, fire a timeout, retry a dispatch) and the
 * schedule picks one. A schedule is a sequence of choice identities.
 *
 * Definition: step k (k ≥ 1) is a *preemption* iff its choice differs from
 * the choice of step k − 1 while that previous choice is still enabled at
 * step k. Continuing the same choice identity ("cpu0 steps its current
 * thread" again, even after cpu0 switched threads) is free, and so is any
 * switch once the previous choice is no longer enabled (its thread blocked,
 * ended, or spins on a false condition; its IPI FIFO emptied). Taking an
 * IPI, an interrupt or a timeout while the previous choice could have gone
 * on counts as one preemption, like switching to another cpu does.
 *
 * This is iterative context bounding (Musuvathi & Qadeer) with choice
 * identities in the role of threads. A schedule with zero preemptions runs
 * each choice until it is disabled.
 */
import type { Choice } from "@kprim/machine";

/** Is taking `choice` after `previous` (−1: none, the first step) a preemption, given what is enabled now? */
export function isPreemption(previous: number, choice: Choice, enabled: readonly Choice[]): boolean {
  return previous >= 0 && choice !== previous && enabled.includes(previous as Choice);
}
