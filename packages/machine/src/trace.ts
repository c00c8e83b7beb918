/**
 * Trace events. Every step emits zero or more events; detectors observe them
 * and the trace exporters render them. Layers add their own kinds by
 * augmenting `TraceEventKinds`:
 *
 *     declare module "@kprim/machine" {
 *       interface TraceEventKinds { "sleepq.interlock": true }
 *     }
 */

/** The registry of event kinds (keys); layers augment it. */
export interface TraceEventKinds {
  /** A thread step performed an op (`obj` = cell or label). */
  op: true;
  "crit-enter": true;
  "crit-exit": true;
  /** An IPI was queued (`target` = cpu, `flow` = message id). */
  "ipi-send": true;
  /** An IPI handler ran on its target (`flow` = message id). */
  "ipi-take": true;
  /** An explicit IPI-processing point. */
  "ipi-point": true;
  /** A thread left its cpu at a blocking point (`detail` = why). */
  block: true;
  /** A thread became runnable (`target` = woken thread id, `flow` = wake id). */
  wake: true;
  /** The cpu switched to a thread (`target` = incoming thread id, `flow` = wake id if woken). */
  switch: true;
  /** The cpu went idle. */
  idle: true;
  /** An interrupt thread's interrupt arrived. */
  interrupt: true;
  /** An interrupt thread preempted the current thread (`target` = preempted id). */
  preempt: true;
  /** A preempted thread got its cpu back. */
  resume: true;
  /** A spinner found its condition false and started waiting. */
  "spin-wait": true;
  /** A spinner's condition became true and it took its step. */
  "spin-done": true;
  /** A sleep timed out (`target` = thread). */
  timeout: true;
  "mp-acquire": true;
  "mp-release": true;
  "mp-contended": true;
  "thread-start": true;
  "thread-exit": true;
  /** A kernel console line (`detail` = text). */
  printf: true;
  panic: true;
  violation: true;
  /**
   * The lock-event contract every lock layer emits, the lock-order graph and
   * the exporters read: a lock was taken. `obj` = the lock's name (an
   * instance, stable for the run); `detail` = "<kind>:<class>[:<mode>]"
   * (kind "spin", "token", "lockmgr", ...; class groups instances, e.g. every
   * buffer lock is "b_lock"; mode "exclusive", "shared", ...); `target` = the
   * holder's thread id when it is not the emitting thread.
   */
  "lock.acquire": true;
  /** A try-lock that succeeded (it adds no lock-order edge into the lock: it cannot wait). Same fields. */
  "lock.try-acquire": true;
  /** A lock was dropped: `obj` = its name, `detail` = "<kind>:<class>", `target` = the holder when not the emitter. */
  "lock.release": true;
  /** The run gave up after a restart limit (an exploration counts it apart; it does not clear "exhausted"). */
  "restart-limit": true;
}

export type TraceEventKind = keyof TraceEventKinds;

export interface TraceEvent {
  /** Sequence number within the run. */
  readonly seq: number;
  /** Step during which the event happened (0 = machine start). */
  readonly step: number;
  /** The cpu's clock when it happened. */
  readonly cycle: number;
  readonly cpu: number;
  /** Thread id, or -1 (idle cpu, IPI with no current thread). */
  readonly thread: number;
  readonly kind: TraceEventKind;
  /** The object concerned (a cell, lock, ident ...), by name. */
  readonly obj?: string | undefined;
  readonly detail?: string | undefined;
  /** Another thread id or cpu index involved. */
  readonly target?: number | undefined;
  /** Connects a send to its take, a wakeup to its switch-in. */
  readonly flow?: number | undefined;
}

export interface ConsoleLine {
  readonly step: number;
  readonly cpu: number;
  readonly thread: string;
  readonly text: string;
}

/** One line per event, like a kernel console log with cpu, thread and cycle columns. */
export function formatEvent(e: TraceEvent, threadName: (id: number) => string): string {
  const who = e.thread < 0 ? "-" : threadName(e.thread);
  const parts = [
    `#${String(e.step).padStart(5)}`,
    `cyc ${String(e.cycle).padStart(8)}`,
    `cpu${e.cpu}`,
    who.padEnd(10),
    e.kind.padEnd(12),
  ];
  if (e.obj !== undefined) parts.push(e.obj);
  if (e.detail !== undefined) parts.push(e.detail);
  return parts.join(" ").trimEnd();
}

/**
 * Typed events: what the machine and the lock layers did, decoded from a
 * step's trace events for detectors that would otherwise parse strings. They
 * are built only when a detector asks (`kernelEvents(step.events)`, or a
 * layer's reader such as @kprim/sleepq's `sleepEvents()`): the machine's hot
 * path emits the same trace events as before and nothing more.
 *
 * - `ipi.send` / `ipi.receive`: an IPI queued on `from` for `to`, and its
 *   handler run on `to`; `purpose` is the sender's label (`_wakeup(X)`, a
 *   token request, …); `id` pairs a send with its receive.
 * - `lock.grant` / `lock.release`: the lock-event contract, typed — the
 *   lock, its kind (`spin`, `token`, `lockmgr`, a plugin's), its class, the
 *   mode (`exclusive`, `shared`, `drain`, …; undefined for locks without
 *   modes), whether it was a try-lock, and the holder's thread id.
 * - `timeout`: a sleeper's timeout fired (`sleeper` = its thread id).
 * - `wake`: a thread was made runnable (`woken` = its id).
 */
export type KernelEvent =
  | {
      readonly kind: "ipi.send";
      readonly step: number;
      readonly from: number;
      readonly to: number;
      /** The sending thread, or -1 (an IPI handler forwarding it). */
      readonly thread: number;
      readonly purpose: string;
      readonly id: number;
    }
  | {
      readonly kind: "ipi.receive";
      readonly step: number;
      readonly from: number;
      readonly to: number;
      readonly purpose: string;
      readonly id: number;
    }
  | {
      readonly kind: "lock.grant" | "lock.release";
      readonly step: number;
      readonly thread: number;
      readonly lock: string;
      readonly lockKind: string;
      readonly lockClass: string;
      readonly mode: string | undefined;
      readonly try: boolean;
    }
  | { readonly kind: "timeout"; readonly step: number; readonly sleeper: number; readonly label: string }
  | { readonly kind: "wake"; readonly step: number; readonly thread: number; readonly woken: number };

/** The typed event of one trace event of the machine's or the lock contract's kinds (undefined: none). */
export function kernelEvent(e: TraceEvent): KernelEvent | undefined {
  switch (e.kind) {
    case "ipi-send":
      return {
        kind: "ipi.send",
        step: e.step,
        from: e.cpu,
        to: e.target ?? -1,
        thread: e.thread,
        purpose: e.obj ?? "",
        id: e.flow ?? -1,
      };
    case "ipi-take":
      return {
        kind: "ipi.receive",
        step: e.step,
        from: e.target ?? -1,
        to: e.cpu,
        purpose: e.obj ?? "",
        id: e.flow ?? -1,
      };
    case "lock.acquire":
    case "lock.try-acquire":
    case "lock.release": {
      const [lockKind = "", lockClass = "", mode] = (e.detail ?? "").split(":");
      return {
        kind: e.kind === "lock.release" ? "lock.release" : "lock.grant",
        step: e.step,
        thread: e.target ?? e.thread,
        lock: e.obj ?? "",
        lockKind,
        lockClass,
        mode,
        try: e.kind === "lock.try-acquire",
      };
    }
    case "timeout":
      return { kind: "timeout", step: e.step, sleeper: e.target ?? -1, label: e.obj ?? "" };
    case "wake":
      return { kind: "wake", step: e.step, thread: e.thread, woken: e.target ?? -1 };
    default:
      return undefined;
  }
}

/** The typed events of a step's trace events, in order. */
export function kernelEvents(events: readonly TraceEvent[]): KernelEvent[] {
  const out: KernelEvent[] = [];
  for (const e of events) {
    const k = kernelEvent(e);
    if (k !== undefined) out.push(k);
  }
  return out;
}
