/**
 * Give and go on: a worker that hears a call for work (another worker is
 * idle) hands back one unit and goes on with the rest at once, instead of
 * handing back everything it has not explored and waiting, idle in turn, for
 * the coordinator to send it a job (as work stealing does: the thief takes
 * the oldest, largest piece; the owner keeps the rest and never stops).
 *
 * The units left open when a job is cut are the cut unit's frontier — at each
 * frontier node, the choices not started — and the job's own units not
 * started. In the search's depth-first order the last of them is the
 * shallowest: that one is handed back; the worker goes on with the others as
 * the job's continuation, `${id}+` (`continuationOf`), a job of its own in
 * every other respect (cut again by the next call, explored on the worker's
 * one engine). The coordinator holds the kept units as out under that id and
 * hands out the rest (UnitTree.give); a continuation's units are those the
 * coordinator would have made from the same frontier — the same key, path,
 * sleep set and choices before — so each is explored as it would have been
 * as a job of its own, and the search is the same search.
 *
 * A continuation is not a job on the queue: if its worker dies, the queue
 * hands the job it came from out again, whose result comes back twice; the
 * driver then hands the units of its continuations still out to others
 * (UnitTree.reissue). Plain data, no clock.
 */
import type { UnitOutcome, WorkUnit } from "../exhaustive/units.js";
import type { CarryNode, Job, JobResult } from "./jobs.js";

/** The id of a job's continuation. */
export const continuationId = (id: string): string => `${id}+`;

/**
 * The units a cut unit left at its frontier, in the search's order, each as
 * the coordinator makes it from the same frontier (UnitTree's takeSlice and
 * unitOf): deepest node first, its choices in order.
 */
export function frontierUnits(
  unit: WorkUnit,
  outcome: UnitOutcome,
  /** The choices scheduled at the nodes above the unit, as best known. */
  above: readonly (readonly number[])[] = unit.known,
): WorkUnit[] {
  const levels: WorkUnit[][] = [];
  let key = [...unit.key];
  const known: (readonly number[])[] = [...above];
  for (const f of outcome.frontier) {
    known.push(f.backtrack);
    const path = outcome.path.slice(0, f.depth);
    const here: WorkUnit[] = [];
    const above = known.slice();
    for (let i = f.started; i < f.backtrack.length; i++) {
      here.push({
        key: [...key, i],
        path: [...path, f.backtrack[i]!],
        sleep: f.sleep,
        before: f.backtrack.slice(0, i).map((choice, x) => ({ choice, footprint: f.footprints[x] ?? null })),
        known: above,
      });
    }
    levels.push(here);
    key = [...key, f.started - 1];
  }
  return levels.reverse().flat();
}

/** The cut unit's frontier nodes as a continuation carries them (carry.ts): sleep sets and known footprints. */
export function frontierCarry(outcome: UnitOutcome): CarryNode[] {
  return outcome.frontier.map((f) => ({ sleep: f.sleep, fps: f.backtrack.map((_, x) => f.footprints[x] ?? null) }));
}

/**
 * What a job cut by a call for work keeps (`kept`): every open unit but the
 * last; the one unit when only one is open (handing it over would only move
 * the idleness); none when nothing is open.
 */
export function keptOf(open: readonly WorkUnit[]): readonly WorkUnit[] | undefined {
  if (open.length === 0) return undefined;
  return open.length === 1 ? open : open.slice(0, -1);
}

/** The job a worker goes on with after posting this result (null: the job has ended). */
export function continuationOf(job: Job, result: JobResult): Job | null {
  const w = job.work;
  if (result.kind !== "units" || result.kept === undefined || w.kind !== "units") return null;
  return {
    id: continuationId(job.id),
    search: job.search,
    work: {
      kind: "units",
      units: result.kept,
      ...(w.idleSplit !== undefined ? { idleSplit: w.idleSplit } : {}),
      keep: true,
      ...(result.keptCarry !== undefined ? { carry: result.keptCarry } : {}),
      ...(result.keptCarry?.budget !== undefined ? { budget: result.keptCarry.budget } : {}),
    },
  };
}
