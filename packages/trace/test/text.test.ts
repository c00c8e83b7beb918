/**
 * The text export: its header, one formatEvent line per event with the
 * window and failure gutter, the closing outcome, and byte-identical output.
 */
import { formatEvent, random, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { documentFromRun, toText } from "../src/index.js";
import { busyRun, counterRun, failingCounterRun } from "./fixtures.js";

describe("the text export", () => {
  const { seed, result } = failingCounterRun();
  const doc = documentFromRun(result, { replayCommand: "kprim replay counter --schedule S" });
  const lines = toText(doc).trimEnd().split("\n");
  const w = doc.window!;
  const fail = w.toStep;

  it("has a header naming the scenario, variant, replay command, threads and racy window", () => {
    expect(lines.slice(0, 4)).toEqual([
      "# kprim trace: counter (variant none)",
      "# replay: kprim replay counter --schedule S",
      "# 2 cpus; threads: T0 on cpu0 (kernel, pri 12), T1 on cpu1 (kernel, pri 12)",
      `# racy window: steps ${w.fromStep}..${w.toStep} (${w.reason})`,
    ]);
  });

  it("writes one console-log line per event, with step, cycle, cpu and thread columns", () => {
    const body = lines.slice(4, -1);
    expect(body).toHaveLength(doc.events.length);
    const name = (id: number): string => (id < 0 ? "-" : doc.threads[id]!.name);
    body.forEach((line, i) => expect(line.slice(2)).toBe(formatEvent(doc.events[i]!, name)));
    expect(body[0]).toMatch(/^ {2}# {4}0 cyc {8}0 cpu0 T0 +switch$/);
  });

  it("marks the racy window with > and the failure step with !", () => {
    const body = lines.slice(4, -1);
    doc.events.forEach((e, i) => {
      const mark = e.step === fail ? "!" : e.step >= w.fromStep && e.step <= w.toStep ? ">" : " ";
      expect(body[i]![0], `event ${e.seq} at step ${e.step}`).toBe(mark);
    });
    expect(body.some((l) => l.startsWith(">"))).toBe(true);
    expect(body.some((l) => l.startsWith("!"))).toBe(true);
  });

  it("ends with the outcome", () => {
    expect(lines.at(-1)).toMatch(/^# outcome: violation at step \d+: \[lost-update\] counter is \d+ after \d+ stores$/);
  });

  it("names an explicit failure point in the header and marks its step with !", () => {
    const r = busyRun(roundRobin());
    const line = r.console[0]!;
    const text = toText(documentFromRun(r, { failurePoint: { step: line.step, text: `console: ${line.text}` } }));
    const out = text.trimEnd().split("\n");
    expect(out).toContain(`# failure point: step ${line.step} (console: S: woken)`);
    const marked = out.filter((l) => l.startsWith("!"));
    expect(marked.length).toBeGreaterThan(0);
    for (const l of marked) expect(l).toMatch(new RegExp(`^! # +${line.step} cyc`));
    expect(out.at(-1)).toBe("# outcome: ok");
  });

  it("lists what ran in the header and writes each label after the line of its event", () => {
    const r = busyRun(roundRobin());
    const block = r.trace!.findIndex((e) => e.kind === "block");
    const e = r.trace![block]!;
    const d = {
      ...documentFromRun(r),
      settings: [
        { name: "interlock", value: "spin-naive" },
        { name: "signal", value: "failure" },
      ],
      labels: [{ step: e.step, thread: e.thread, label: "stops here", role: "stuck" as const }],
    };
    const out = toText(d).trimEnd().split("\n");
    expect(out).toContain("# interlock: spin-naive");
    expect(out).toContain("# signal: failure");
    expect(out[0]).toBe("# kprim trace: busy");
    const name = r.threads.find((t) => t.id === e.thread)!.name;
    const labelled = out.filter((l) => l.includes("<-"));
    expect(labelled).toEqual([expect.stringMatching(new RegExp(`block .* <- ${name} stops here \\[stuck\\]$`))]);
  });

  it("is byte-identical for the same run", () => {
    const again = documentFromRun(counterRun(random({ seed })), { replayCommand: "kprim replay counter --schedule S" });
    expect(toText(again)).toBe(toText(doc));
  });
});
