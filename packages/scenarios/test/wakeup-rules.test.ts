/**
 * Sleep-queue rules of spec §5.3–5.4 that had no test of their own (issue
 * 19), each checked in every schedule (exhaustive DPOR), with its failing
 * twin where one exists:
 *
 * - wakeup_one passes on to the next cpu whose bit is set, when a cpu whose
 *   bit is set has no sleeper on the ident (a sleeper on another ident of
 *   the same bucket set it). A wakeup_one that stops at the first such cpu
 *   loses the wakeup.
 * - A timeout racing a wakeup: the sleeper returns 0 if the wakeup took it
 *   off the queue first, EWOULDBLOCK if the timeout did.
 * - wakeup_one moves on to the next sleeper when the first has already
 *   timed out (endtsleep took it off the queue). A sleep queue whose timeout
 *   leaves the timed-out sleeper linked is caught by DragonFly's own
 *   assertion in _wakeup.
 */
import { type BuildRequest, explore, type ExploreResult } from "@kprim/explore";
import {
  type Cell,
  createMachine,
  type Detector,
  type Gen,
  type KernelContext,
  type Machine,
  maskNextAfter,
  random,
  type Thread,
  type Tx,
} from "@kprim/machine";
import {
  bucketOf,
  collidingIdent,
  declareCondition,
  EWOULDBLOCK,
  type Ident,
  newIdent,
  type SleepHash,
  sleepHash,
  sleepState,
  tsleep,
  tsleepInterlock,
  wakeup,
  wakeupHere,
  wakeupOne,
} from "@kprim/sleepq";
import { describe, expect, it } from "vitest";

function machine(req: BuildRequest, cpus: number): Machine {
  return createMachine({
    cpus,
    strategy: req.strategy,
    ...(req.recordFootprints !== undefined ? { recordFootprints: req.recordFootprints } : {}),
    ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
    ...(req.detectors ? { detectors: req.detectors } : {}),
    ...(req.trace !== undefined ? { trace: req.trace } : {}),
  });
}

const dpor = (factory: (req: BuildRequest) => Machine): ExploreResult =>
  explore(factory, { mode: { kind: "dpor" }, target: "failure", shrink: false });

const failureOf = (r: ExploreResult): string => (r.kind === "found" ? r.failure : "none");

/** Sleep on X until `flag` is set, with the interlock (critical section, tsleep_interlock, test, tsleep). */
function* sleepUntil(k: KernelContext, X: Ident, flag: Cell<number>, timo = 0): Gen<number> {
  k.critEnter();
  yield* tsleepInterlock(k, X);
  const v = yield* k.load(flag);
  const e = v !== 0 ? 0 : yield* tsleep(k, X, { interlocked: true }, "flag", timo);
  k.critExit();
  return e;
}

// ------------------------------------------------------------ wakeup_one passes on

/** A wakeup_one that stops at the first cpu whose bit is set (the twin: it does not pass on). */
function* wakeupOneStopping(k: KernelContext, X: Ident): Gen<void> {
  const h = sleepHash(k.machine);
  const maskCell = h.masks[bucketOf(X)]!;
  yield* k.atomic(`wakeup_one ${X.name} (stops at the first cpu)`, { writes: [maskCell] }, (tx) => {
    tx.event("sleepq.wakeup", X.name, "wakeup_one");
    const next = maskNextAfter(tx.read(maskCell) as never, tx.cpu, tx.cpu, h.machine.ncpus);
    if (next < 0) return;
    tx.sendIpi(
      next,
      `_wakeup_mycpu_one(${X.name})`,
      (itx) => wakeupHere(itx, h, X, { one: true, start: tx.cpu, mycpu: true }),
      {
        writes: [maskCell],
      },
    );
  });
}

function passOnFactory(stopping: boolean) {
  return (req: BuildRequest): Machine => {
    const m = machine(req, 3);
    const X = newIdent(m, "X");
    const Y = collidingIdent(m, "Y", X); // same bucket: its sleeper sets cpu1's bit for X's bucket too
    const flag = m.cell("flag", 0);
    const yReady = m.cell("yReady", 0);
    declareCondition(m, X, { cells: [flag], holds: (v) => v.peek(flag) !== 0, describe: "the flag is set" });
    m.spawn({ cpu: 1, name: "T_Y", daemon: true, body: (k) => sleepForever(k, Y, yReady) });
    m.spawn({ cpu: 2, name: "T_S", body: (k) => sleepUntil(k, X, flag) });
    m.spawn({ cpu: 0, name: "T_W", body: (k) => wakeOne(k, X, flag, yReady, stopping) });
    return m;
  };
}

/** Interlock on Y (cpu1's bit) and sleep there for good. */
function* sleepForever(k: KernelContext, Y: Ident, ready: Cell<number>): Gen<void> {
  k.critEnter();
  yield* tsleepInterlock(k, Y);
  yield* k.store(ready, 1);
  yield* tsleep(k, Y, { interlocked: true }, "forever", 0);
  k.critExit();
}

/** Once cpu1's bit is set, set the flag and wake one sleeper on X. */
function* wakeOne(k: KernelContext, X: Ident, flag: Cell<number>, yReady: Cell<number>, stopping: boolean): Gen<void> {
  yield* k.spinUntil("cpu1's bit set", [yReady], (tx) => tx.read(yReady) === 1);
  yield* k.store(flag, 1);
  if (stopping) yield* wakeupOneStopping(k, X);
  else yield* wakeupOne(k, X);
}

describe("wakeup_one passes on to the next cpu whose bit is set", () => {
  it("past a cpu whose bit is set for another ident of the bucket, to the sleeper's cpu: no schedule loses it", () => {
    const r = dpor(passOnFactory(false));
    expect(failureOf(r)).toBe("none");
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
  });

  it("and the hop through cpu1 happens (random schedules: a _wakeup IPI to cpu1, then one to cpu2)", () => {
    const f = passOnFactory(false);
    let hopped = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const r = f({ strategy: random({ seed }), trace: true }).run();
      const sends = r
        .trace!.filter((e) => e.kind === "ipi-send" && e.obj?.startsWith("_wakeup(X)"))
        .map((e) => e.detail);
      if (sends.join(",") === "to cpu1,to cpu2") hopped++;
    }
    expect(hopped).toBeGreaterThan(0);
  });

  it("its failing twin — a wakeup_one that stops at the first cpu whose bit is set — loses the wakeup", () => {
    expect(failureOf(dpor(passOnFactory(true)))).toMatch(/^violation at step \d+: \[lost-wakeup\] T_S sleeps on X/);
  });
});

// ------------------------------------------------------------ a timeout racing a wakeup

/** Checks each sleeper's result against what took it off the queue first (the woken or the timeout event). */
function resultMatchesCause(results: Map<string, Cell<number>>): Detector {
  const first = new Map<string, "woken" | "timeout">();
  const cellOf = new Map<number, string>();
  for (const [name, c] of results) cellOf.set(c.id, name);
  return {
    name: "result-matches-cause",
    footprints: true,
    stateKey: () =>
      Array.from(first, ([n, c]) => `${n}=${c}`)
        .sort()
        .join(","),
    onStep(rec, view) {
      for (const ev of rec.events) {
        if (ev.kind === "sleepq.woken" && ev.detail !== undefined && !first.has(ev.detail))
          first.set(ev.detail, "woken");
        if (ev.kind === "timeout" && ev.detail !== undefined && !first.has(ev.detail)) first.set(ev.detail, "timeout");
      }
      for (const id of rec.writes) {
        const name = cellOf.get(id);
        if (name === undefined) continue;
        const e = view.peek(results.get(name)!);
        const cause = first.get(name);
        if (cause === undefined) continue; // it never slept (the flag was already set)
        const want = cause === "woken" ? 0 : EWOULDBLOCK;
        if (e !== want) return { message: `${name} returned ${e} although the ${cause} took it off the queue first` };
      }
      return undefined;
    },
  };
}

function raceWorld(req: BuildRequest): { m: Machine; res: Cell<number> } {
  const m = machine(req, 2);
  const X = newIdent(m, "X");
  const flag = m.cell("flag", 0);
  const res = m.cell("res", -1);
  declareCondition(m, X, { cells: [flag], holds: (v) => v.peek(flag) !== 0, describe: "the flag is set" });
  m.addDetector(resultMatchesCause(new Map([["T_S", res]])));
  m.spawn({ cpu: 0, name: "T_S", body: (k) => sleepAndRecord(k, X, flag, res, 1) });
  m.spawn({ cpu: 1, name: "T_W", body: (k) => setAndWake(k, X, flag) });
  return { m, res };
}

const raceFactory = (req: BuildRequest): Machine => raceWorld(req).m;

function* sleepAndRecord(k: KernelContext, X: Ident, flag: Cell<number>, res: Cell<number>, timo: number): Gen<void> {
  const e = yield* sleepUntil(k, X, flag, timo);
  yield* k.store(res, e);
}

function* setAndWake(k: KernelContext, X: Ident, flag: Cell<number>): Gen<void> {
  yield* k.store(flag, 1);
  yield* wakeup(k, X);
}

describe("a timeout racing a wakeup", () => {
  it("the sleeper returns 0 when the wakeup took it off the queue first, EWOULDBLOCK when the timeout did (every schedule)", () => {
    const r = dpor(raceFactory);
    expect(failureOf(r)).toBe("none");
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
  });

  it("both happen (random schedules)", () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const { m, res } = raceWorld({ strategy: random({ seed }) });
      m.run();
      seen.add(m.peek(res));
    }
    expect([...seen]).toEqual(expect.arrayContaining([0, EWOULDBLOCK]));
  });
});

// ------------------------------------------------------------ wakeup_one and a timed-out sleeper

/**
 * A deliberately broken tsleep for the twin: its timeout marks the sleeper
 * off the queue and schedules it but leaves it linked in its bucket.
 */
function* brokenTimedSleep(k: KernelContext, X: Ident, timo: number): Gen<number> {
  const h = sleepHash(k.machine);
  const t = k.thread;
  const st = sleepState(t);
  const b = bucketOf(X);
  const mask = h.masks[b]!;
  k.critEnter();
  yield* k.atomic(`tsleep ${X.name} (broken timeout)`, { writes: [mask] }, (tx) => {
    bucket(tx, h, b).push(t);
    st.queued = true;
    st.timedOut = false;
    st.wchan = X;
    tx.write(mask, (tx.read(mask) | (1 << tx.cpu)) >>> 0);
    tx.event("sleepq.tsleep", X.name, "x");
    tx.block(`asleep on ${X.name}`, {
      ticks: timo,
      label: `endtsleep(${t.name})`,
      fp: { writes: [mask] },
      fire: (ftx) => {
        if (!st.queued) return;
        st.queued = false; // but still linked: the bug
        st.timedOut = true;
        ftx.schedule(t);
      },
    });
  });
  const e = st.timedOut ? EWOULDBLOCK : 0;
  st.wchan = null;
  k.critExit();
  return e;
}

function bucket(tx: Tx, h: SleepHash, b: number): Thread[] {
  const qs = tx.mutate(h.queues[tx.cpu]!);
  if (qs[b]!.length === 0) qs[b] = [];
  return qs[b]!;
}

/** Checks, at the end, that a wakeup_one reached S2 whenever S1 had already timed out. */
function wakeupOneMovedOn(res1: Cell<number>, res2: Cell<number>): Detector {
  return {
    name: "wakeup-one-moved-on",
    stateKey: () => "",
    onStep: () => undefined,
    atQuiescence(view) {
      const [e1, e2] = [view.peek(res1), view.peek(res2)];
      if (e1 === EWOULDBLOCK && e2 !== 0) return { message: "S1 timed out and the wakeup_one did not reach S2" };
      if (e1 === 0 && e2 !== -1) return { message: "the wakeup_one woke both S1 and S2" };
      return undefined;
    },
  };
}

function timedOutFirstWorld(
  req: BuildRequest,
  broken: boolean,
): { m: Machine; res1: Cell<number>; res2: Cell<number> } {
  {
    const m = machine(req, 2);
    const X = newIdent(m, "X");
    const res1 = m.cell("res1", -1);
    const res2 = m.cell("res2", -1);
    const asleep = m.cell("asleep", 0);
    m.addDetector(wakeupOneMovedOn(res1, res2));
    m.spawn({ cpu: 0, name: "S1", body: (k) => timedSleeper(k, X, res1, asleep, broken) });
    m.spawn({ cpu: 0, name: "S2", daemon: true, body: (k) => plainSleeper(k, X, res2, asleep) });
    // Keeps cpu0 busy after both sleep, so a timed-out S1 can wait in the run queue, still
    // on X, when the wakeup_one's _wakeup runs there.
    m.spawn({ cpu: 0, name: "B", body: (k) => busy(k) });
    m.spawn({ cpu: 1, name: "W", body: (k) => wakeOneWhenBothAsleep(k, X, asleep) });
    return { m, res1, res2 };
  }
}

const timedOutFirstFactory =
  (broken: boolean) =>
  (req: BuildRequest): Machine =>
    timedOutFirstWorld(req, broken).m;

/** S1: sleeps on X with a timeout of one tick (queued first), and records what tsleep returned. */
function* timedSleeper(
  k: KernelContext,
  X: Ident,
  res: Cell<number>,
  asleep: Cell<number>,
  broken: boolean,
): Gen<void> {
  yield* k.add(asleep, 1);
  const e = broken ? yield* brokenTimedSleep(k, X, 1) : yield* tsleep(k, X, {}, "x", 1);
  yield* k.store(res, e);
}

/** S2: sleeps on X without a timeout (a daemon: a wakeup_one that woke S1 leaves it asleep). */
function* plainSleeper(k: KernelContext, X: Ident, res: Cell<number>, asleep: Cell<number>): Gen<void> {
  yield* k.add(asleep, 1);
  const e = yield* tsleep(k, X, {}, "x", 0);
  yield* k.store(res, e);
}

function* busy(k: KernelContext): Gen<void> {
  for (let i = 0; i < 3; i++) yield* k.nop("busy");
}

function* wakeOneWhenBothAsleep(k: KernelContext, X: Ident, asleep: Cell<number>): Gen<void> {
  const mask = sleepHash(k.machine).masks[bucketOf(X)]!;
  yield* k.spinUntil("both counted", [asleep], (tx) => tx.read(asleep) === 2);
  yield* k.spinUntil("cpu0's bit set", [mask], (tx) => tx.read(mask) !== 0);
  yield* wakeupOne(k, X);
}

describe("wakeup_one and a sleeper that already timed out", () => {
  it("moves on to the next sleeper: S2 is woken whenever S1 timed out first, and only then (every schedule)", () => {
    const r = dpor(timedOutFirstFactory(false));
    expect(failureOf(r)).toBe("none");
    expect(r.kind === "not-found" && r.exhausted).toBe(true);
  });

  it("both orders happen (random schedules)", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const { m, res1, res2 } = timedOutFirstWorld({ strategy: random({ seed }) }, false);
      m.run();
      seen.add(`${m.peek(res1)}/${m.peek(res2)}`);
    }
    expect([...seen].sort()).toEqual([`0/-1`, `${EWOULDBLOCK}/0`].sort());
  });

  it("its failing twin — a timeout that leaves the timed-out sleeper linked — trips DragonFly's assertion in _wakeup", () => {
    expect(failureOf(dpor(timedOutFirstFactory(true)))).toMatch(/assertion: td->td_flags & TDF_TSLEEPQ in _wakeup$/);
  });
});
