/**
 * The trail: the choices a run took, in chunks that are never copied as the
 * run grows, and the schedule made from them on demand.
 */
import type { Choice } from "../choice.js";
import type { Schedule, ScheduleHeader } from "../schedule.js";
import type { Core } from "./core.js";

/**
 * The first chunk's length. As long as `EAGER`: a run restored to a state
 * in its first chunk (an exhaustive search going back to a branch point)
 * and running on past it would otherwise allocate a second chunk every time.
 */
export const FIRST_CHUNK = 64;

/** Append the choice being taken. */
export function pushChoice(core: Core, choice: Choice): void {
  if (core.trailAt === core.trail.length) nextChunk(core);
  core.trail[core.trailAt++] = choice;
}

/** The chunk is full: start another, twice as long up to 64K choices (small runs stay small). */
function nextChunk(core: Core): void {
  core.trailChunks.push(core.trail);
  core.trail = new Int32Array(Math.min(core.trail.length * 2, 1 << 16));
  core.trailAt = 0;
}

/**
 * Runs up to this many steps get their choice list at once (a plain record:
 * cheaper than a lazy one). At least the first chunk's length: a
 * schedule of a run that never left its first chunk holds no chunk, so a
 * machine reset for another run (states/reset.ts) may fill it again.
 */
const EAGER = 64;

/** The run's schedule (a long run's choice list built on first read). */
export function scheduleOf(core: Core): Schedule {
  const n = core.trailAt;
  if (core.trailChunks.length === 0 && n <= EAGER) {
    const trail = core.trail;
    // Made at its size and filled (holey, for V8: pushing onto a literal allocated its storage three times
    // for 18 choices, and a DPOR search makes one per execution).
    const choices = new Array<Choice>(n);
    for (let i = 0; i < n; i++) choices[i] = trail[i] as Choice;
    return { header: core.header, choices };
  }
  for (const chunk of core.trailChunks) held.add(chunk);
  held.add(core.trail);
  anyHeld = true;
  return new TrailSchedule(core.header, core.trailChunks.slice(), core.trail, n);
}

/**
 * Chunks a lazily built schedule reads: never written below what it read.
 * A run only appends, so the one way back into such a chunk is a restore
 * to a state saved in it (states/snapshot.ts), which takes a copy through
 * `writableTrail` — a schedule handed out before the restore keeps the
 * choices of its own run however the machine runs on.
 */
const held = new WeakSet<Int32Array>();
/** Has any chunk been held (until then a restore asks the set nothing: most searches' runs fit their first chunk)? */
let anyHeld = false;

/** The chunk to go on filling from a saved state: `chunk` itself, or a copy if a schedule holds it. */
export function writableTrail(chunk: Int32Array): Int32Array {
  return anyHeld && held.has(chunk) ? chunk.slice() : chunk;
}

/** The choices taken so far. */
export function choicesTaken(core: Core): readonly Choice[] {
  return scheduleOf(core).choices;
}

/**
 * A run's schedule, its choice list built from the trail on first read: most
 * runs (an explorer's, a benchmark's) never look at it, and a long run's list
 * is a large array. `choices` is an own enumerable accessor, so spreads, JSON
 * and structured clones (worker threads) still see a plain array. Every
 * schedule shares the one accessor, and with it one hidden class: a getter
 * made per object would give each object a map of its own, which V8 keeps in
 * old space with everything the getter holds until the next full collection.
 */
class TrailSchedule implements Schedule {
  declare readonly choices: readonly Choice[];
  readonly #full: readonly Int32Array[];
  readonly #last: Int32Array;
  readonly #n: number;
  #choices: Choice[] | undefined = undefined;

  constructor(
    readonly header: ScheduleHeader,
    full: readonly Int32Array[],
    last: Int32Array,
    n: number,
  ) {
    this.#full = full;
    this.#last = last;
    this.#n = n;
    Object.defineProperty(this, "choices", CHOICES);
  }

  static choicesOf(s: TrailSchedule): Choice[] {
    if (s.#choices === undefined) {
      const out: Choice[] = [];
      for (const chunk of s.#full) for (let i = 0; i < chunk.length; i++) out.push(chunk[i] as Choice);
      for (let i = 0; i < s.#n; i++) out.push(s.#last[i] as Choice);
      s.#choices = out;
    }
    return s.#choices;
  }
}

const CHOICES: PropertyDescriptor = {
  enumerable: true,
  get(this: TrailSchedule): readonly Choice[] {
    return TrailSchedule.choicesOf(this);
  },
};
