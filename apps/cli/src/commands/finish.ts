/**
 * The end of a run and of a search, shared by the commands that produce one:
 * the files written (trace, trail), the summary or JSON, the exit code. A
 * file that could not be written is an error after the summary, so nothing
 * computed is lost.
 */
import { UsageError } from "../errors.js";
import { type Written, writeOutputs } from "../files.js";
import type { TraceFormat } from "../jobs/requests.js";
import type { ExploreReport, RunReport } from "../jobs/reports.js";
import type { Trail } from "../jobs/trail.js";
import { consoleOut, type Out } from "../out.js";
import { renderExplore, renderRun } from "../render.js";
import { type CommandContext, EXIT_INCONCLUSIVE, EXIT_INTERRUPTED } from "./context.js";

/** With --out -, stdout carries the trace alone (one document): the summary goes to stderr. */
function summaryOut(ctx: CommandContext, o: { out?: string }): Out {
  return o.out === "-" ? consoleOut(ctx.out.stderr, ctx.out.stderr, ctx.io.env) : ctx.out;
}

/** The files written, as the summary lists them. */
export function listWritten(to: Out, w: Written, traceFormat: string | undefined, pad = ""): void {
  if (w.trace !== null) to.line(`trace (${traceFormat}): ${w.trace}`);
  for (const f of w.trails) to.line(`trail:${pad} ${f}`);
}

/**
 * `run` and `replay`: a replayed trail must give the verdict it recorded (else the model changed since).
 * Exit 1 when the run shows the signal; 3 when it reached the step limit without (inconclusive); else 0.
 */
export function finishRun(
  ctx: CommandContext,
  r: RunReport,
  o: { json?: boolean; out?: string; saveTrail?: string },
  from: Trail | null = null,
): void {
  if (from !== null && (from.outcome !== r.outcomeText || from.found !== r.found)) {
    const verdict = (outcome: string, found: boolean): string => `"${outcome}" (${found ? "found" : "not found"})`;
    throw new UsageError(
      `the trail recorded ${verdict(from.outcome, from.found)}; replaying it gives ${verdict(r.outcomeText, r.found)}: the model changed since it was written`,
    );
  }
  const w = writeOutputs(r, o, { cwd: ctx.cwd, stdout: ctx.io.stdout });
  const { trace: _trace, trail: _trail, ...rest } = r;
  const to = summaryOut(ctx, o);
  ctx.print(o.json, rest, () => {
    renderRun(to, r);
    listWritten(to, w, r.trace?.format);
  });
  // A file that could not be written is an error, after the summary (nothing computed is lost).
  if (w.error !== null) throw w.error;
  ctx.setExit(r.found ? 1 : r.inconclusive !== null ? EXIT_INCONCLUSIVE : 0);
}

/** `explore` and `merge`. */
export function finishExplore(
  ctx: CommandContext,
  r: ExploreReport,
  o: { json?: boolean; out?: string; saveTrail?: string; trace?: TraceFormat },
): void {
  const w = writeOutputs(r, o, { cwd: ctx.cwd, stdout: ctx.io.stdout });
  const { trace: _trace, trail: _trail, ...rest } = r;
  const to = summaryOut(ctx, o);
  ctx.print(o.json, rest, () => {
    renderExplore(to, r);
    listWritten(to, w, r.trace?.format, "   ");
    if (r.trail === null && (o.saveTrail !== undefined || o.trace !== undefined)) {
      to.line(`${o.trace !== undefined ? "trace and trail" : "trail"}: none written (nothing found)`);
    }
  });
  if (w.error !== null) throw w.error;
  // The queue went away: the partial result above, then the reason in one line.
  if (r.lost !== undefined && r.lost !== null) {
    throw new UsageError(`${r.lost}: the result above is partial (what was settled before)`);
  }
  ctx.setExit(
    r.verdict === "found"
      ? 1
      : r.stopped === "interrupted"
        ? EXIT_INTERRUPTED
        : r.inconclusive !== null
          ? EXIT_INCONCLUSIVE
          : 0,
  );
}
