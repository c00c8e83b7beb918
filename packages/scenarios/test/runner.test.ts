import { spinInterlock, type InterlockKind } from "@kprim/lockmgr";
import { sleepqLayer } from "@kprim/sleepq";
import { expectOutcome, formatSchedule, param, parseSchedule, random, replay } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { kernelScenario, prepare, prepareFromHeader } from "../src/index.js";

/** A test-only scenario: n threads bump a counter with load/store (racy). */
const bumpers = kernelScenario({
  name: "bumpers",
  description: "threads bump a counter without a lock",
  specId: null,
  params: { threads: param.int({ default: 2, min: 1, max: 4, description: "threads" }) },
  cpus: (p) => Math.min(2, p.threads),
  setup({ machine, params }) {
    const c = machine.cell("c", 0);
    for (let i = 0; i < params.threads; i++) {
      machine.spawn({
        cpu: i % 2,
        name: `B${i}`,
        *body(k) {
          const v = yield* k.load(c);
          yield* k.store(c, v + 1);
        },
      });
    }
    return {
      detectors: [
        {
          name: "lost-update",
          atQuiescence: (v) => (v.peek(c) !== params.threads ? { message: `counter ${v.peek(c)}` } : undefined),
        },
      ],
    };
  },
});

const list = [bumpers];

describe("preparing and running a scenario", () => {
  it("composes the variant, resolves params and builds fresh machines", () => {
    const p = prepare({ scenario: "bumpers", variant: "TOK", params: { threads: "3" }, catalogue: list });
    expect(p.options).toMatchObject({ interlock: "token", tokenMode: "yield", outer: "mplock", lockmgr: "2005" });
    expect(p.params).toEqual({ threads: 3 });
    expect(p.cpus).toBe(2);
    expect(p.header).toEqual({ scenario: "bumpers", variant: "TOK", options: {}, params: { threads: "3" } });
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 50; seed++) outcomes.add(p.build({ strategy: random({ seed }) }).run().outcome.kind);
    expect(outcomes).toEqual(new Set(["ok", "violation"]));
  });

  it("a schedule's header prepares the same run again, and replay reproduces it", () => {
    const p = prepare({
      scenario: "bumpers",
      variant: "SPIN-naive",
      options: { tokenMode: "spin2005" },
      catalogue: list,
    });
    let text = "";
    for (let seed = 1; !text; seed++) {
      const r = p.build({ strategy: random({ seed }) }).run();
      if (r.outcome.kind === "violation") text = formatSchedule(r.schedule);
    }
    const s = parseSchedule(text);
    const again = prepareFromHeader(s.header, { catalogue: list })
      .build({ strategy: replay(s.choices) })
      .run();
    expectOutcome(again, "violation");
    expect(formatSchedule(again.schedule)).toBe(text);
  });

  it("unknown names and bad values are one-line errors with suggestions", () => {
    expect(() => prepare({ scenario: "bumper", catalogue: list })).toThrow(
      'unknown scenario "bumper" (did you mean "bumpers"?); run "kprim list" to see them',
    );
    expect(() => prepare({ scenario: "bumpers", variant: "SPIN+T", catalogue: list })).toThrow(
      'unknown variant "SPIN+T" (did you mean "SPIN+TI"?)',
    );
    expect(() => prepare({ scenario: "bumpers", options: { tokenmode: "yield" }, catalogue: list })).toThrow(
      'unknown option "tokenmode" (did you mean "tokenMode"?)',
    );
    expect(() => prepare({ scenario: "bumpers", options: { outer: "giant" }, catalogue: list })).toThrow(
      'option outer must be one of mplock, none, got "giant"',
    );
    expect(() => prepare({ scenario: "bumpers", params: { threads: 9 }, catalogue: list })).toThrow(
      'parameter "threads" must be between 1 and 4, got 9',
    );
    expect(() => prepare({ scenario: "bumpers", options: { interlock: "spinn" }, catalogue: list })).toThrow(
      'unknown interlock "spinn" (did you mean "spin"?); interlocks: token, spin, spin-naive',
    );
  });
});

describe("kernel overrides (the plugin hook)", () => {
  /** A plugin-style interlock: the spin interlock under another name, counting what it creates. */
  const created: string[] = [];
  const counted: InterlockKind = {
    ...spinInterlock,
    name: "counted-spin",
    description: "the spin interlock, counting creations",
    create(machine, name, deps, opts) {
      created.push(name);
      return spinInterlock.create(machine, name, deps, opts);
    },
  };

  it("an interlock added by name is chosen with options.interlock, and a header prepares it again", () => {
    const kernel = { interlocks: { "counted-spin": counted } };
    const p = prepare({ scenario: "lockmgr-lost-wakeup", options: { interlock: "counted-spin" }, kernel });
    expect(p.options.interlock).toBe("counted-spin");
    expect(p.header.options).toEqual({ interlock: "counted-spin" });
    created.length = 0;
    const r = p.build({ strategy: random({ seed: 1 }) }).run();
    expectOutcome(r, "ok");
    expect(created.length).toBeGreaterThan(0);
    expect(() => prepareFromHeader(p.header)).toThrow('unknown interlock "counted-spin"');
    const again = prepareFromHeader(p.header, { kernel });
    created.length = 0;
    again.build({ strategy: replay(r.schedule.choices) }).run();
    expect(created.length).toBeGreaterThan(0);
  });

  it("a replaced layer is named in the header; a replay needs the same layer in place", () => {
    const sleepq = { ...sleepqLayer("chain"), name: "my-sleepq" };
    const p = prepare({ scenario: "lost-wakeup", kernel: { sleepq } });
    expect(p.header.options).toEqual({ "layer.sleepq": "my-sleepq" });
    const r = p.build({ strategy: random({ seed: 1 }) }).run();
    const text = formatSchedule(r.schedule);
    expect(text).toContain(":layer.sleepq=my-sleepq:");
    const s = parseSchedule(text);
    // With the layer: the same run.
    const again = prepareFromHeader(s.header, { kernel: { sleepq } })
      .build({ strategy: replay(s.choices) })
      .run();
    expect(formatSchedule(again.schedule)).toBe(text);
    // Without it, or with another: one-line errors instead of a run of other code.
    expect(() => prepareFromHeader(s.header)).toThrow(
      'option layer.sleepq=my-sleepq: no plugin loaded replaces the sleepq layer (load the one that provides "my-sleepq" with --plugin or kprim.config.mjs)',
    );
    expect(() => prepareFromHeader(s.header, { kernel: { sleepq: { ...sleepq, name: "other" } } })).toThrow(
      'option layer.sleepq=my-sleepq: the sleepq layer in place is "other"',
    );
    const plain = prepare({ scenario: "lost-wakeup" });
    expect(() => prepareFromHeader(plain.header, { kernel: { sleepq } })).toThrow(
      'the schedule ran with the built-in sleepq layer, but a plugin replaces it with "my-sleepq": replay it without that plugin',
    );
    expect(() => prepare({ scenario: "lost-wakeup", options: { "layer.lockmgr": "x" } })).toThrow(
      "option layer.lockmgr: layers are spinlock, token, sleepq, buf",
    );
  });

  it("a detector installed beside the scenario's is named in the header; a replay needs exactly those detectors", () => {
    const watcher = {
      name: "flag-watch",
      provider: "watchers",
      make: () => ({ name: "flag-watch", stateKey: () => "" }),
    };
    const p = prepare({ scenario: "lost-wakeup", detectors: [watcher] });
    expect(p.header.options).toEqual({ "detector.flag-watch": "watchers" });
    expect(p.raises.violations).toContain("flag-watch");
    const again = prepareFromHeader(p.header, { detectors: [watcher] });
    expect(again.header).toEqual(p.header);
    expect(() => prepareFromHeader(p.header)).toThrow(
      'the schedule ran with detector "flag-watch" of plugin "watchers": load that plugin (--plugin or kprim.config.mjs) to replay it',
    );
    const plain = prepare({ scenario: "lost-wakeup" });
    expect(() => prepareFromHeader(plain.header, { detectors: [watcher] })).toThrow(
      'the schedule ran without detector "flag-watch", which plugin "watchers" installs: replay it without that plugin',
    );
  });

  it("without the override the name is unknown, with a suggestion", () => {
    expect(() => prepare({ scenario: "lockmgr-lost-wakeup", options: { interlock: "counted-spin" } })).toThrow(
      'unknown interlock "counted-spin"',
    );
  });
});
