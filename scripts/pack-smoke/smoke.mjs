// The lost-wakeup scenario against the published tarballs, with plain node:
// a sleeper waits for a flag guarded by a spinlock, a waker sets it and calls
// wakeup. Releasing the spinlock before tsleep loses wakeups in some random
// schedules; msleep (tsleep_interlock first) loses none.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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
// The CommonJS build: its entry points share one copy of the machine's
// classes (the internal subpath reads a machine made through the main one),
// and its code keeps `?.`, `??` and class fields as written — lowered into
// helper calls (what tsup's CommonJS code splitting does through sucrase)
// it simulated 1.5 to 1.9 times slower.
const require = createRequire(import.meta.url);
const cjs = require("@kprim/machine");
const { coreOf } = require("@kprim/machine/internal");
const cm = cjs.createMachine({ cpus: 1 });
const cell = cm.cell("c", 0);
if (!coreOf(cm).cells.includes(cell)) throw new Error("the CommonJS entry points do not share one machine");
const dist = dirname(require.resolve("@kprim/machine"));
for (const f of readdirSync(dist).filter((f) => /\.c?js$/.test(f))) {
  const helper = /\b_(optionalChain|nullishCoalesce)\b|\b__init\d*\(/.exec(readFileSync(join(dist, f), "utf8"));
  if (helper) throw new Error(`@kprim/machine's ${f} lowers modern syntax into helper calls (${helper[0]}): slow`);
}
console.log("CommonJS build: one machine for both entry points, no syntax helpers");
console.log("pack smoke: ok");
