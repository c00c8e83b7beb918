/** Human-readable reports (the --json forms are the report objects themselves). */
import Table from "cli-table3";
import type {
  CompareReport,
  DemoReport,
  ExploreReport,
  ListReport,
  RunHeader,
  RunReport,
  WorkerReport,
} from "./jobs/reports.js";
import { EXPLORE_STRATEGIES, RUN_STRATEGIES } from "./jobs/strategies.js";
import type { Out } from "./out.js";

const pairs = (r: Readonly<Record<string, string>>): string =>
  Object.keys(r)
    .sort()
    .map((k) => `${k}=${r[k]}`)
    .join(" ");

/** `<scenario> [under <variant>] [(<options it depends on>)] [with <params>]`: what ran, and nothing it ignored. */
export function describeRun(h: RunHeader): string {
  const params = pairs(h.params);
  const options = pairs(h.shown);
  return `${h.scenario}${h.variantMatters ? ` under ${h.label}` : ""}${options ? ` (${options})` : ""}${params ? ` with ${params}` : ""}`;
}

/** The header line's notes (choices that change nothing for this scenario). */
function renderNotes(out: Out, h: RunHeader): void {
  for (const n of h.notes) out.line(out.c.yellow(`note: ${n}`));
}

export function renderList(out: Out, r: ListReport): void {
  const { c } = out;
  out.heading(`${r.scenarios.length} scenarios`);
  for (const s of r.scenarios) {
    out.line("");
    out.line(
      `${c.bold(s.name)}  ${c.dim(s.specId ?? "no spec id")}${s.source !== "built-in" ? c.dim(`  (plugin ${s.source})`) : ""}`,
    );
    out.line(`  ${s.description}`);
    for (const p of s.params)
      out.line(`  --param ${p.name}=<${p.type}>  default ${String(p.default)}: ${p.description}`);
    if (s.dependsOn !== null) {
      const not = r.options.filter((o) => !s.dependsOn!.includes(o));
      out.line(
        `  depends on: ${s.dependsOn.join(", ") || "no option"}${not.length ? ` (not on ${not.join(", ")})` : ""}`,
      );
    }
    if (s.variants.length > 0) {
      const rows = s.variants.map((v) => {
        const opts = pairs(v.options);
        return `${v.variant}${opts ? `+${opts}` : ""} → ${v.expect} ${v.signal}`;
      });
      out.line(`  matrix: ${rows.join("; ")}`);
    } else {
      out.line(`  matrix: no rows (runs under every variant)`);
    }
  }
  out.line("");
  out.line(`variants: ${r.variants.join(", ")}`);
  out.line(`options: ${r.options.join(", ")}`);
  out.line(
    `interlocks: ${r.interlocks.map((i) => (i.source === "built-in" ? i.name : `${i.name} (plugin ${i.source})`)).join(", ")}`,
  );
  const plugins = r.strategies.filter((s) => s.source !== "built-in").map((s) => `${s.name} (plugin ${s.source})`);
  out.line(`run strategies: ${[...RUN_STRATEGIES, ...plugins].join(", ")}`);
  out.line(`explore strategies: ${[...EXPLORE_STRATEGIES, ...plugins].join(", ")}`);
}

export function renderRun(out: Out, r: RunReport): void {
  const { c } = out;
  out.heading(`${describeRun(r)}, ${r.strategy}`);
  renderNotes(out, r);
  const verdict = r.outcome.kind === "ok" ? c.green(r.outcomeText) : c.red(r.outcomeText);
  out.line(`outcome: ${verdict}`);
  if (r.signal !== "failure") out.line(`signal ${r.signal}: ${r.found ? c.red("shown") : "not shown"}`);
  if (r.inconclusive !== null) out.line(c.yellow(`verdict: INCONCLUSIVE — ${r.inconclusive.message}`));
  out.line(`console (${r.console.length} line${r.console.length === 1 ? "" : "s"}):`);
  for (const l of r.console) out.line(`  step ${l.step} cpu${l.cpu} ${l.thread}: ${c.yellow(l.text)}`);
  const t = r.counters;
  out.line(
    `counters: ${r.steps} steps, ${r.makespan} cycles makespan, ${t.ipisSent} IPIs sent / ${t.ipisTaken} taken, ${t.switches} switches, ${t.preemptions} preemptions, ${t.spinCycles} spin cycles, ${t.transfers} cache-line transfers, ${t.atomics} atomics`,
  );
  out.line(`schedule: ${r.schedule}`);
  if (r.found || r.inconclusive !== null) out.line(`replay:   ${r.replay}`);
}

export function renderExplore(out: Out, r: ExploreReport): void {
  const { c } = out;
  out.heading(`explore ${describeRun(r)}`);
  renderNotes(out, r);
  out.line(`mode: ${r.mode}; signal: ${r.signal}`);
  const d = r.distributed;
  if (d !== undefined && d !== null) {
    out.line(
      d.queue !== undefined
        ? `queue: ${d.queue} (the workers' results, in the search's order)`
        : `merged: ${d.parts} parts`,
    );
  }
  if (r.stopped !== null) {
    out.line(
      c.yellow(
        r.stopped === "interrupted"
          ? `stopped by Ctrl-C after ${r.executions} executions (partial result)`
          : r.stopped === "queue-lost"
            ? `stopped: the queue went away after ${r.executions} executions settled (partial result)`
            : `stopped at the time limit after ${r.executions} executions (partial result)`,
      ),
    );
  }
  const deciding = r.phases?.at(-1);
  if (r.verdict === "found") {
    const by =
      deciding === undefined
        ? ""
        : deciding.mode === "dpor"
          ? `, found by dpor after the burst`
          : `, found by the burst's ${deciding.mode}`;
    out.line(`verdict: ${c.red(`FOUND ${r.signal}`)} at execution ${r.executionsToFound} of ${r.executions}${by}`);
    out.line(`failure: ${r.failure}`);
    out.line(`schedule: ${r.schedule}`);
    out.line(`shrunk:   ${r.shrunk} (${r.shrunkSteps} steps)`);
    out.line(`replay:   ${c.bold(r.replay ?? "")}`);
    if (r.replayed !== null && r.replayed !== r.failure) out.line(`replayed: ${r.replayed}`);
  } else {
    const burst = r.phases === null ? 0 : r.phases.slice(0, -1).reduce((n, p) => n + p.executions, 0);
    const searched =
      r.states > 0
        ? `${r.states} states, ${r.executions} executions + ${r.merged} merged into explored states`
        : r.phases !== null && deciding?.mode === "dpor"
          ? `${burst} burst runs, then ${deciding.executions} dpor executions`
          : `${r.executions} executions`;
    const how = r.exhausted
      ? `every schedule explored (${searched}): ${r.signal} cannot happen`
      : r.phases !== null && deciding?.mode === "dpor"
        ? `${r.executions} executions (${searched}), not exhaustive`
        : `${r.executions} executions${r.bound !== null ? ` within ${r.bound} preemptions` : ""}, not exhaustive`;
    if (r.inconclusive !== null) {
      out.line(
        `verdict: ${c.yellow("INCONCLUSIVE")} — no ${r.signal} in ${how.replace(/^every schedule explored /, "")}, but not verified:`,
      );
      out.line(c.yellow(r.inconclusive.message));
      out.line(`replay:   ${c.bold(r.inconclusive.replay)}`);
    } else out.line(`verdict: ${c.green("not found")} — ${how}`);
  }
  if (r.stepLimited > 0 && r.inconclusive === null)
    out.line(c.yellow(`${r.stepLimited} executions hit the step limit`));
  if (r.warnings.length > 0) {
    out.line(`console lines seen (observations${r.signal.startsWith("console:") ? "" : ", not failures"}):`);
    for (const w of r.warnings) out.line(`  ${c.yellow(w.text)} — in ${w.count} of ${r.executions} executions`);
    if (r.verdict === "not-found" && !r.signal.startsWith("console:") && r.signal !== "any") {
      out.line(c.dim(`  (--signal 'console:<text>' makes a console line the target)`));
    }
  }
}

export function renderCompare(out: Out, r: CompareReport): void {
  const { c } = out;
  out.heading(`compare ${r.scenario}${r.specId ? ` (${r.specId})` : ""}`);
  const table = new Table({
    head: ["variant", "verdict", "matrix.json", "schedules to failure", "warnings /10k runs", "cycles/op", "IPIs/op"],
    style: { head: [], border: [] },
  });
  for (const row of r.rows) {
    const opts = pairs(row.options);
    const matrixCell =
      row.expected === null
        ? "no row"
        : `${row.expected} ${row.matches === null ? c.yellow("? not decided") : row.matches ? c.green("✓ match") : c.red("✗ MISMATCH")}`;
    const partial = row.partial !== null;
    table.push([
      `${row.variant}${opts ? ` ${opts}` : ""}`,
      row.verdict === "not-found" && partial
        ? `${row.signal}: ${c.yellow("not found so far (partial)")}`
        : `${row.verdict} ${row.signal}${partial ? c.yellow(" (partial)") : ""}`,
      matrixCell,
      row.schedulesToFailure === null ? "—" : String(row.schedulesToFailure),
      row.runs === 0 ? "—" : String(row.warningsPer10k),
      row.cyclesPerOp === 0 ? "—" : String(row.cyclesPerOp),
      row.cyclesPerOp === 0 ? "—" : String(row.ipisPerOp),
    ]);
  }
  out.line(table.toString());
  out.line(
    c.dim(
      `warnings: console lines in ${Math.max(0, ...r.rows.map((row) => row.runs))} seeded random runs, per 10,000; cycles and IPIs: medians of 5 timed runs with seeded jitter, per scenario thread`,
    ),
  );
  for (const row of r.rows) {
    const opts = pairs(row.options);
    out.line(`${row.variant}${opts ? ` ${opts}` : ""}: ${row.detail}`);
    if (row.replay) out.line(`  replay: ${row.replay}`);
  }
  if (r.stopped !== null) {
    const by = r.stopped === "interrupted" ? "by Ctrl-C" : "at the time limit";
    const done = r.rows.filter((row) => row.partial === null).length;
    out.line(c.yellow(`stopped ${by}: ${done} of ${r.variants} variants done (partial result)`));
  }
  for (const n of r.notes) out.line(c.yellow(`note: ${n}`));
  if (r.stopped === null && r.checked === 0 && r.rows.every((x) => x.expected === null)) {
    out.line(
      c.yellow(
        `no verdict checked: matrix.json has no row for ${r.scenario} under ${r.rows.map((x) => x.variant).join(", ")}`,
      ),
    );
  }
}

export function renderDemo(out: Out, r: DemoReport): void {
  const { c } = out;
  out.heading("kprim demo — DragonFly BSD, November 2005: lockmgr's interlock, from a token to a spinlock");
  out.line("Every verdict below is checked against matrix.json, the project's acceptance oracle.");
  for (const [i, s] of r.sections.entries()) {
    out.line("");
    out.heading(`${i + 1}. ${s.title}`);
    out.line(`   ${s.scenario} under ${s.variant}; matrix.json expects: ${s.expect} ${s.signal}`);
    if (s.shrunk !== null) {
      out.line(
        `   found after ${s.executions} executions: ${c.red(s.signal.startsWith("console:") ? (s.warnings[0] ?? s.signal) : (s.failure ?? ""))}`,
      );
      for (const w of s.warnings)
        if (s.signal.startsWith("console:") && w !== s.warnings[0]) out.line(`   also printed: ${c.yellow(w)}`);
      out.line(`   shrunk counterexample (${s.shrunkSteps} steps): ${s.shrunk}`);
      out.line(`   replay: ${c.bold(s.replay ?? "")}`);
      out.line(`   replayed: ${s.replayed}`);
    } else {
      out.line(`   ${c.green(s.detail)}`);
    }
    out.line(`   ${s.holds ? c.green("✓ matches matrix.json") : c.red("✗ does NOT match matrix.json")}`);
  }
  out.line("");
  out.line(
    r.ok
      ? c.green(`All ${r.sections.length} verdicts match matrix.json.`)
      : c.red(`${r.sections.filter((s) => !s.holds).length} verdict(s) do not match matrix.json.`),
  );
}

export function renderWorker(out: Out, r: WorkerReport): void {
  out.line(
    `worker ${r.worker} on ${r.queue}: ${r.jobs} jobs, ${r.executions} executions` +
      (r.refused > 0 ? `, ${r.refused} refused` : "") +
      (r.skipped > 0 ? `, ${r.skipped} skipped (their search had ended)` : ""),
  );
}
