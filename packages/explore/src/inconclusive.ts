/**
 * Step limits are inconclusive. An execution that reaches the step limit
 * shows no failure; it only ran long. It may be a livelock, or a busy-wait
 * the explorer could not recognise as a loop: a thread the machine knows
 * only by its growing history (an undeclared retry loop) never returns to a
 * state it was in, so no cycle closes (cycles.ts) and an unfair schedule
 * that starves the thread it waits for runs on. Such an execution is
 * matched by no target but `step-limit`; the exploration counts it, never
 * calls the space exhausted, and describes the first one: which threads
 * went round, the ops they repeated, which threads stayed runnable without
 * running, and the hint (declare the loop, or wait with a spin-until step).
 *
 * The description comes from replaying the execution once more, recording
 * the enabled choices and the op of every step.
 */
import {
  type Choice,
  ChoiceKind,
  choiceArg,
  choiceCpu,
  choiceKind,
  describeOp,
  formatSchedule,
  replay,
  type ScheduleHeader,
} from "@kprim/machine";
import { runOnce } from "./driver.js";
import type { MachineFactory } from "./factory.js";

export interface Inconclusive {
  /** Executions that reached the step limit. */
  readonly count: number;
  /** The first of them, as a schedule (it carries the step limit and replays to it). */
  readonly schedule: string;
  /** The threads that went round in the loop's stretch, and the ops they repeated. */
  readonly loop: readonly { readonly thread: string; readonly ops: readonly string[] }[];
  /** Threads that stayed runnable (or a choice that stayed enabled) and never ran in that stretch. */
  readonly starved: readonly string[];
  /** Steps the stretch lasted (up to the step limit). */
  readonly steps: number;
  /** One paragraph: what ran, what starved, what it may be, and what to do. */
  readonly message: string;
}

/** The hint an inconclusive execution ends with. */
export const BUSY_WAIT_HINT =
  "if it is a busy-wait, declare the loop (k.enterLoop() before it, k.leaveLoop() after) or wait with k.spinUntil, and the explorer cuts the unfair schedules and reports a real livelock as one; --signal step-limit counts step limits as failures";

const STRETCH = 1_000;

/** Describe an execution that reached its step limit (`choices`, run with `header` and `maxSteps`). */
export function describeInconclusive(
  factory: MachineFactory,
  choices: readonly Choice[],
  header: ScheduleHeader,
  maxSteps: number,
  count: number,
): Inconclusive {
  const enabledAt: (readonly Choice[])[] = [];
  const whoAt: number[] = [];
  const opAt: string[] = [];
  const names: string[] = [];
  const starvedName = new Map<Choice, string>();
  const inner = replay(choices);
  const { machine } = runOnce(factory, {
    maxSteps,
    strategy: {
      name: "inconclusive",
      choose(enabled, view): number {
        const i = inner.choose(enabled, view);
        const c = enabled[i]!;
        enabledAt.push(enabled.slice());
        const t = choiceKind(c) === ChoiceKind.step ? view.cpus[choiceCpu(c)]!.current : null;
        whoAt.push(t?.id ?? -1);
        opAt.push(t?.op ? describeOp(t.op) : view.describeChoice(c));
        // Name each choice by what it would do at the last state (the starved ones are read there).
        for (const e of enabled) starvedName.set(e, nameOf(e, view));
        return i;
      },
    },
  });
  for (const t of machine.threads) names[t.id] = t.name;
  const n = enabledAt.length;
  // The longest stretch at the end of the run over which a choice stayed enabled and never ran.
  let from = n;
  const last = n > 0 ? enabledAt[n - 1]! : [];
  const starvedChoices: Choice[] = [];
  for (const c of last) {
    let s = n;
    while (s > 0 && enabledAt[s - 1]!.includes(c) && choices[s - 1] !== c) s--;
    if (s < from) {
      from = s;
      starvedChoices.length = 0;
    }
    if (s === from && s < n) starvedChoices.push(c);
  }
  if (n - from < 2) {
    from = Math.max(0, n - STRETCH);
    starvedChoices.length = 0;
  }
  const ops = new Map<number, Map<string, number>>();
  for (let i = from; i < n; i++) {
    const w = whoAt[i]!;
    if (w < 0) continue;
    const m = ops.get(w) ?? new Map<string, number>();
    m.set(opAt[i]!, (m.get(opAt[i]!) ?? 0) + 1);
    ops.set(w, m);
  }
  const loop = [...ops.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, m]) => ({
      thread: names[id] ?? `thread ${id}`,
      ops: [...m.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d),
    }));
  const starved = [...new Set(starvedChoices.map((c) => starvedName.get(c) ?? String(c)))];
  const went =
    loop.length === 0
      ? "no thread stepped"
      : loop
          .map((l) => `${l.thread} repeated ${l.ops.slice(0, 3).join(", ")}${l.ops.length > 3 ? ", …" : ""}`)
          .join("; ");
  const message =
    `${count} execution${count === 1 ? "" : "s"} reached the step limit (${maxSteps}) — inconclusive, not a failure. ` +
    `${count === 1 ? "In it" : "In the first"}, over its last ${n - from} steps ${went}` +
    (starved.length > 0 ? `, while ${starved.join(", ")} stayed runnable and never ran` : "") +
    `: a possible livelock, or a busy-wait loop the explorer cannot recognise (its thread is known only by its growing history); ${BUSY_WAIT_HINT}.`;
  return {
    count,
    schedule: formatSchedule({ header: { ...header, maxSteps }, choices }),
    loop,
    starved,
    steps: n - from,
    message,
  };
}

/** A choice as the thread (or event) it would run. */
function nameOf(
  c: Choice,
  view: { cpus: readonly { current: { name: string } | null }[]; describeChoice(c: Choice): string },
): string {
  switch (choiceKind(c)) {
    case ChoiceKind.step:
      return view.cpus[choiceCpu(c)]!.current?.name ?? view.describeChoice(c);
    case ChoiceKind.ipi:
      return `the IPI from cpu${choiceArg(c)} to cpu${choiceCpu(c)}`;
    default:
      return view.describeChoice(c);
  }
}
