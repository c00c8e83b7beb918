/**
 * The scenario picker: races and their correct twins in spec order, the
 * scenarios with no spec row after them, and the defaults a pick starts from.
 */
import { catalogue, findScenario } from "@kprim/scenarios";
import { describe, expect, it } from "vitest";
import { defaultSignal, defaultVariant, rowFor, scenarioGroups, scenarioLabel } from "../src/catalogue.js";

describe("the playground's catalogue", () => {
  it("groups every scenario once: the races by spec id, their correct twins, then the scenarios with no spec row", () => {
    const groups = scenarioGroups();
    expect(groups.map((g) => g.label)).toEqual([
      "Races (spec R1–R9)",
      "Correct twins (spec G1–G11)",
      "Beyond the spec's rows",
    ]);
    expect(groups.flatMap((g) => g.scenarios).length).toBe(catalogue.length);
    expect(new Set(groups.flatMap((g) => g.scenarios.map((s) => s.name))).size).toBe(catalogue.length);
    const ids = groups[0]!.scenarios.map((s) => s.specId);
    expect(ids.slice(0, 4)).toEqual(["R1", "R2", "R3", "R4"]);
    expect(ids.indexOf("R5b")).toBe(ids.indexOf("R5") + 1);
    expect(groups[1]!.scenarios.every((s) => s.specId?.startsWith("G"))).toBe(true);
    expect(groups[2]!.scenarios.map((s) => s.name).sort()).toEqual([
      "buf-churn",
      "colliding-idents",
      "getblk-reused-buffer",
      "lost-wakeup",
      "spinlock-interrupt-contender",
      "wakeup-one-remote",
      "wakeup-reaches-every-cpu",
    ]);
    expect(scenarioLabel(findScenario("getnewbuf-locked-buf")!)).toBe("R1 · getnewbuf-locked-buf");
  });

  it("starts a race under a variant that shows it, looking for what the oracle calls found", () => {
    const r1 = findScenario("getnewbuf-locked-buf")!;
    expect(defaultVariant(r1)).toBe("TOK");
    expect(defaultSignal(r1, "TOK", {})).toBe("console:getnewbuf: warning, locked buf");
    expect(defaultSignal(r1, "SPIN+TI", {})).toBe("failure");
    const r3 = findScenario("lockmgr-lost-wakeup")!;
    expect(defaultVariant(r3)).toBe("SPIN-naive");
    expect(defaultVariant(findScenario("lost-wakeup")!)).toBe("SPIN+TI");
  });

  it("reads a row with options only when they are set", () => {
    const r2 = findScenario("getnewbuf-blocked-unexpectedly")!;
    expect(rowFor(r2, "TOK", {})?.signal).toBe("console:BUF_LOCK blocked unexpectedly");
    expect(rowFor(r2, "TOK", { bufChecks: "no-check" })?.signal).toBe("violation:dirty-reuse");
  });
});
