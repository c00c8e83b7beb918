/**
 * The fast-check comparison: a 2-thread race under kprim's random strategy
 * (one machine reset between schedules, and a machine per schedule) against
 * the same race under fast-check's scheduler, with the bare generator loop
 * as the bound no generator-thread scheduler can beat.
 */
import { factoryOf } from "@kprim/explore/examples";
import { explore, type MachineFactory } from "@kprim/explore";
import { bump, idleContext, race as raceOn, rawBump } from "@kprim/machine/examples";
import fc from "fast-check";
import { cpuSeconds, median, seconds, timed } from "../measure.js";
import type { Section } from "../report/types.js";

/** The equivalent async race under fast-check's scheduler: two tasks load then store a shared counter, `k` times. */
async function fastCheckSchedules(n: number, k: number): Promise<number> {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const shared = { c: 0 };
      const task = async (): Promise<void> => {
        for (let i = 0; i < k; i++) {
          await s.schedule(Promise.resolve(), "load");
          const v = shared.c;
          await s.schedule(Promise.resolve(), "store");
          shared.c = v + 1;
        }
      };
      const both = Promise.all([task(), task()]);
      await s.waitAll();
      await both;
      runs++;
      return true;
    }),
    { numRuns: n, seed: 1 },
  );
  return runs;
}

/** The race (@kprim/machine/examples): two threads, one per cpu, each doing `k` times: load the counter, store it + 1. */
export function race(k: number): MachineFactory {
  return factoryOf({ name: `race-${k}`, cpus: 2, setup: (m) => [raceOn(m, k)] }, false);
}

/**
 * The bare bound: per schedule, two fresh generators of a body resumed in a
 * seeded random order (xorshift), each op done on the cell by hand — no
 * machine, no choice list, no checks. No scheduler that runs generator
 * threads one schedule at a time can go faster than this. `helpers`: the
 * race's own body (`yield*` of the kernel context's typed helpers); else
 * the same race written with raw ops (`yield op.load(c)`).
 */
export function bareSchedules(n: number, k: number, helpers = false): number {
  const { c, k: kc } = idleContext();
  let x = 1;
  let done = 0;
  for (let s = 0; s < n; s++) {
    c.v = 0;
    const gens = helpers ? [bump(kc, c, k), bump(kc, c, k)] : [rawBump(c, k), rawBump(c, k)];
    const input: unknown[] = [undefined, undefined];
    let live = 2;
    const finished = [false, false];
    while (live > 0) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      let i = x & 1;
      if (finished[i]) i = 1 - i;
      const r = gens[i]!.next(input[i]);
      if (r.done === true) {
        finished[i] = true;
        live--;
        continue;
      }
      const o = r.value;
      if (o.op === "load") input[i] = c.v;
      else if (o.op === "store") {
        c.v = o.value as number;
        input[i] = undefined;
      }
    }
    done++;
  }
  return done;
}

export async function fastCheckSection(quick: boolean): Promise<Section> {
  const repeats = quick ? 1 : 3;
  // Both sides get the same schedules and the same warm-up (one untimed run of all n): at 20,000
  // schedules kprim's run lasted ~25 ms, its timings were still in JIT warm-up (its second
  // run of 20,000 went at a quarter of its steady speed), and fast-check warmed on 200 runs only.
  const size = quick ? 2_000 : 200_000;
  const rows: (string | number)[][] = [];
  const data: {
    k: number;
    schedules: number;
    kprim: number;
    kprimFresh: number;
    fastCheck: number;
    ratio: number;
    freshRatio: number;
    bare: number;
    bareRatio: number;
    bareHelpers: number;
    bareHelpersRatio: number;
    kprimCpu: number;
    fastCheckCpu: number;
    cpuRatio: number;
  }[] = [];
  for (const k of [1, 100]) {
    const n = Math.max(200, Math.floor(size / k));
    const f = race(k);
    const machine = (reuseMachine: boolean) => (): number =>
      explore(f, { mode: { kind: "random", seed: 1, runs: n }, target: "panic", stopOnFound: false, reuseMachine })
        .executions;
    machine(true)();
    machine(false)();
    bareSchedules(n, k);
    bareSchedules(n, k, true);
    await fastCheckSchedules(n, k);
    const kp: number[] = [];
    const kf: number[] = [];
    const fr: number[] = [];
    const br: number[] = [];
    const bh: number[] = [];
    // Per CPU-second as well: on a loaded machine the wall clock times the other processes too.
    const kc: number[] = [];
    const fc1: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const c0 = process.cpuUsage();
      const m = timed(machine(true));
      kc.push(m.value / cpuSeconds(c0));
      kp.push(m.value / m.s);
      const mf = timed(machine(false));
      kf.push(mf.value / mf.s);
      const b = timed(() => bareSchedules(n, k));
      br.push(b.value / b.s);
      const bb = timed(() => bareSchedules(n, k, true));
      bh.push(bb.value / bb.s);
      const t0 = process.hrtime.bigint();
      const f0 = process.cpuUsage();
      const runs = await fastCheckSchedules(n, k);
      fc1.push(runs / cpuSeconds(f0));
      fr.push(runs / seconds(t0));
    }
    const kprim = median(kp);
    const kprimFresh = median(kf);
    const fastCheck = median(fr);
    const bare = median(br);
    const bareHelpers = median(bh);
    const kprimCpu = median(kc);
    const fastCheckCpu = median(fc1);
    data.push({
      k,
      schedules: n,
      kprim,
      kprimFresh,
      fastCheck,
      ratio: kprim / fastCheck,
      freshRatio: kprimFresh / fastCheck,
      bare,
      bareRatio: bare / fastCheck,
      bareHelpers,
      bareHelpersRatio: bareHelpers / fastCheck,
      kprimCpu,
      fastCheckCpu,
      cpuRatio: kprimCpu / fastCheckCpu,
    });
    rows.push([
      k,
      n,
      Math.round(kprim),
      Math.round(kprimFresh),
      Math.round(fastCheck),
      Number((kprim / fastCheck).toFixed(1)),
      Number((kprimFresh / fastCheck).toFixed(1)),
      Math.round(bare),
      Number((bare / fastCheck).toFixed(1)),
      Math.round(bareHelpers),
      Number((bareHelpers / fastCheck).toFixed(1)),
      Math.round(kprimCpu),
      Math.round(fastCheckCpu),
      Number((kprimCpu / fastCheckCpu).toFixed(1)),
    ]);
  }
  return {
    id: "fastcheck",
    title: "4. Schedules per second against fast-check",
    text: [
      `A 2-thread race — each thread loads a shared counter and stores it + 1, k times — run under kprim's random strategy (check mode off; one machine reset between schedules, and for comparison a machine built per schedule) and, as the equivalent async race, under fast-check's scheduler (\`fc.scheduler()\`, seed 1). Median of ${repeats} timing${repeats === 1 ? "" : "s"} each, in the same process, after one untimed run of the same size on each side (target ≥ 20× at k = 1). Both sides run the same number of schedules, ${size.toLocaleString("en")} ÷ k: shorter runs time the JIT's warm-up rather than the schedulers (at 20,000 schedules kprim's second run went at a quarter of its steady speed).`,
      `**kprim ÷ fast-check: ${data.map((d) => `${d.ratio.toFixed(1)}× at k = ${d.k}`).join(", ")}** (a machine per schedule: ${data.map((d) => `${d.freshRatio.toFixed(1)}×`).join(", ")}). Per CPU-second of the process (the same timings, counted in CPU time: what the wall clock gives on a loaded machine includes the time other processes took): ${data.map((d) => `${d.cpuRatio.toFixed(1)}× at k = ${d.k}`).join(", ")}.`,
      `The bare bound is the same race with no machine at all: two fresh generators per schedule resumed in a seeded random order, each op done on the cell by hand. No scheduler of generator threads can beat it, so it bounds the ratio any such simulator can reach: ${data.map((d) => `${d.bareRatio.toFixed(1)}× at k = ${d.k}`).join(", ")} with the body written in raw ops (\`yield op.load(c)\`), ${data.map((d) => `${d.bareHelpersRatio.toFixed(1)}× at k = ${d.k}`).join(", ")} with the race's own body (\`yield* kc.load(c)\`, the kernel context's typed helpers), which is what kprim runs.`,
    ],
    tables: [
      {
        header: [
          "k",
          "schedules",
          "kprim schedules/s",
          "kprim, machine per schedule",
          "fast-check schedules/s",
          "kprim ÷ fast-check",
          "machine per schedule ÷ fast-check",
          "bare bound schedules/s",
          "bare ÷ fast-check",
          "bare bound, race's body",
          "bare (race's body) ÷ fast-check",
          "kprim per CPU-second",
          "fast-check per CPU-second",
          "kprim ÷ fast-check per CPU-second",
        ],
        rows,
      },
    ],
    charts: [],
    data: { repeats, rows: data },
    errors: [],
  };
}
