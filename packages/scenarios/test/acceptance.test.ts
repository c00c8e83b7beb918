/**
 * The row checker itself, on test-only scenarios (the catalogue grows on its
 * own): a found row holds only if the signal occurs, a not-found row only if
 * an exhaustive exploration proves the forbidden signals absent.
 */
import { expectOutcome, param } from "@kprim/machine";
import { describe, expect, it } from "vitest";
import {
  checkRow,
  kernelScenario,
  type MatrixRow,
  matrix,
  pendingRows,
  prepare,
  rowChecks,
  scenarioFactory,
  exploreScenario,
} from "../src/index.js";

/** n threads bump a counter; `locked` makes the bump one atomic step (correct), else load + store (racy). */
const counter = kernelScenario({
  name: "counter",
  description: "threads bump a counter, racy or atomic",
  specId: "R3",
  params: {
    threads: param.int({ default: 2, min: 1, max: 3, description: "threads" }),
    locked: param.bool({ default: false, description: "bump with one atomic step" }),
    warn: param.bool({ default: false, description: "print a warning when a bump sees another's" }),
  },
  raises: { console: ["counter: saw another bump"] },
  cpus: (p) => p.threads,
  setup({ machine, params }) {
    const c = machine.cell("c", 0);
    for (let i = 0; i < params.threads; i++) {
      machine.spawn({
        cpu: i,
        name: `B${i}`,
        *body(k) {
          if (params.locked) {
            const old = yield* k.fetchAdd(c, 1);
            if (params.warn && old > 0) k.printf("counter: saw another bump");
            return;
          }
          const v = yield* k.load(c);
          yield* k.store(c, v + 1);
        },
      });
    }
    return {
      detectors: [
        {
          name: "lost-wakeup",
          atQuiescence: (v) =>
            v.peek(c) !== params.threads ? { message: `counter ${v.peek(c)} of ${params.threads}` } : undefined,
        },
      ],
    };
  },
});

const row = (expect: MatrixRow["expect"], signal: string): MatrixRow => ({
  id: "R3",
  variant: "SPIN-naive",
  options: {},
  expect,
  signal,
});

const prep = (params: Record<string, unknown>) =>
  prepare({ scenario: counter, variant: "SPIN-naive", params, catalogue: [counter] });

describe("checking a matrix row against a scenario", () => {
  it("a found row holds when the signal occurs, with a replay command", () => {
    const v = checkRow(prep({}), row("found", "violation:lost-wakeup"));
    expect(v.holds).toBe(true);
    expect(v.detail).toMatch(
      /^found by random\(seed=1, runs=300\) after \d+ executions: kprim replay counter --schedule 'kprim3:counter:SPIN-naive:::signal=violation%3Alost-wakeup:/,
    );
  });

  it("a found row does not hold when an exhaustive search proves the signal absent", () => {
    const v = checkRow(prep({ locked: true }), row("found", "violation:lost-wakeup"), { runs: 20 });
    expect(v.holds).toBe(false);
    expect(v.detail).toMatch(/^violation:lost-wakeup exhaustively absent/);
  });

  it("a not-found row holds only after an exhaustive exploration without the forbidden signal", () => {
    const ok = checkRow(prep({ locked: true, threads: 3 }), row("not-found", "failure"));
    expect(ok.holds).toBe(true);
    expect(ok.detail).toMatch(/^exhausted in \d+ executions, no failure$/);
    const racy = checkRow(prep({}), row("not-found", "failure"));
    expect(racy.holds).toBe(false);
    expect(racy.detail).toMatch(/^forbidden failure found: violation at step \d+: \[lost-wakeup\]/);
  });

  it("a stop request ends the check inside a stage: the verdict does not hold and says where it stopped", () => {
    let executions = 0;
    const shouldStop = (): boolean => ++executions >= 3;
    const notFound = checkRow(prep({ locked: true, threads: 3 }), row("not-found", "failure"), { shouldStop });
    expect(notFound.holds).toBe(false);
    expect(notFound.detail).toBe("not exhausted: stopped after 3 executions");
    expect(notFound.results.at(-1)?.stopped).toBe(true);
    executions = 0;
    const found = checkRow(prep({ locked: true }), row("found", "violation:lost-wakeup"), { shouldStop });
    expect(found.holds).toBe(false);
    expect(found.results).toHaveLength(1);
    expect(found.detail).toMatch(/^violation:lost-wakeup not found before the stop \(random\(seed=1, runs=300\): 3\)$/);
  });

  it("'any' also forbids console lines; 'failure' allows them", () => {
    const warn = prep({ locked: true, warn: true });
    expect(checkRow(warn, row("not-found", "failure")).holds).toBe(true);
    const any = checkRow(warn, row("not-found", "any"));
    expect(any.holds).toBe(false);
    expect(any.detail).toMatch(/^forbidden any found: console: counter: saw another bump;/);
  });

  it("a not-found row does not hold when the space is not exhausted", () => {
    const v = checkRow(prep({ locked: true, threads: 3 }), row("not-found", "failure"), { maxExecutions: 3 });
    expect(v).toMatchObject({ holds: false, detail: "not exhausted: stopped at 3 executions" });
  });

  it("pairs rows with the scenarios that declare their spec id; the others are pending", () => {
    const checks = rowChecks(matrix, [counter]);
    expect(checks.map((c) => `${c.row.id} ${c.row.variant}`)).toEqual(["R3 TOK", "R3 SPIN-naive", "R3 SPIN+TI"]);
    expect(pendingRows(matrix, [counter])).toHaveLength(matrix.rows.length - 3);
  });

  it("the scenario factory and exploreScenario drive prepare(...).build", () => {
    const f = scenarioFactory(prep({ locked: true }));
    expectOutcome(f({ strategy: { name: "first", choose: () => 0 } }).run(), "ok");
    const r = exploreScenario(prep({}), { mode: { kind: "dpor" }, target: "violation:lost-wakeup" });
    expect(r.kind).toBe("found");
  });
});
