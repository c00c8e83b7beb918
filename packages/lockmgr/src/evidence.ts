/**
 * The evidence of a lockmgr panic, read from the trace of the run that
 * raised it (the `lockmgr-state` detector's `explain`): the lock the
 * panicking thread was in lockmgr for, the other holders it met there (where
 * each took the lock), the wakeup that sent it back to re-test (R7: S1's
 * upgrade wins the lock between the wakeup and E's re-test, and E's
 * exclusive grant then finds a non-zero exclusive count), or, with nobody
 * holding it, the last release of the lock (G11: releasing an unheld lock).
 */
import type { Evidence, MachineView, Outcome, TraceEvent } from "@kprim/machine";

const REQUEST = /^lockmgr [A-Z]+ (.+)$/;

export function explainLockmgrPanic(
  panic: Extract<Outcome, { kind: "panic" }>,
  trace: readonly TraceEvent[],
  view: MachineView,
): Evidence[] | undefined {
  if (!panic.message.startsWith("lockmgr")) return undefined;
  const me = view.threads.find((t) => t.name === panic.thread)?.id;
  if (me === undefined) return undefined;
  const events = trace.filter((e) => e.step <= panic.step);
  // The lock of the panicking thread's last lockmgr request.
  let lock: string | undefined;
  for (let i = events.length - 1; i >= 0 && lock === undefined; i--) {
    const e = events[i]!;
    if (e.kind === "op" && e.thread === me) lock = REQUEST.exec(opText(e))?.[1];
  }
  if (lock === undefined) return undefined;
  const evidence: Evidence[] = [{ step: panic.step, thread: me, label: `panic: ${panic.message}`, role: "report" }];
  // Who else holds it at the panic, and since when.
  const held = new Map<number, TraceEvent>();
  let lastRelease: TraceEvent | undefined;
  let woken: TraceEvent | undefined;
  for (const e of events) {
    if (e.step === panic.step && e.thread === me) continue;
    if (e.obj === lock && (e.kind === "lock.acquire" || e.kind === "lock.try-acquire"))
      held.set(e.target ?? e.thread, e);
    else if (e.obj === lock && e.kind === "lock.release") {
      held.delete(e.target ?? e.thread);
      lastRelease = e;
    } else if (e.kind === "sleepq.woken" && e.obj === lock && e.target === me) woken = e;
  }
  held.delete(me);
  for (const [holder, e] of held) {
    const mode = e.detail?.split(":")[2];
    evidence.push({ step: e.step, thread: holder, label: `takes ${lock}${mode ? ` ${mode}` : ""}`, role: "cause" });
  }
  if (woken !== undefined) {
    evidence.push({
      step: woken.step,
      ...(woken.thread >= 0 ? { thread: woken.thread } : {}),
      label: `wakeup(${lock}) wakes ${panic.thread}`,
      role: "cause",
    });
  }
  if (held.size === 0 && woken === undefined && lastRelease !== undefined) {
    const who = lastRelease.target ?? lastRelease.thread;
    evidence.push({
      step: lastRelease.step,
      ...(who >= 0 ? { thread: who } : {}),
      label: `releases ${lock}`,
      role: "cause",
    });
  }
  return evidence;
}

function opText(e: TraceEvent): string {
  return [e.obj, e.detail].filter((x) => x !== undefined && x !== "").join(" ");
}
