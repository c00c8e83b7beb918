/**
 * The token layer as the Kernel composition sees it, bound to a contention
 * mode and a release behaviour. A plugin can supply another implementation.
 */
import type { Cell, Gen, KernelContext, Machine, Raises } from "@kprim/machine";
import type { TokRef, Token, TokenMode, TokenRelease } from "./state.js";
import { tokenSystem } from "./system.js";
import { createToken, lwktGettoken, lwktHavetoken, lwktReltoken, lwktTrytoken, protect } from "./token.js";

export interface TokenLayer {
  readonly name: string;
  /** What it can raise: its panics, its detectors, its console lines (a replacement declares its own). */
  readonly raises?: Raises;
  /** Mode of tokens created through this layer. */
  readonly mode: TokenMode;
  /** What a release does with requests for the token queued on its cpu (default rev1.18). */
  readonly releaseMode?: TokenRelease;
  create(machine: Machine, name: string, opts?: { cpu?: number }): Token;
  protect(machine: Machine, tok: Token, ...cells: Cell<any>[]): void;
  get(k: KernelContext, tok: Token): Gen<TokRef>;
  release(k: KernelContext, ref: TokRef): Gen<void>;
  tryGet(k: KernelContext, tok: Token): Gen<TokRef | null>;
  holds(k: KernelContext, tok: Token): boolean;
  /**
   * This layer with the run's options applied (`tokenMode`, `tokenRelease`),
   * called by the Kernel composition when a plugin puts the layer in place.
   * The built-in one returns `{ ...this, mode, releaseMode }` (its `create`
   * reads them from `this`), so a layer made by spreading it keeps its
   * members and gets the options. A layer without `configure` gets a run
   * whose options differ from its `mode` and `releaseMode` refused with one
   * line.
   */
  configure?(options: Readonly<Record<string, string>>): TokenLayer;
}

/**
 * What the 2005 tokens raise: the exclusion and stale-read detectors, rev
 * 1.18's "bad magic" panic and its assertions in the kernel's words
 * (`kkassert`: "assertion: <expression> in <function>").
 */
export const TOKEN_RAISES: Raises = Object.freeze({
  violations: ["token-exclusion", "stale-read"],
  panics: [
    "lwkt_chktoken(): token ref %s tok %s bad magic %s",
    "assertion: gd->gd_curthread->td_pri >= TDPRI_CRIT in lwkt_chktokens",
    "assertion: ref->tr_magic == LWKT_TOKREF_MAGIC2 in lwkt_reqtoken_remote",
    "assertion: gd->gd_curthread->td_pri >= TDPRI_CRIT in lwkt_drain_token_requests",
    "assertion: ref->tr_magic == LWKT_TOKREF_MAGIC2 in lwkt_drain_token_requests",
    "assertion: gd->gd_intr_nesting_level == 0 in _lwkt_gettokref",
    "assertion: gd->gd_intr_nesting_level == 0 in _lwkt_trytokref",
    "assertion: gd->gd_intr_nesting_level == 0 in lwkt_reltoken",
    "assertion: tok->t_cpu == gd in lwkt_reltoken",
    "assertion: ref != NULL in lwkt_reltoken",
  ],
});

/**
 * DragonFly's 2005 tokens in the given contention mode. `releaseMode`:
 * `rev1.18` (default) leaves requests queued on the releasing cpu for its
 * next drain, as lwkt_token.c rev 1.18 does; `ack-queued` acknowledges
 * those for the released token at once (kprim's earlier model).
 */
export function tokenLayer(mode: TokenMode, releaseMode: TokenRelease = "rev1.18"): TokenLayer {
  return Object.freeze({
    name: releaseMode === "rev1.18" ? `lwkt-2005-${mode}` : `lwkt-2005-${mode}-${releaseMode}`,
    raises: TOKEN_RAISES,
    mode,
    releaseMode,
    create(this: TokenLayer, machine: Machine, name: string, opts: { cpu?: number } = {}): Token {
      const sys = tokenSystem(machine);
      sys.mode = this.mode;
      sys.ackQueued = this.releaseMode === "ack-queued";
      return createToken(machine, name, { ...opts, mode: this.mode });
    },
    protect,
    get: lwktGettoken,
    release: lwktReltoken,
    tryGet: lwktTrytoken,
    holds: lwktHavetoken,
    configure(this: TokenLayer, options: Readonly<Record<string, string>>): TokenLayer {
      const m = (options["tokenMode"] as TokenMode | undefined) ?? this.mode;
      const r = (options["tokenRelease"] as TokenRelease | undefined) ?? "rev1.18";
      return m === this.mode && r === (this.releaseMode ?? "rev1.18")
        ? this
        : Object.freeze({ ...this, mode: m, releaseMode: r });
    },
  } satisfies TokenLayer);
}
