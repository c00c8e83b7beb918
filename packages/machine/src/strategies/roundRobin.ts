/**
 * Round-robin: deterministic and fair. Cpus take turns; within a cpu, its
 * enabled choices take turns too (so a waiting IPI is not starved by a
 * thread that keeps stepping).
 */
import { type Choice, choiceCpu } from "../choice.js";
import type { Strategy } from "../strategy.js";

export function roundRobin(): Strategy {
  let lastCpu = -1;
  const turn = new Int32Array(32);
  return {
    name: "rr",
    choose(choices: readonly Choice[]): number {
      let best = -1;
      let bestKey = Infinity;
      for (let i = 0; i < choices.length; i++) {
        const key = (choiceCpu(choices[i]!) - lastCpu - 1 + 32) % 32;
        if (key < bestKey) {
          bestKey = key;
          best = i;
        }
      }
      const cpu = choiceCpu(choices[best]!);
      let n = 0;
      while (best + n < choices.length && choiceCpu(choices[best + n]!) === cpu) n++;
      const pick = best + (turn[cpu]!++ % n);
      lastCpu = cpu;
      return pick;
    },
  };
}
