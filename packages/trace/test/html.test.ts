/**
 * The HTML timeline without a browser: self-contained, the header, the
 * embedded data, escaping, a script that parses, byte-identical output.
 * The rendered page is checked in chromium by the e2e project.
 */
import { random, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { documentFromRun, type TimelineData, toHtml } from "../src/index.js";
import { busyRun, counterRun, failingCounterRun } from "./fixtures.js";

function embedded(html: string): TimelineData {
  const m = /<script type="application\/json" id="kprim-timeline-data">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error("no data script");
  return JSON.parse(m[1]!) as TimelineData;
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1]!);
}

describe("the HTML timeline", () => {
  const { seed, result } = failingCounterRun();
  const doc = documentFromRun(result, { variant: "TOK", replayCommand: "kprim replay counter --schedule 'kprim1:x'" });
  const html = toHtml(doc);

  it("is one self-contained file: inline style and script, nothing to fetch", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/url\(|@import|fetch\(|XMLHttpRequest|import\(/);
    expect([...html.matchAll(/<link [^>]*>/g)].map((m) => m[0])).toEqual(['<link rel="icon" href="data:,">']);
    expect([...html.matchAll(/https?:\/\/[^\s"']+/g)].map((m) => m[0])).toEqual(["http://www.w3.org/2000/svg"]);
  });

  it("puts the scenario, variant, outcome and replay command in the header", () => {
    expect(html).toContain("<span data-scenario>counter</span>");
    expect(html).toContain("<span data-variant>TOK</span>");
    expect(html).toContain('<span data-outcome data-kind="violation">violation at step');
    expect(html).toContain("<code data-replay>kprim replay counter --schedule &#39;kprim1:x&#39;</code>");
  });

  it("embeds every event, the runs, the links and the racy window as data", () => {
    const data = embedded(html);
    expect(data.ncpus).toBe(2);
    expect(data.events).toEqual(doc.events);
    expect(data.spans.filter((s) => s.kind === "run").map((s) => s.thread)).toEqual([0, 1]);
    const w = doc.window!;
    expect(data.window).toMatchObject({ fromStep: w.fromStep, toStep: w.toStep, reason: w.reason });
    const inside = doc.events.flatMap((e, i) => (e.step >= w.fromStep && e.step <= w.toStep ? [i] : []));
    expect([data.window!.from, data.window!.to]).toEqual([inside[0], inside.at(-1)]);
    expect(data.failure).toMatchObject({ step: w.toStep, index: doc.events.length - 1 });
  });

  it("embeds an explicit failure point of a run that did not fail", () => {
    const r = busyRun(roundRobin());
    const line = r.console[0]!;
    const data = embedded(toHtml(documentFromRun(r, { failurePoint: { step: line.step, text: "console: S: woken" } })));
    const last = r.trace!.reduce((at, e, i) => (e.step <= line.step ? i : at), -1);
    expect(data.failure).toEqual({ step: line.step, index: last, text: "console: S: woken" });
    expect(embedded(toHtml(documentFromRun(r))).failure).toBeNull();
  });

  it("embeds each label with the event it points at: the op, the wakeup, the block, the console line", () => {
    const r = busyRun(roundRobin());
    const line = r.console[0]!;
    const t = r.threads.find((x) => x.name === line.thread)!.id;
    const at = (kind: string): { step: number; thread: number } => {
      const e = r.trace!.find((x) => x.kind === kind)!;
      return { step: e.step, thread: e.thread };
    };
    const labels = [
      { ...at("wake"), label: "wakes", role: "missed" },
      { ...at("block"), label: "stops", role: "stuck" },
      { step: line.step, thread: t, label: "prints", role: "report" },
      { ...at("op"), label: "looks", role: "observe" },
    ] as const;
    const data = embedded(toHtml({ ...documentFromRun(r), labels }));
    expect(data.labels.map((l) => [l.label, l.role, data.events[l.index]!.kind, data.events[l.index]!.step])).toEqual([
      ["wakes", "missed", "wake", labels[0].step],
      ["stops", "stuck", "block", labels[1].step],
      ["prints", "report", "printf", line.step],
      ["looks", "observe", "op", labels[3].step],
    ]);
  });

  it("lists what ran in the header when the document says it, instead of a variant", () => {
    const withSettings = toHtml({
      ...doc,
      settings: [
        { name: "interlock", value: "spin-naive" },
        { name: "param sleepers", value: "2" },
        { name: "signal", value: "violation:lost-wakeup" },
      ],
    });
    expect(withSettings).toContain('<dt>interlock</dt><dd data-setting="interlock">spin-naive</dd>');
    expect(withSettings).toContain('<dt>param sleepers</dt><dd data-setting="param sleepers">2</dd>');
    expect(withSettings).toContain('<dt>signal</dt><dd data-setting="signal">violation:lost-wakeup</dd>');
    expect(withSettings).not.toContain("data-variant");
  });

  it("embeds IPI and wakeup links for the drawing", () => {
    const data = embedded(toHtml(documentFromRun(busyRun(roundRobin()))));
    expect(data.links.map((l) => [l.kind, data.events[l.from]!.kind, data.events[l.to]!.kind])).toEqual([
      ["ipi", "ipi-send", "ipi-take"],
      ["wake", "wake", "switch"],
    ]);
  });

  it("escapes run-supplied text in markup and data", () => {
    const evil = toHtml({ ...doc, scenario: "<script>alert(1)</script>", replayCommand: "a & b </script>" });
    expect(evil).toContain("<span data-scenario>&#60;script&#62;alert(1)&#60;/script&#62;</span>");
    expect(evil).toContain("<code data-replay>a &#38; b &#60;/script&#62;</code>");
    expect(evil.match(/<\/script>/g)).toHaveLength(2);
    expect(embedded(evil).events).toEqual(doc.events);
  });

  it("has a script that parses", () => {
    const scripts = inlineScripts(html);
    expect(scripts).toHaveLength(1);
    expect(() => new Function(scripts[0]!)).not.toThrow();
  });

  it("is byte-identical for the same run", () => {
    const again = documentFromRun(counterRun(random({ seed })), {
      variant: "TOK",
      replayCommand: "kprim replay counter --schedule 'kprim1:x'",
    });
    expect(toHtml(again)).toBe(html);
  });
});
