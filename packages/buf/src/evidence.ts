/**
 * The evidence of getnewbuf's races, read from the trace of a run after it
 * ended (the `getnewbuf-result` detector's `explain`), for what the buffer
 * cache shows of them: its two rev 1.52 console warnings, the FreeBSD 4
 * panic, and a `dirty-reuse` report (the race with the checks removed).
 *
 * Each starts from getnewbuf's observation (spec §6.7): the scan step that
 * picked the buffer off a free queue. Then:
 * - the lock was busy (W1: "locked buf", the FreeBSD 4 panic): the other
 *   thread's acquisition of the buffer's lock it still held, and
 *   getnewbuf's BUF_LOCK(NOWAIT) that found it locked;
 * - the buffer moved while BUF_LOCK blocked (W2: "BUF_LOCK blocked
 *   unexpectedly", dirty reuse): where getnewbuf's thread blocked, and
 *   what other threads did to the buffer meanwhile (bremfree, bdwrite, ...);
 * and last where it shows: the warning, the panic, the reuse.
 */
import type { ConsoleLine, Evidence, Explainable, MachineView, TraceEvent } from "@kprim/machine";

export function explainGetnewbuf(
  what: Explainable,
  trace: readonly TraceEvent[],
  view: MachineView,
): Evidence[] | undefined {
  switch (what.kind) {
    case "console":
      return fromConsole(what.line, trace, view);
    case "panic": {
      const o = what.outcome;
      if (o.message !== "getnewbuf: locked buf") return undefined;
      const me = view.threads.find((t) => t.name === o.thread)?.id;
      if (me === undefined) return undefined;
      const shown = { step: o.step, thread: me, label: `panic: ${o.message}`, role: "report" } as const;
      return race(trace, me, o.step, (e) => e.kind === "buf.observe" && e.detail === "busy", shown);
    }
    case "violation": {
      if (what.report.detector !== "dirty-reuse") return undefined;
      const reuse = trace.find((e) => e.step === what.step && e.kind === "buf.reuse");
      if (reuse === undefined || reuse.thread < 0) return undefined;
      const shown = {
        step: what.step,
        thread: reuse.thread,
        label: `reuses ${reuse.obj ?? "?"}, a delayed-write buffer`,
        role: "report",
      } as const;
      return race(trace, reuse.thread, what.step, (e) => e.kind === "buf.observe" && e.obj === reuse.obj, shown);
    }
    default:
      return undefined;
  }
}

function fromConsole(line: ConsoleLine, trace: readonly TraceEvent[], view: MachineView): Evidence[] | undefined {
  if (!line.text.startsWith("getnewbuf: warning")) return undefined;
  const me = view.threads.find((t) => t.name === line.thread)?.id;
  if (me === undefined) return undefined;
  const shown = { step: line.step, thread: me, label: `console: "${line.text}"`, role: "report" } as const;
  return race(trace, me, line.step, (e) => e.kind === "buf.observe" && e.detail !== "free same", shown);
}

/**
 * The race behind what thread `me` showed at step `at`: `observed` picks
 * getnewbuf's observation event (at or before `at`) that names the buffer.
 */
function race(
  trace: readonly TraceEvent[],
  me: number,
  at: number,
  observed: (e: TraceEvent) => boolean,
  shown: Evidence,
): Evidence[] | undefined {
  const events = trace.filter((e) => e.step <= at);
  const observe = lastOf(events, (e) => e.thread === me && observed(e));
  if (observe?.obj === undefined) return undefined;
  const bp = observe.obj;
  const lock = `b_lock ${bp}`;
  const mine = (e: TraceEvent): boolean => e.thread === me && e.kind === "op";
  const attempt = lastOf(events, (e) => mine(e) && opText(e) === `lockmgr EXCLUSIVE ${lock}`);
  const scan = lastOf(events, (e) => mine(e) && opText(e) === "getnewbuf: scan" && e.step <= (attempt?.step ?? at));
  if (scan === undefined) return undefined;
  const evidence: Evidence[] = [
    { step: scan.step, thread: me, label: `getnewbuf picks ${bp} off a free queue`, role: "observe" },
  ];
  if (observe.detail === "busy") {
    if (attempt !== undefined) {
      const holder = heldAt(events, lock, me, attempt.step);
      if (holder !== undefined) {
        evidence.push({
          step: holder.step,
          thread: holder.target ?? holder.thread,
          label: `locks ${bp}`,
          role: "cause",
        });
      }
      evidence.push({ step: attempt.step, thread: me, label: `BUF_LOCK(NOWAIT) finds ${bp} locked`, role: "report" });
    }
  } else {
    const after = events.filter((e) => e.step > scan.step);
    const block = after.find((e) => e.thread === me && e.kind === "block");
    if (block !== undefined) {
      evidence.push({ step: block.step, thread: me, label: `BUF_LOCK blocks (${block.detail ?? "?"})`, role: "cause" });
    }
    for (const e of after) {
      if (e.kind !== "op" || e.thread === me || e.thread < 0) continue;
      const text = opText(e);
      if (text.endsWith(` ${bp}`) && !text.includes("b_lock")) {
        evidence.push({ step: e.step, thread: e.thread, label: text, role: "cause" });
      }
    }
  }
  evidence.push(shown);
  return evidence;
}

function lastOf(events: readonly TraceEvent[], pred: (e: TraceEvent) => boolean): TraceEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (pred(events[i]!)) return events[i];
  return undefined;
}

/** The acquisition of `lock` by a thread other than `me` still held at step `at`. */
function heldAt(events: readonly TraceEvent[], lock: string, me: number, at: number): TraceEvent | undefined {
  const open = new Map<number, TraceEvent>();
  for (const e of events) {
    if (e.step >= at || e.obj !== lock) continue;
    const holder = e.target ?? e.thread;
    if (e.kind === "lock.acquire" || e.kind === "lock.try-acquire") open.set(holder, e);
    else if (e.kind === "lock.release") open.delete(holder);
  }
  open.delete(me);
  let last: TraceEvent | undefined;
  for (const e of open.values()) if (last === undefined || e.seq > last.seq) last = e;
  return last;
}

function opText(e: TraceEvent): string {
  return [e.obj, e.detail].filter((x) => x !== undefined && x !== "").join(" ");
}
