/**
 * The racy window the product computes, for every race of the catalogue:
 * each "found" row of the acceptance matrix (R1–R9, the lost wakeups) is
 * explored as the oracle does, the failing execution is replayed with the
 * trace on, and the trace document — built by @kprim/trace from the
 * detectors' evidence, with no help from this test — must label the
 * decisive steps and start its window at the earliest of them: the last
 * observation that went stale (or what made it stale), not where the
 * threads began.
 */
import type { EvidenceRole, ParamSpecs } from "@kprim/machine";
import { parseSchedule, replay } from "@kprim/machine";
import { documentFromRun, type TraceDocument } from "@kprim/trace";
import { describe, expect, it } from "vitest";
import {
  catalogue,
  checkRow,
  exploreScenario,
  matrix,
  type MatrixRow,
  prepare,
  prepareFromHeader,
  prepareRow,
  rowChecks,
} from "../src/index.js";

/** Labels a race's document must carry: a role and what the label (with its thread's name) says. */
type Expected = readonly (readonly [EvidenceRole, RegExp])[];

const LOST_WAKEUP: Expected = [
  ["observe", /^T_w tests \w+'s condition/],
  ["missed", /wakeup\(\w+\) finds nobody queued/],
  ["stuck", /^T_w tsleep\(\w+\) never returns/],
];

const BUF_SCAN: readonly [EvidenceRole, RegExp] = ["observe", /^T_new getnewbuf picks (0x[0-9a-f]+) off a free queue$/];

const EXPECTED: Readonly<Record<string, Expected>> = {
  R1: [
    BUF_SCAN,
    ["cause", /^T_get locks 0x[0-9a-f]+$/],
    ["report", /^T_new BUF_LOCK\(NOWAIT\) finds 0x[0-9a-f]+ locked$/],
    ["report", /^T_new console: "getnewbuf: warning, locked buf 0x[0-9a-f]+, race corrected"$/],
  ],
  R2: [
    BUF_SCAN,
    ["cause", /^T_new BUF_LOCK blocks \(/],
    ["cause", /^T_get bdwrite 0x[0-9a-f]+$/],
    [
      "report",
      /^T_new (console: "getnewbuf: warning, BUF_LOCK blocked unexpectedly|reuses 0x[0-9a-f]+, a delayed-write buffer)/,
    ],
  ],
  R3: [...LOST_WAKEUP, ["cause", /^T_h lockmgr RELEASE L$/]],
  R4: LOST_WAKEUP,
  R5: [
    ["observe", /^T_W tsleep_interlock\(X\)$/],
    ["report", /^T_W passes a blocking point \(/],
  ],
  R5b: [
    ["observe", /^T_W tsleep_interlock\(X\)$/],
    ["report", /^T_W passes an explicit IPI-processing point \(/],
  ],
  // T_W took L with spin_trylock, which enters no critical section: the call itself is the evidence.
  R6: [["report", /^T_W tsleep_interlock\(X\) outside a critical section$/]],
  R7: [
    ["cause", /^S1 takes L exclusive$/],
    ["cause", /wakes E$/],
    ["report", /^E panic: lockmgr: non-zero exclusive count$/],
  ],
  R8: [
    ["observe", /^T1 reads V$/],
    ["cause", /^T1 blocks \(/],
    ["cause", /^T2 writes V$/],
    ["report", /^T1 writes V from its read at step \d+$/],
  ],
  R9: [
    ["cause", /^T1 takes S$/],
    ["stuck", /^T1 blocks \(/],
  ],
};

/** The trace document of a failing schedule, replayed with the trace on. */
function traced(schedule: string, consoleText?: string): TraceDocument {
  const s = parseSchedule(schedule);
  const result = prepareFromHeader(s.header)
    .build({ strategy: replay(s.choices), trace: true })
    .run();
  return documentFromRun(result, { console: consoleText });
}

function failingRun(row: MatrixRow, scenario: (typeof catalogue)[number]): TraceDocument {
  const v = checkRow(prepareRow(scenario, row), row, { runs: 300 });
  const found = v.results.at(-1);
  if (found?.kind !== "found") throw new Error(`${row.id} ${row.variant}: nothing found (${v.detail})`);
  return traced(found.schedule, row.signal.startsWith("console:") ? row.signal.slice("console:".length) : undefined);
}

/** Labels with their thread's name in front ("T_w tests L's condition"). */
function named(doc: TraceDocument): { step: number; role: EvidenceRole; text: string }[] {
  const name = (id: number): string => doc.threads.find((t) => t.id === id)?.name ?? "";
  return (doc.labels ?? []).map((l) => ({
    step: l.step,
    role: l.role,
    text: `${l.thread < 0 ? "" : `${name(l.thread)} `}${l.label}`,
  }));
}

function failureStep(doc: TraceDocument): number {
  if (doc.failurePoint !== undefined) return doc.failurePoint.step;
  const o = doc.outcome;
  if (o.kind === "ok") throw new Error("no failure");
  return o.step;
}

const races = rowChecks(matrix, catalogue).filter(
  ({ row }) => row.expect === "found" && EXPECTED[row.id] !== undefined,
);

describe("the racy window of every race in the catalogue", () => {
  it("covers every race the matrix expects to be found", () => {
    const ids = new Set(matrix.rows.filter((r) => r.expect === "found" && /^R/.test(r.id)).map((r) => r.id));
    expect([...ids].filter((id) => EXPECTED[id] === undefined)).toEqual([]);
  });

  for (const { row, scenario } of races) {
    const opts = Object.entries(row.options)
      .map(([k, v]) => ` ${k}=${v}`)
      .join("");
    it(`${row.id} ${row.variant}${opts} (${scenario.name}): labels the decisive steps, window from the earliest`, () => {
      const doc = failingRun(row, scenario);
      const labels = named(doc);
      for (const [role, re] of EXPECTED[row.id]!) {
        expect(
          labels.some((l) => l.role === role && re.test(l.text)),
          `${role} ${re} in ${JSON.stringify(labels.map((l) => `${l.step} ${l.role} ${l.text}`))}`,
        ).toBe(true);
      }
      const end = failureStep(doc);
      expect(doc.window).toBeDefined();
      expect(doc.window!.toStep).toBe(end);
      expect(doc.window!.fromStep).toBe(Math.min(...labels.map((l) => l.step)));
      expect(labels.every((l) => l.step <= end)).toBe(true);
    }, 120_000);
  }
});

describe("the racy window of the lost-wakeup scenario, for each way its sleeper can get it wrong", () => {
  const scenario = catalogue.find((s) => s.name === "lost-wakeup")!;
  // The parameter that picks how the sleeper releases L before tsleep (whatever its name).
  const specs: ParamSpecs = scenario.params;
  const [key, spec] = Object.entries(specs).find(
    ([, p]) => p.type === "enum" && p.values.includes("test-before-interlock"),
  )!;
  if (spec.type !== "enum") throw new Error("unreachable");
  for (const value of spec.values.filter((v: string) => v !== spec.default)) {
    it(`${key}=${value}: labels the decisive steps, window from the earliest`, () => {
      const p = prepare({ scenario, params: { [key]: value, sleepers: 2 } });
      const found = exploreScenario(p, { mode: { kind: "random", seed: 1, runs: 2000 }, target: "failure" });
      if (found.kind !== "found") throw new Error(`${key}=${value}: nothing found`);
      const doc = traced(found.schedule);
      const labels = named(doc);
      if (doc.outcome.kind === "violation" && doc.outcome.detector === "lost-wakeup") {
        for (const [role, re] of [
          ["observe", /^T_S\d tests X's condition$/],
          ["cause", /^T_W flag store$/],
          ["missed", /^T_W wakeup\(X\) (finds nobody queued|misses T_S\d)$/],
          ["stuck", /^T_S\d tsleep\(X\) never returns$/],
        ] as const) {
          expect(
            labels.some((l) => l.role === role && re.test(l.text)),
            `${role} ${re} in ${JSON.stringify(labels)}`,
          ).toBe(true);
        }
      } else {
        expect(doc.outcome).toMatchObject({ kind: "violation", detector: "interlock-discipline" });
        expect(labels.some((l) => l.role === "report")).toBe(true);
      }
      expect(doc.window).toMatchObject({
        fromStep: Math.min(...labels.map((l) => l.step)),
        toStep: doc.outcome.kind === "ok" ? -1 : doc.outcome.step,
      });
    });
  }
});
