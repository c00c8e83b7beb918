/**
 * The cost model: simulated cycles charged per action, as a documented,
 * overridable table. Clocks are per cpu and never influence behaviour except
 * under the timed strategy, which orders choices by them.
 *
 * Defaults are round numbers in the range of a 2005 dual-socket x86: an L1 hit
 * is one cycle, a locked instruction on an owned line tens of cycles, a cache
 * line transfer between sockets about a hundred, an IPI from send to take
 * several hundred, a thread switch a few hundred.
 */
export interface CostTable {
  /** A plain access to a line this cpu already holds. */
  readonly local: number;
  /** Extra for a locked read-modify-write (swap, cas, fetch-add, or, and). */
  readonly atomic: number;
  /** Moving a cache line last written by another cpu (or invalidating sharers). */
  readonly transfer: number;
  /** Queueing an IPI message and raising the interrupt. */
  readonly ipiSend: number;
  /** From send to the earliest moment the target can take the message. */
  readonly ipiLatency: number;
  /** Interrupt entry, running the handler frame, and return. */
  readonly ipiTake: number;
  /** A thread switch (lwkt_switch, including the MP lock and token checks). */
  readonly contextSwitch: number;
  /** crit_enter or crit_exit. */
  readonly critSection: number;
  /** One iteration of a spin-wait pause loop (the backoff unit). */
  readonly spinPause: number;
  /** Largest backoff window, in pause iterations (spec §3.3: 256). */
  readonly backoffCap: number;
  /** Simulated cycles per clock tick (tsleep timeouts are in ticks). */
  readonly tick: number;
}

export const defaultCostTable: CostTable = Object.freeze({
  local: 1,
  atomic: 20,
  transfer: 100,
  ipiSend: 60,
  ipiLatency: 600,
  ipiTake: 150,
  contextSwitch: 300,
  critSection: 2,
  spinPause: 10,
  backoffCap: 256,
  tick: 1_000_000,
});

/** Counters kept per cpu and in total. */
export interface Counters {
  steps: number;
  ipisSent: number;
  ipisTaken: number;
  switches: number;
  preemptions: number;
  spinCycles: number;
  transfers: number;
  atomics: number;
  idleCycles: number;
}

export function zeroCounters(): Counters {
  return {
    steps: 0,
    ipisSent: 0,
    ipisTaken: 0,
    switches: 0,
    preemptions: 0,
    spinCycles: 0,
    transfers: 0,
    atomics: 0,
    idleCycles: 0,
  };
}

export function addCounters(into: Counters, from: Readonly<Counters>): void {
  into.steps += from.steps;
  into.ipisSent += from.ipisSent;
  into.ipisTaken += from.ipisTaken;
  into.switches += from.switches;
  into.preemptions += from.preemptions;
  into.spinCycles += from.spinCycles;
  into.transfers += from.transfers;
  into.atomics += from.atomics;
  into.idleCycles += from.idleCycles;
}

/**
 * Cycles a spinner that started waiting at `start` spends before it notices a
 * release at `released`: it re-tests only at the end of its current backoff
 * window (windows of 1, 2, 4, ... up to `backoffCap` pause iterations).
 */
export function backoffRetest(start: number, released: number, cost: CostTable): number {
  let t = start;
  let window = 1;
  while (t < released) {
    t += window * cost.spinPause;
    if (window < cost.backoffCap) window *= 2;
  }
  return t;
}
