/**
 * The per-machine token system: request queues, the default mode, and the
 * scheduler hooks that give tokens their 2005 meaning.
 *
 * - On switch-out (`lwkt_switch`), queued remote requests are granted — a
 *   blocked holder's tokens go to whoever asked (release on block). Returning
 *   to a preempted thread skips this (preemption does not release).
 * - Before a thread runs again, every token it holds must be owned by its
 *   cpu again; missing ones are requested (`lwkt_chktokens`) and the thread
 *   is skipped until they arrive (the idle cpu watches the token words).
 * - A thread holding tokens never preempts (`lwkt_preempt`).
 *
 * Created on first use of a token on a machine; installs the
 * `token-exclusion` and `stale-read` detectors then.
 */
import { defineExtension, type Machine, type Thread } from "@kprim/machine";
import { staleRead, tokenExclusion } from "./detectors.js";
import { chktokens, drainRequests } from "./protocol.js";
import { MAGIC1, type TokRef, type TokenSystem, toks } from "./state.js";

export const TOKEN_SYSTEM = defineExtension<TokenSystem>("token", (m: Machine) => {
  const sys: TokenSystem = {
    machine: m,
    mode: "yield",
    ackQueued: false,
    tokens: [],
    queues: m.cpus.map((c) => m.cell<TokRef[]>(`tokreq${c.index}`, [], { cpu: c.index })),
    protectedBy: new Map(),
  };
  m.addHooks({
    name: "token",
    // lwkt_switch runs in its own critical section: the scheduler's calls always are in one.
    onSwitchOut: (tx) => drainRequests(tx, sys, true),
    canResume: (tx, t) => toks(t).refs.length === 0 || chktokens(tx, sys, t, true),
    // chktokens changes something only when it sends a request (a missing
    // token whose ref is idle); with every request in flight it just fails.
    resumeOutlook: (view, t) => {
      let missing = false;
      for (const ref of toks(t).refs) {
        if (view.peek(ref.tok.cell).cpu === t.cpu) continue;
        if (view.peek(ref.cell).magic === MAGIC1) return "acts";
        missing = true;
      }
      return missing ? "waits" : "runs";
    },
    canPreempt: (t) => toks(t).refs.length === 0,
    describeWait: (t: Thread) => {
      for (const ref of toks(t).refs) {
        const owner = m.peek(ref.tok.cell).cpu;
        if (owner !== t.cpu) return `waiting for token ${ref.tok.name} (owned by cpu${owner})`;
      }
      return undefined;
    },
  });
  m.addDetector(tokenExclusion());
  m.addDetector(staleRead(sys));
  return sys;
});

export function tokenSystem(m: Machine): TokenSystem {
  return m.ext(TOKEN_SYSTEM);
}
