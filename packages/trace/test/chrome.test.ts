/**
 * The Chrome trace export, checked with chromeFormat.ts (the format's
 * required fields, flow and async pairing, nesting as Perfetto imports it)
 * and against the runs it draws: tracks, runs, nested sections, flows and
 * what they bind to, lock holds, instants, the timebase, determinism.
 */
import { random, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  type ChromeCompleteEvent,
  type ChromeFlowEvent,
  type ChromeInstantEvent,
  type ChromeTraceEvent,
  cpuTrack,
  documentFromRun,
  toChromeTrace,
  toChromeTraceJson,
} from "../src/index.js";
import { checkChromeTrace, nanos } from "./chromeFormat.js";
import { busyRun, counterRun, failingCounterRun, panicRun } from "./fixtures.js";

const instants = (evs: readonly ChromeTraceEvent[]): ChromeInstantEvent[] =>
  evs.filter((e): e is ChromeInstantEvent => e.ph === "i");

const slices = (evs: readonly ChromeTraceEvent[], cat?: string): ChromeCompleteEvent[] =>
  evs.filter((e): e is ChromeCompleteEvent => e.ph === "X" && (cat === undefined || e.cat === cat));

/** The innermost slice of a track that contains `ts` (the one a flow event binds to). */
function innermost(evs: readonly ChromeTraceEvent[], tid: number, ts: number): ChromeCompleteEvent | undefined {
  const at = nanos(ts);
  return slices(evs)
    .filter((s) => s.tid === tid && nanos(s.ts) <= at && at < nanos(s.ts) + nanos(s.dur))
    .sort((a, b) => nanos(b.ts) - nanos(a.ts) || a.dur - b.dur)[0];
}

describe("the Chrome trace export", () => {
  const busy = toChromeTrace(documentFromRun(busyRun(roundRobin())));
  const evs = busy.traceEvents;

  it("validates against the trace event format, every flow start having its end", () => {
    expect(checkChromeTrace(busy)).toEqual([]);
    expect(evs.filter((e) => e.ph === "s")).toHaveLength(2);
    expect(evs.filter((e) => e.ph === "f")).toHaveLength(2);
  });

  it("stays valid over many schedules of both test machines", () => {
    for (let seed = 1; seed <= 40; seed++) {
      for (const run of [busyRun(random({ seed })), counterRun(random({ seed }), 3)]) {
        expect(checkChromeTrace(toChromeTrace(documentFromRun(run))), `seed ${seed}`).toEqual([]);
      }
    }
  });

  it("names one process for the machine and one track per cpu", () => {
    const meta = evs.filter((e) => e.ph === "M");
    expect(meta).toContainEqual({ name: "process_name", ph: "M", ts: 0, pid: 1, tid: 0, args: { name: "kprim busy" } });
    for (const cpu of [0, 1]) {
      expect(meta).toContainEqual({
        name: "thread_name",
        ph: "M",
        ts: 0,
        pid: 1,
        tid: cpuTrack(cpu),
        args: { name: `cpu${cpu}` },
      });
    }
    expect(new Set(evs.filter((e) => e.ph !== "M").map((e) => e.tid))).toEqual(new Set([1, 2]));
  });

  it("draws thread runs as slices on their cpu's track, each with how it ended", () => {
    const runs = (tid: number) =>
      slices(evs, "run")
        .filter((s) => s.tid === tid)
        .map((s) => `${s.name}: ${String(s.args["ended"])}`);
    expect(runs(cpuTrack(0))).toEqual(["T: exited"]);
    expect(runs(cpuTrack(1))).toEqual([
      "S: blocked: go",
      "W: preempted by intr",
      "intr: exited",
      "W: exited",
      "S: exited",
    ]);
  });

  it("nests critical sections and spin-waits inside the run of their thread", () => {
    const run = slices(evs, "run").find((s) => s.name === "T")!;
    const inner = [...slices(evs, "crit"), ...slices(evs, "spin")];
    expect(inner.map((s) => s.name)).toEqual(["critical section", "spin flag"]);
    for (const s of inner) {
      expect(s.tid).toBe(run.tid);
      expect(nanos(s.ts)).toBeGreaterThanOrEqual(nanos(run.ts));
      expect(nanos(s.ts) + nanos(s.dur)).toBeLessThanOrEqual(nanos(run.ts) + nanos(run.dur));
    }
  });

  it("joins an IPI's send to its take, and a wakeup to the switch that ran the woken thread", () => {
    const flows = evs.filter((e): e is ChromeFlowEvent => e.ph === "s" || e.ph === "f");
    const ipi = flows.filter((f) => f.cat === "ipi");
    expect(ipi.map((f) => [f.ph, f.tid])).toEqual([
      ["s", cpuTrack(0)],
      ["f", cpuTrack(1)],
    ]);
    expect(innermost(evs, ipi[0]!.tid, ipi[0]!.ts)?.name).toBe("IPI to cpu1: lwkt_schedule(S)");
    expect(innermost(evs, ipi[1]!.tid, ipi[1]!.ts)?.name).toBe("IPI from cpu0: lwkt_schedule(S)");
    const wake = flows.filter((f) => f.cat === "wake");
    expect(wake.map((f) => f.ph)).toEqual(["s", "f"]);
    expect(innermost(evs, wake[0]!.tid, wake[0]!.ts)?.name).toBe("wakeup S");
    const arrival = innermost(evs, wake[1]!.tid, wake[1]!.ts)!;
    expect([arrival.cat, arrival.name, arrival.ts]).toEqual(["run", "S", wake[1]!.ts]);
    expect(wake[1]!.bp).toBe("e");
  });

  it("draws lock holds, the MP lock's included, as async slices", () => {
    const holds = evs.filter((e) => e.ph === "b" || e.ph === "e").map((e) => [e.ph, e.name, "args" in e ? e.args : {}]);
    expect(holds).toEqual([
      ["b", "L", { holder: "T", fromStep: 1, mode: "exclusive" }],
      ["e", "L", { toStep: 11 }],
      ["b", "mplock", { holder: "cpu0", fromStep: 12 }],
      ["e", "mplock", { toStep: 14 }],
    ]);
  });

  it("shows console lines as instants on their cpu's track", () => {
    const line = evs.find((e) => e.ph === "i" && e.cat === "console");
    expect(line).toMatchObject({ name: "S: woken", s: "t", tid: cpuTrack(1), args: { thread: "S", step: 9 } });
  });

  it("marks a violation and the failure point with global instants at the failing step", () => {
    const { result } = failingCounterRun();
    const trace = toChromeTrace(documentFromRun(result));
    const global = instants(trace.traceEvents).filter((e) => e.s === "g");
    const step = result.outcome.kind === "violation" ? result.outcome.step : -1;
    expect(global.map((e) => [e.name.split(":")[0], e.args["step"]])).toEqual([
      ["violation [lost-update]", step],
      ["failure point", step],
    ]);
    const atStep = result.trace!.filter((e) => e.step === step && e.kind !== "violation");
    const onTracks = instants(trace.traceEvents).filter((e) => e.s === "t" && e.args["step"] === step);
    for (const g of global) {
      expect(Math.floor(g.ts)).toBe(Math.max(...atStep.map((e) => e.cycle)));
      for (const e of onTracks) expect(g.ts).toBeGreaterThanOrEqual(e.ts);
    }
  });

  it("marks an explicit failure point of a run that did not fail", () => {
    const r = busyRun(roundRobin());
    const line = r.console[0]!;
    const trace = toChromeTrace(documentFromRun(r, { failurePoint: { step: line.step, text: "console: S: woken" } }));
    const global = instants(trace.traceEvents).filter((e) => e.s === "g");
    expect(global.map((e) => [e.name, e.args["step"], e.args["outcome"]])).toEqual([
      ["failure point: console: S: woken", line.step, "ok"],
    ]);
    expect(trace.otherData["failurePoint"]).toBe(`step ${line.step}: console: S: woken`);
    expect(instants(toChromeTrace(documentFromRun(r)).traceEvents).filter((e) => e.s === "g")).toEqual([]);
  });

  it("shows each label as an instant on the track of its event, and what ran and the window as data", () => {
    const r = busyRun(roundRobin());
    const e = r.trace!.find((x) => x.kind === "block")!;
    const d = {
      ...documentFromRun(r),
      settings: [{ name: "interlock", value: "spin-naive" }],
      labels: [{ step: e.step, thread: e.thread, label: "stops here", role: "stuck" as const }],
      window: { fromStep: e.step, toStep: e.step, reason: "step 3: S stops here" },
    };
    const trace = toChromeTrace(d);
    const name = r.threads.find((t) => t.id === e.thread)!.name;
    expect(instants(trace.traceEvents).filter((x) => x.cat === "label")).toEqual([
      {
        name: `${name} stops here`,
        cat: "label",
        ph: "i",
        ts: expect.any(Number),
        pid: 1,
        tid: cpuTrack(e.cpu),
        s: "t",
        args: { step: e.step, role: "stuck", thread: name },
      },
    ]);
    expect(trace.otherData["interlock"]).toBe("spin-naive");
    expect(trace.otherData["racyWindow"]).toBe(`steps ${e.step}..${e.step}: step 3: S stops here`);
    expect(checkChromeTrace(trace)).toEqual([]);
  });

  it("shows a panic on the track of the cpu that panicked", () => {
    const r = panicRun({ trace: true, cpu: 1, message: "lockmgr: locking against myself" });
    const evs2 = toChromeTrace(documentFromRun(r)).traceEvents;
    expect(instants(evs2).find((e) => e.cat === "failure" && e.s === "t")).toMatchObject({
      name: "panic: lockmgr: locking against myself",
      tid: cpuTrack(1),
    });
    expect(evs2.find((e) => e.name.startsWith("failure point"))?.name).toBe(
      "failure point: panic at step 1 in A: lockmgr: locking against myself",
    );
  });

  it("uses simulated cycles as microseconds, spreading events that share a cycle 1 ns apart", () => {
    const doc = documentFromRun(busyRun(roundRobin()));
    const trace = toChromeTrace(doc);
    const ops = instants(trace.traceEvents).filter((e) => e.cat === "op");
    expect(ops.length).toBeGreaterThan(5);
    for (const op of ops) {
      const seq = op.args["seq"] as number;
      const cycle = doc.events.find((e) => e.seq === seq)!.cycle;
      expect(Math.floor(op.ts)).toBe(cycle);
      expect(nanos(op.ts) - cycle * 1000).toBeLessThan(10);
    }
    const perTrack = new Map<number, number[]>();
    for (const e of trace.traceEvents)
      if (e.ph === "i" && e.s === "t") perTrack.set(e.tid, [...(perTrack.get(e.tid) ?? []), nanos(e.ts)]);
    for (const times of perTrack.values()) expect(new Set(times).size).toBe(times.length);
  });

  it("writes JSON that parses back to the same trace, byte-identical for the same run", () => {
    const { seed, result } = failingCounterRun();
    const json = toChromeTraceJson(documentFromRun(result));
    expect(JSON.parse(json)).toEqual(toChromeTrace(documentFromRun(result)));
    expect(toChromeTraceJson(documentFromRun(counterRun(random({ seed }))))).toBe(json);
  });
});
