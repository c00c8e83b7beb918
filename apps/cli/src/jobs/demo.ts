/**
 * `demo`: the seed's story, each claim checked against matrix.json.
 *
 * 1. getnewbuf under the token interlock (TOK): BUF_LOCK and BUF_UNLOCK have
 *    a blocking point, and a search finds the "locked buf, race corrected"
 *    warning; the counterexample is shrunk and replayed.
 * 2. The same scenario under the spinlock interlock (SPIN+TI): explored
 *    exhaustively, no warning and no failure.
 * 3. A lockmgr waiter whose interlock is released before tsleep (SPIN-naive):
 *    the wakeup is lost; shrunk and replayed.
 * 4. The same with tsleep_interlock (SPIN+TI): exhaustively clean.
 */
import { replaySchedule } from "@kprim/explore";
import { describeOutcome, parseSchedule } from "@kprim/machine";
import { matrix } from "@kprim/scenarios";
import { UsageError } from "../errors.js";
import { check, rowFor } from "./check.js";
import type { JobContext } from "./context.js";
import type { DemoReport, DemoSection } from "./reports.js";

const STORY: readonly { title: string; scenario: string; variant: string }[] = [
  {
    title: "getnewbuf with lockmgr's token interlock (before the patch)",
    scenario: "getnewbuf-locked-buf",
    variant: "TOK",
  },
  { title: "getnewbuf with the spinlock interlock (the patch)", scenario: "getnewbuf-locked-buf", variant: "SPIN+TI" },
  {
    title: "a lockmgr sleep that releases its spinlock, then calls tsleep",
    scenario: "lockmgr-lost-wakeup",
    variant: "SPIN-naive",
  },
  { title: "the same sleep with tsleep_interlock (the patch)", scenario: "lockmgr-lost-wakeup", variant: "SPIN+TI" },
];

export function demoJob(ctx: JobContext): DemoReport {
  ctx.started("the demo", null);
  const sections = STORY.map((s): DemoSection => {
    const p = ctx.prepare({ scenario: s.scenario, variant: s.variant, options: {}, params: {} });
    const row = rowFor(matrix.rows, p.scenario.specId, s.variant, {});
    if (row === undefined) throw new UsageError(`matrix.json has no row for ${s.scenario} under ${s.variant}`);
    const c = check(ctx, p, row);
    let replayed: string | null = null;
    if (c.found) {
      const r = replaySchedule(ctx.factory(p), parseSchedule(c.found.shrunk), { expect: p.header });
      const lines = r.console.map((l) => `cpu${l.cpu} ${l.thread}: ${l.text}`);
      replayed = [describeOutcome(r.outcome), ...lines].join("; ");
    }
    const last = c.verdict.results[c.verdict.results.length - 1]!;
    return {
      title: s.title,
      scenario: s.scenario,
      variant: s.variant,
      options: {},
      expect: row.expect,
      signal: row.signal,
      holds: c.verdict.holds,
      detail: c.summary,
      executions: c.found ? (c.executionsToFound ?? 0) : c.executions,
      failure: c.found ? c.found.failure : null,
      shrunk: c.found ? c.found.shrunk : null,
      shrunkSteps: c.found ? c.found.shrunkSteps : null,
      replay: c.found ? ctx.replayCommand(s.scenario, c.found.shrunk) : null,
      replayed,
      warnings: last.console.map((w) => w.text),
    };
  });
  // Exit 0 needs at least one verdict checked, and every one holding.
  return { sections, ok: sections.length > 0 && sections.every((s) => s.holds) };
}
