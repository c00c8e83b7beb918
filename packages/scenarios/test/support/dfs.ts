/**
 * A naive stateless depth-first search over every schedule of a prepared
 * scenario (no reduction). Temporary support for the "not found" rows until
 * @kprim/explore lands; it re-runs the scenario once per leaf.
 */
import { type Choice, formatSchedule, type RunResult, type Strategy } from "@kprim/machine";
import type { Prepared } from "../../src/index.js";

export interface DfsResult {
  readonly executions: number;
  /** Every schedule was explored and none hit the step limit. */
  readonly exhausted: boolean;
  /** Outcome kinds seen, with counts. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Console lines seen (distinct texts), with counts. */
  readonly console: Readonly<Record<string, number>>;
  /** The first failing run, if any. */
  readonly firstFailure: RunResult | undefined;
}

export function exhaustiveDfs(p: Prepared, opts: { maxExecutions?: number; maxSteps?: number } = {}): DfsResult {
  const maxExecutions = opts.maxExecutions ?? 200_000;
  const stack: { enabled: Choice[]; index: number }[] = [];
  const outcomes: Record<string, number> = {};
  const console: Record<string, number> = {};
  let executions = 0;
  let limited = false;
  let firstFailure: RunResult | undefined;
  for (;;) {
    const strategy: Strategy = {
      name: "dfs",
      choose(choices, view) {
        const d = view.step;
        if (d < stack.length) {
          const e = stack[d]!;
          if (e.enabled.length !== choices.length || e.enabled.some((c, i) => c !== choices[i])) {
            throw new Error(`dfs: the scenario is not deterministic at depth ${d}`);
          }
          return e.index;
        }
        stack.push({ enabled: [...choices], index: 0 });
        return 0;
      },
    };
    const r = p.build({ strategy, ...(opts.maxSteps ? { maxSteps: opts.maxSteps } : {}) }).run();
    executions++;
    outcomes[r.outcome.kind] = (outcomes[r.outcome.kind] ?? 0) + 1;
    for (const line of r.console) console[line.text] = (console[line.text] ?? 0) + 1;
    if (r.outcome.kind === "step-limit") limited = true;
    if (r.outcome.kind !== "ok" && firstFailure === undefined) firstFailure = r;
    // The run may end (a failure) before the recorded depth: drop what lies beyond it.
    stack.length = Math.min(stack.length, r.steps);
    while (stack.length > 0 && stack[stack.length - 1]!.index + 1 >= stack[stack.length - 1]!.enabled.length)
      stack.pop();
    if (stack.length === 0) return { executions, exhausted: !limited, outcomes, console, firstFailure };
    stack[stack.length - 1]!.index++;
    if (executions >= maxExecutions) return { executions, exhausted: false, outcomes, console, firstFailure };
  }
}

export function describeFailure(r: RunResult | undefined): string {
  if (r === undefined) return "none";
  const o = r.outcome;
  return `${o.kind}${"message" in o ? `: ${o.message}` : ""} — ${formatSchedule(r.schedule)}`;
}
