/**
 * Per-machine layer state (extensions): made once per machine on first use,
 * and readable by observers without making it.
 */
import { describe, expect, it } from "vitest";
import { createMachine, defineExtension, type MachineView } from "../src/index.js";

describe("extensions", () => {
  it("ext makes a layer's state once per machine; peekExt reads it without making it", () => {
    let made = 0;
    const E = defineExtension("counter-layer", () => ({ id: ++made }));
    const m = createMachine({ cpus: 1 });
    const view: MachineView = m;
    expect(view.peekExt(E)).toBeUndefined();
    expect(view.peekExt(E)).toBeUndefined();
    expect(made).toBe(0);
    const state = m.ext(E);
    expect(made).toBe(1);
    expect(view.peekExt(E)).toBe(state);
    expect(m.ext(E)).toBe(state);
    expect(made).toBe(1);
    // Another machine has its own.
    const other = createMachine({ cpus: 1 });
    expect(other.peekExt(E)).toBeUndefined();
    expect(other.ext(E)).not.toBe(state);
  });
});
