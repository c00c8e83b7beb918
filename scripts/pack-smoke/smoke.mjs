// The lost-wakeup scenario against the published tarballs, with plain node:
// a sleeper waits for a flag guarded by a spinlock, a waker sets it and calls
// wakeup. Releasing the spinlock before tsleep loses wakeups in some random
// schedules; msleep (tsleep_interlock first) loses none.
import { createMachine, random } from "@kprim/machine";
import { createSpinlock, spinLock, spinUnlock } from "@kprim/spinlock";
import { declareCondition, msleep, newIdent, tsleep, wakeup } from "@kprim/sleepq";

function run(seed, interlocked) {
  const m = createMachine({ cpus: 2, strategy: random({ seed }) });
  const S = createSpinlock(m, "S");
  const X = newIdent(m, "X");
  const flag = m.cell("flag", 0);
  declareCondition(m, X, { cells: [flag], holds: (v) => v.peek(flag) !== 0, describe: "the flag is set" });
  const lock = { name: "S", release: (k) => spinUnlock(k, S), acquire: (k) => spinLock(k, S) };
  m.spawn({
    cpu: 0,
    name: "sleeper",
    *body(k) {
      yield* spinLock(k, S);
      while ((yield* k.load(flag)) === 0) {
        if (interlocked) yield* msleep(k, X, lock, "flag", 0);
        else {
          yield* spinUnlock(k, S);
          yield* tsleep(k, X, { interlocked: false }, "flag", 0);
          yield* spinLock(k, S);
        }
      }
      yield* spinUnlock(k, S);
    },
  });
  m.spawn({
    cpu: 1,
    name: "waker",
    *body(k) {
      yield* spinLock(k, S);
      yield* k.store(flag, 1);
      yield* spinUnlock(k, S);
      yield* wakeup(k, X);
    },
  });
  return m.run().outcome;
}

const tally = (interlocked) => {
  const kinds = {};
  for (let seed = 1; seed <= 500; seed++) {
    const o = run(seed, interlocked);
    const key = o.kind === "violation" ? `violation:${o.detector}` : o.kind;
    kinds[key] = (kinds[key] ?? 0) + 1;
  }
  return kinds;
};

const naive = tally(false);
const safe = tally(true);
console.log(`release then tsleep: ${JSON.stringify(naive)}`);
console.log(`msleep (tsleep_interlock): ${JSON.stringify(safe)}`);
if (!naive["violation:lost-wakeup"]) throw new Error("expected a lost wakeup without the interlock");
if (Object.keys(safe).join() !== "ok") throw new Error("expected every run to be ok with msleep");
console.log("pack smoke: ok");
