/**
 * The stepping API a person (the CLI's `run --interactive`, a browser
 * playground) drives a run with: the enabled choices, each with the op it
 * would do, take one, go back one, the schedule so far — and, once the run
 * ends, its result and the schedule that replays it.
 */
import { createMachine, type Gen, type KernelContext, op, parseSchedule } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { type MachineFactory, replaySchedule, Stepper } from "../src/index.js";

function* bump(k: KernelContext, c: Parameters<typeof op.load>[0]): Gen<void> {
  const v = (yield op.load(c)) as number;
  yield op.store(c, v + 1);
  k.printf(`stored ${v + 1}`);
}

/** Two cpus each load and store a counter; a detector reports a lost update at quiescence. */
const counter: MachineFactory = (req) => {
  const m = createMachine({
    cpus: 2,
    strategy: req.strategy,
    header: { scenario: "counter", variant: "", options: {}, params: {} },
    ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
    ...(req.detectors ? { detectors: req.detectors } : {}),
    ...(req.trace !== undefined ? { trace: req.trace } : {}),
  });
  const c = m.cell("counter", 0);
  for (const cpu of [0, 1]) m.spawn({ cpu, name: `T${cpu}`, body: (k) => bump(k, c) });
  m.addDetector({
    name: "lost-update",
    atQuiescence: (v) => (v.peek(c) === 2 ? undefined : { message: `counter is ${v.peek(c)}` }),
  });
  return m;
};

describe("Stepper", () => {
  it("lists the enabled choices with the op each would do", () => {
    const s = new Stepper(counter);
    const st = s.state;
    expect(st.step).toBe(0);
    expect(st.result).toBeNull();
    expect(st.options.map((o) => [o.token, o.cpu, o.text])).toEqual([
      ["0s", 0, "cpu0: step T0 (load counter)"],
      ["1s", 1, "cpu1: step T1 (load counter)"],
    ]);
    expect(st.schedule).toBe("kprim3:counter:::::");
  });

  it("takes a choice, shows what the step did, and keeps the schedule so far", () => {
    const s = new Stepper(counter);
    s.take(1);
    const st = s.state;
    expect(st.step).toBe(1);
    expect(st.schedule).toBe("kprim3:counter:::::1s");
    expect(st.last.map((e) => `${st.threads.find((t) => t.id === e.thread)?.name} ${e.kind} ${e.obj ?? ""}`)).toContain(
      "T1 op counter",
    );
    expect(st.options.map((o) => o.text)).toEqual(["cpu0: step T0 (load counter)", "cpu1: step T1 (store counter)"]);
  });

  it("shows the machine as it stands at the step, read-only, and at the end", () => {
    let cell: Parameters<typeof op.load>[0] | undefined;
    const watched: MachineFactory = (req) => {
      const m = counter(req);
      cell = m.threads.length > 0 ? m.cell("probe", 7) : undefined;
      return m;
    };
    const s = new Stepper(watched);
    s.take(1); // T1 loads
    s.take(1); // T1 stores 1, prints and ends
    const st = s.state;
    expect(st.view.step).toBe(2);
    expect(st.view.cpus.map((c) => c.current?.name ?? null)).toEqual(["T0", null]);
    expect(st.view.threads.map((t) => t.state)).toEqual(["running", "done"]);
    expect(st.view.console.map((l) => l.text)).toEqual(["stored 1"]);
    expect(st.view.peek(cell!)).toBe(7);
    while (s.state.result === null) s.take(0);
    const end = s.state;
    expect(end.view.step).toBe(end.result!.steps);
    expect(end.view.threads.map((t) => t.state)).toEqual(["done", "done"]);
    expect(end.view.console.map((l) => l.text)).toEqual(["stored 1", "stored 2"]);
  });

  it("goes back one step", () => {
    const s = new Stepper(counter);
    s.take(0);
    s.take(0);
    s.back();
    expect(s.state.step).toBe(1);
    expect(s.state.schedule).toBe("kprim3:counter:::::0s");
    s.back();
    s.back();
    expect(s.state.step).toBe(0);
  });

  it("ends with the run's result, and its schedule replays it", () => {
    const s = new Stepper(counter);
    // Both loads first: the second store loses the first's update.
    for (const i of [0, 1, 0]) s.take(i);
    while (s.state.result === null) s.take(0);
    const st = s.state;
    expect(st.options).toEqual([]);
    expect(st.result!.outcome).toMatchObject({ kind: "violation", detector: "lost-update" });
    expect(st.result!.trace).not.toBeNull();
    const again = replaySchedule(counter, parseSchedule(st.schedule));
    expect(again.outcome).toEqual(st.result!.outcome);
    expect(again.console).toEqual(st.result!.console);
  });

  it("starts from a schedule prefix, and refuses a choice that is not offered", () => {
    const s = new Stepper(counter, { prefix: parseSchedule("kprim1:counter::::0s.1s").choices });
    expect(s.state.step).toBe(2);
    expect(() => s.take(2)).toThrow(/choice 3 is not offered: 2 choices at step 3/);
    expect(() => new Stepper(counter, { prefix: parseSchedule("kprim1:counter::::2s").choices }).state).toThrow(
      /replay diverged at step 1/,
    );
  });

  it("ends at the step limit", () => {
    const s = new Stepper(counter, { maxSteps: 2 });
    s.take(0);
    s.take(0);
    expect(s.state.result?.outcome).toEqual({ kind: "step-limit", step: 2 });
  });
});
