/**
 * What the browser tests open: one run of a race as a trace document, and
 * the steps that make up its failure (the window must cover them).
 *
 * The run is R1 (spec §7.1), `getnewbuf-locked-buf` under variant TOK: the
 * explorer (PCT, seeded) looks for the acceptance oracle's signal for that
 * row — getnewbuf's console warning "locked buf %p, race corrected" — and
 * its shrunk schedule is replayed with the trace on.
 *
 * The run ends `ok`: the warning is an observation (rev 1.52 corrects the
 * race and restarts), so the document gets an explicit failure point, the
 * step that printed it, and an explicit racy window:
 *
 *   from getnewbuf's observation of the buffer — the scan step that picked
 *   it off its free queue (or, if earlier, the step at which the other
 *   thread took the lock it still held) — to the warning; inside it, the
 *   other thread's lock acquisition and getnewbuf's BUF_LOCK(NOWAIT)
 *   attempt that found the buffer locked.
 *
 * Those four steps are `failingSteps`. Why this window: the observation is
 * what went stale, the other thread's acquisition is what made it stale
 * (with a token interlock that thread's BUF_LOCK and bremfree are not atomic
 * with each other, so the buffer sits on CLEAN, locked), and the attempt and
 * the warning are where getnewbuf finds out. The default window of
 * @kprim/trace would give nothing: an `ok` run has none.
 */
import { formatSchedule, parseSchedule, replay, type RunResult, type TraceEvent } from "@kprim/machine";
import { exploreScenario, matrix, prepare, prepareFromHeader } from "@kprim/scenarios";
import { documentFromRun, type RacyWindow, type TraceDocument } from "@kprim/trace";

export const SCENARIO = "getnewbuf-locked-buf";
export const VARIANT = "TOK";

export interface Subject {
  readonly doc: TraceDocument;
  readonly result: RunResult;
  /** Steps the highlighted window must cover; the last is the failure point. */
  readonly failingSteps: readonly number[];
}

export function subject(): Subject {
  const row = matrix.rows.find((r) => r.id === "R1" && r.variant === VARIANT && r.expect === "found");
  if (row === undefined || !row.signal.startsWith("console:")) throw new Error(`matrix.json has no R1 ${VARIANT} row`);
  const text = row.signal.slice("console:".length);
  const found = exploreScenario(prepare({ scenario: SCENARIO, variant: VARIANT }), {
    mode: { kind: "pct", seed: 1, runs: 2000, depth: 2 },
    target: row.signal,
  });
  if (found.kind !== "found") throw new Error(`the explorer found no "${text}" in ${SCENARIO} [${VARIANT}]`);
  const schedule = parseSchedule(found.shrunk);
  const result = prepareFromHeader(schedule.header)
    .build({ strategy: replay(schedule.choices), trace: true })
    .run();
  const race = lockedBufRace(result, text);
  const doc = documentFromRun(result, {
    replayCommand: `kprim replay ${SCENARIO} --schedule '${formatSchedule(result.schedule)}'`,
    window: race.window,
    failurePoint: { step: race.warning, text: `console: ${race.line}` },
  });
  return { doc, result, failingSteps: race.steps };
}

interface LockedBufRace {
  readonly window: RacyWindow;
  /** The step that printed the warning. */
  readonly warning: number;
  readonly line: string;
  /** Observation, the other thread's acquisition, the lock attempt, the warning — in step order. */
  readonly steps: number[];
}

/** The R1 race in a traced run that printed `text` (see the file header). */
function lockedBufRace(result: RunResult, text: string): LockedBufRace {
  const line = result.console.find((l) => l.text.includes(text));
  const trace = result.trace ?? [];
  if (line === undefined) throw new Error(`the replayed run did not print "${text}"`);
  const events = trace.filter((e) => e.step <= line.step);
  const name = (id: number): string => result.threads.find((t) => t.id === id)?.name ?? `thread${id}`;
  const observe = lastOf(events, (e) => e.kind === "buf.observe" && e.detail === "busy" && e.step === line.step);
  if (observe === undefined) throw new Error(`no busy observation at step ${line.step}`);
  const me = observe.thread;
  const bp = observe.obj!;
  const lock = `b_lock ${bp}`;
  const mine = (e: TraceEvent): boolean => e.thread === me && e.kind === "op";
  const attempt = lastOf(events, (e) => mine(e) && e.detail === `lockmgr EXCLUSIVE ${lock}`);
  if (attempt === undefined) throw new Error(`no BUF_LOCK attempt on ${bp} before step ${line.step}`);
  const scan = lastOf(events, (e) => mine(e) && e.detail === "getnewbuf: scan" && e.step < attempt.step);
  if (scan === undefined) throw new Error(`no getnewbuf scan before step ${attempt.step}`);
  const holder = heldAt(events, lock, me, attempt.step);
  if (holder === undefined) throw new Error(`nobody else held ${lock} at step ${attempt.step}`);
  const steps = [...new Set([scan.step, holder.step, attempt.step, line.step])].sort((a, b) => a - b);
  const reason =
    `${name(me)}'s getnewbuf picked ${bp} off its free queue at step ${scan.step}, ${name(holder.thread)} ` +
    `locked it at step ${holder.step} and still held it, ${name(me)}'s BUF_LOCK(NOWAIT) at step ${attempt.step} ` +
    `found it locked, and getnewbuf warned at step ${line.step}`;
  return { window: { fromStep: steps[0]!, toStep: line.step, reason }, warning: line.step, line: line.text, steps };
}

function lastOf(events: readonly TraceEvent[], pred: (e: TraceEvent) => boolean): TraceEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (pred(events[i]!)) return events[i];
  return undefined;
}

/** The acquisition of `lock` by a thread other than `me` still held at step `at`. */
function heldAt(events: readonly TraceEvent[], lock: string, me: number, at: number): TraceEvent | undefined {
  const open = new Map<number, TraceEvent>();
  for (const e of events) {
    if (e.step >= at || e.obj !== lock) continue;
    if (e.kind === "lock.acquire" || e.kind === "lock.try-acquire") open.set(e.thread, e);
    else if (e.kind === "lock.release") open.delete(e.thread);
  }
  open.delete(me);
  return [...open.values()].sort((a, b) => a.seq - b.seq).at(-1);
}
