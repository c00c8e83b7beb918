/**
 * A checker for the Trace Event Format as Perfetto imports it, used by the
 * tests: the required fields per phase, flow and async pairing, and the
 * structure Perfetto needs to draw the file as written — "X" slices on a
 * track nested or disjoint (never partially overlapping), and every flow
 * event inside a slice of its track so it has something to bind to.
 * Returns the problems found (empty = valid).
 */
interface Ev {
  name?: unknown;
  cat?: unknown;
  ph?: unknown;
  ts?: unknown;
  dur?: unknown;
  pid?: unknown;
  tid?: unknown;
  id?: unknown;
  s?: unknown;
  bp?: unknown;
  args?: unknown;
}

const PHASES = new Set(["M", "X", "i", "s", "f", "b", "e"]);

/** Perfetto reads µs timestamps into integer ns. */
export function nanos(us: number): number {
  return Math.round(us * 1000);
}

export function checkChromeTrace(trace: unknown): string[] {
  const problems: string[] = [];
  const t = trace as { traceEvents?: unknown; displayTimeUnit?: unknown };
  if (!Array.isArray(t.traceEvents)) return ["traceEvents is not an array"];
  if (t.displayTimeUnit !== "ns" && t.displayTimeUnit !== "ms") problems.push("displayTimeUnit is not ns or ms");
  const events = t.traceEvents as Ev[];
  events.forEach((e, i) => {
    const where = `event ${i} (${String(e.ph)} ${String(e.name)})`;
    if (typeof e.name !== "string") problems.push(`${where}: no name`);
    if (typeof e.ph !== "string" || !PHASES.has(e.ph)) problems.push(`${where}: unknown ph`);
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || e.ts < 0) problems.push(`${where}: bad ts`);
    if (!Number.isInteger(e.pid)) problems.push(`${where}: no pid`);
    if (!Number.isInteger(e.tid)) problems.push(`${where}: no tid`);
    if (e.ph === "X" && (typeof e.dur !== "number" || !Number.isFinite(e.dur) || e.dur < 0)) {
      problems.push(`${where}: X without a duration`);
    }
    if ((e.ph === "s" || e.ph === "f" || e.ph === "b" || e.ph === "e") && typeof e.id !== "number") {
      problems.push(`${where}: no id`);
    }
    if ((e.ph === "s" || e.ph === "f" || e.ph === "b" || e.ph === "e") && typeof e.cat !== "string") {
      problems.push(`${where}: no cat`);
    }
    if (e.ph === "i" && e.s !== "t" && e.s !== "p" && e.s !== "g") problems.push(`${where}: instant without scope`);
    if (e.ph === "M") {
      const args = e.args as Record<string, unknown> | undefined;
      const key = String(e.name).endsWith("_name") ? "name" : "sort_index";
      if (args === undefined || args[key] === undefined) problems.push(`${where}: metadata without args.${key}`);
    }
  });
  problems.push(...pairs(events, "s", "f"), ...pairs(events, "b", "e"));
  problems.push(...nesting(events));
  return problems;
}

/** Every opening event has exactly one closing event (same name, cat and id) no earlier, and the reverse. */
function pairs(events: Ev[], open: string, close: string): string[] {
  const problems: string[] = [];
  const key = (e: Ev): string => `${String(e.cat)}|${String(e.name)}|${String(e.id)}`;
  const opens = new Map<string, Ev[]>();
  for (const e of events) if (e.ph === open) opens.set(key(e), [...(opens.get(key(e)) ?? []), e]);
  const closes = new Map<string, Ev[]>();
  for (const e of events) if (e.ph === close) closes.set(key(e), [...(closes.get(key(e)) ?? []), e]);
  for (const [k, list] of opens) {
    const ends = closes.get(k) ?? [];
    if (list.length !== 1 || ends.length !== 1) {
      problems.push(`${open} ${k}: ${list.length} "${open}" and ${ends.length} "${close}"`);
    } else if ((ends[0]!.ts as number) < (list[0]!.ts as number)) {
      problems.push(`${open} ${k}: ends before it starts`);
    }
  }
  for (const k of closes.keys()) if (!opens.has(k)) problems.push(`"${close}" ${k} has no "${open}"`);
  return problems;
}

/** X slices per track nest; flow events fall inside a slice of their track. */
function nesting(events: Ev[]): string[] {
  const problems: string[] = [];
  const byTrack = new Map<string, { from: number; to: number; name: string }[]>();
  for (const e of events) {
    if (e.ph !== "X") continue;
    const k = `${String(e.pid)}/${String(e.tid)}`;
    const from = nanos(e.ts as number);
    byTrack.set(k, [...(byTrack.get(k) ?? []), { from, to: from + nanos(e.dur as number), name: String(e.name) }]);
  }
  for (const [k, slices] of byTrack) {
    const sorted = [...slices].sort((a, b) => a.from - b.from || b.to - a.to);
    const stack: typeof sorted = [];
    for (const s of sorted) {
      while (stack.length > 0 && stack.at(-1)!.to <= s.from) stack.pop();
      const parent = stack.at(-1);
      if (parent !== undefined && s.to > parent.to) {
        problems.push(
          `track ${k}: "${s.name}" [${s.from}, ${s.to}) overlaps "${parent.name}" [${parent.from}, ${parent.to})`,
        );
      }
      stack.push(s);
    }
  }
  for (const e of events) {
    if (e.ph !== "s" && e.ph !== "f") continue;
    const at = nanos(e.ts as number);
    const slices = byTrack.get(`${String(e.pid)}/${String(e.tid)}`) ?? [];
    if (!slices.some((s) => s.from <= at && at < s.to))
      problems.push(`flow ${e.ph} ${String(e.id)} at ${at}: no slice`);
  }
  return problems;
}
