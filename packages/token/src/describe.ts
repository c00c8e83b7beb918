/**
 * The tokens of a machine in words, for displays of its state (a person
 * stepping a run, the browser playground's state panel): which cpu owns
 * each token (a token is owned by a cpu, not a thread), where a release
 * hands it, and the remote requests queued on each cpu. Read-only: it peeks
 * at the token words and request queues and never makes the token system of
 * a machine that has none. (Which threads hold a token logically — their
 * `td_toks` — is what the trace's lock events say.)
 */
import type { MachineView } from "@kprim/machine";
import { TOKEN_SYSTEM } from "./system.js";

export interface TokenDescription {
  readonly name: string;
  readonly mode: string;
  /** t_cpu: the cpu that owns it. */
  readonly cpu: number;
  /** t_reqcpu: where a release hands it. */
  readonly reqcpu: number;
  /** Requests for it queued at its owner's cpu: the requesting thread and its cpu. */
  readonly requests: readonly { readonly thread: string; readonly cpu: number }[];
}

/** Every token of the machine, in creation order ([] when it has none). */
export function describeTokens(view: MachineView): TokenDescription[] {
  const sys = view.peekExt(TOKEN_SYSTEM);
  if (sys === undefined) return [];
  const queued = sys.queues.flatMap((q) => view.peek(q));
  return sys.tokens.map((tok) => {
    const w = view.peek(tok.cell);
    return {
      name: tok.name,
      mode: tok.mode,
      cpu: w.cpu,
      reqcpu: w.reqcpu,
      requests: queued.filter((r) => r.tok === tok).map((r) => ({ thread: r.thread.name, cpu: r.thread.cpu })),
    };
  });
}
