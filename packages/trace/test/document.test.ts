/**
 * The trace document: what documentFromRun takes from a run and its meta
 * (header defaults, the racy window: default, explicit or none), and what
 * checkDocument refuses.
 */
import { expectOutcome, random, roundRobin } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { checkDocument, documentFromRun, racyWindow, type TraceDocument, TraceError } from "../src/index.js";
import { busyRun, counterRun, failingCounterRun, panicRun } from "./fixtures.js";

describe("documentFromRun", () => {
  it("refuses a run that kept no trace", () => {
    expect(() => documentFromRun(panicRun({ trace: false }))).toThrow(/trace: true/);
  });

  it("takes scenario and variant from the schedule header unless given", () => {
    const r = counterRun(roundRobin());
    const d = documentFromRun(r);
    expect(d).toMatchObject({ scenario: "counter", variant: "none", ncpus: 2, steps: r.steps });
    expect(d.events).toBe(r.trace);
    expect(d.threads.map((t) => t.name)).toEqual(["T0", "T1"]);
    const named = documentFromRun(r, { scenario: "other", variant: "TOK", replayCommand: "kprim replay x" });
    expect(named).toMatchObject({ scenario: "other", variant: "TOK", replayCommand: "kprim replay x" });
    expect(documentFromRun(busyRun(roundRobin())).variant).toBeUndefined();
  });

  it("uses the default racy window, an explicit one, or none", () => {
    const { result } = failingCounterRun();
    expect(documentFromRun(result).window).toEqual(racyWindow(result));
    expect(documentFromRun(result).window).toBeDefined();
    const explicit = { fromStep: 1, toStep: 2, reason: "the explorer says so" };
    expect(documentFromRun(result, { window: explicit }).window).toEqual(explicit);
    expect(documentFromRun(result, { window: null }).window).toBeUndefined();
  });

  it("keeps an explicit failure point for a run that did not fail, and rejects one outside the run", () => {
    const r = busyRun(roundRobin());
    expectOutcome(r, "ok");
    const line = r.console[0]!;
    const point = { step: line.step, text: `console: ${line.text}` };
    expect(documentFromRun(r, { failurePoint: point }).failurePoint).toEqual(point);
    expect(documentFromRun(r).failurePoint).toBeUndefined();
    expect(() => documentFromRun(r, { failurePoint: { step: r.steps + 1, text: "" } })).toThrow(/failure point/);
  });

  it("rejects a window outside the run's steps", () => {
    const { result } = failingCounterRun();
    const late = { fromStep: 1, toStep: result.steps + 1, reason: "" };
    expect(() => documentFromRun(result, { window: late })).toThrow(TraceError);
    expect(() => documentFromRun(result, { window: { fromStep: 3, toStep: 2, reason: "" } })).toThrow(/not a range/);
  });
});

describe("checkDocument", () => {
  const doc = (): TraceDocument => documentFromRun(counterRun(random({ seed: 3 })));

  it("accepts what documentFromRun builds", () => {
    expect(() => checkDocument(doc())).not.toThrow();
  });

  it("rejects events out of sequence order, naming the event", () => {
    const d = doc();
    const events = [...d.events];
    [events[2], events[3]] = [events[3]!, events[2]!];
    expect(() => checkDocument({ ...d, events })).toThrow(new RegExp(`event ${events[3]!.seq} `));
  });

  it("rejects an event on a cpu the machine does not have", () => {
    const d = doc();
    const events = d.events.map((e, i) => (i === 4 ? { ...e, cpu: 2 } : e));
    expect(() => checkDocument({ ...d, events })).toThrow(/on cpu 2 of a 2-cpu machine/);
  });

  it("rejects a cpu count outside 1..32", () => {
    expect(() => checkDocument({ ...doc(), ncpus: 0 })).toThrow(/1 to 32 cpus/);
  });
});
