/**
 * Change stamps of the catalogue's detectors and extensions
 * (`Detector.stateStamp`, `Extension.stateStamp`: equal stamps promise
 * equal keys, and a state vector keeps a part's number without asking for
 * its key while the stamp is one it was written at). Over the catalogue,
 * under every variant, a stateful search that restores states checks at
 * every state that no stamp stands for two keys — a stamp that did not
 * move when its owner's state changed would keep a stale number and merge
 * two different states.
 */
import { describe, expect, it } from "vitest";
import { explore, type MachineFactory } from "@kprim/explore";
import { type Detector, type Extension, IDENTITY } from "@kprim/machine";
import { coreOf } from "@kprim/machine/internal";
import { catalogue, prepare, scenarioFactory, VARIANT_NAMES } from "../src/index.js";

/** What the checks saw: stamps that stood for two keys, checks made, stamps met again (with their key). */
interface Seen {
  readonly wrong: string[];
  checks: number;
  again: number;
}

/** Record `stamp` → `key` for `owner`, noting a stamp met again with another key. */
function check(seen: Seen, keys: Map<string, string>, owner: string, stamp: number, key: string): void {
  seen.checks++;
  const id = `${owner}@${stamp}`;
  const was = keys.get(id);
  if (was === undefined) keys.set(id, key);
  else if (was !== key)
    seen.wrong.push(`${owner}: stamp ${stamp} stood for ${JSON.stringify(was)}, now ${JSON.stringify(key)}`);
  else seen.again++;
}

/** `f`, with every stamped detector's stamp checked (and the stamped extensions' with it) each time it is asked. */
function checking(f: MachineFactory, seen: Seen): MachineFactory {
  return (req) => {
    const m = f(req);
    const core = coreOf(m);
    // Per machine: a stamp is its owner's, and the owners are this machine's.
    const keys = new Map<string, string>();
    core.detectors.forEach((d: Detector, i) => {
      const stamp = d.stateStamp;
      const key = d.stateKey;
      if (stamp === undefined || key === undefined) return;
      d.stateStamp = () => {
        const s = stamp.call(d);
        check(seen, keys, `detector ${i} ${d.name}`, s, key.call(d, IDENTITY));
        core.extensions?.forEach((v, e: Extension<unknown>) => {
          if (e.stateStamp !== undefined && e.stateKey !== undefined) {
            check(seen, keys, `extension ${e.name}`, e.stateStamp(v), e.stateKey(v));
          }
        });
        return s;
      };
    });
    return m;
  };
}

describe("change stamps of the catalogue's detectors and extensions", () => {
  it("no stamp stands for two keys in a stateful search that restores, over the catalogue", () => {
    const seen: Seen = { wrong: [], checks: 0, again: 0 };
    for (const s of catalogue) {
      for (const variant of VARIANT_NAMES) {
        const f = scenarioFactory(prepare({ scenario: s.name, variant }));
        explore(checking(f, seen), {
          mode: { kind: "dfs", stateful: true },
          maxStates: 120,
          stopOnFound: false,
        });
        if (seen.wrong.length !== 0) seen.wrong.unshift(`${s.name} under ${variant}:`);
        expect(seen.wrong).toEqual([]);
      }
    }
    // The checks ran, and stamps were met again (restores put back earlier ones).
    expect(seen.checks).toBeGreaterThan(10_000);
    expect(seen.again).toBeGreaterThan(1_000);
  });
});
