/**
 * Token references in state fingerprints (stateful search): a reference is
 * named by its thread and how many that thread made before it, never by a
 * count shared by every thread — the order in which two threads on two cpus
 * made theirs, steps that commute, must not make two states.
 */
import { type Choice, createMachine, formatChoice, Histories } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import { createToken, lwktGettoken, lwktReltoken, type TokenMode } from "../src/index.js";

/** The fingerprint after `order` (choice names), two threads each taking its own cpu's token after a load. */
function after(mode: TokenMode, order: readonly string[], histories: Histories): string {
  let key = "";
  const m = createMachine({
    cpus: 2,
    maxSteps: order.length + 1,
    strategy: {
      name: "order",
      choose(choices: readonly Choice[], view) {
        if (view.step === order.length) {
          key = m.fingerprint();
          return 0;
        }
        return choices.map(formatChoice).indexOf(order[view.step]!);
      },
    },
  });
  const x = m.cell("x", 0);
  for (const cpu of [0, 1]) {
    const tok = createToken(m, `T${cpu}`, { cpu, mode });
    m.spawn({
      cpu,
      name: `W${cpu}`,
      *body(k) {
        yield* k.load(x);
        // Made in thread code right after the load: in the order the loads ran.
        const r = yield* lwktGettoken(k, tok);
        yield* lwktReltoken(k, r);
      },
    });
  }
  m.trackStates(histories);
  m.run();
  return key;
}

describe.each(["yield", "spin2005"] as const)("token references in fingerprints (%s mode)", (mode) => {
  it("two threads that take a reference after loads that commute reach one state in either order", () => {
    const histories = new Histories();
    const first = after(mode, ["0s", "1s"], histories);
    const second = after(mode, ["1s", "0s"], histories);
    expect(first).not.toBe("");
    expect(second).toBe(first);
  });
});
