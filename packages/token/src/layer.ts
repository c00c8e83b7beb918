/**
 * The token layer as the Kernel composition sees it, bound to a contention
 * mode. A plugin can supply another implementation.
 */
import type { Cell, Gen, KernelContext, Machine } from "@kprim/machine";
import type { TokRef, Token, TokenMode } from "./state.js";
import { tokenSystem } from "./system.js";
import { createToken, lwktGettoken, lwktHavetoken, lwktReltoken, lwktTrytoken, protect } from "./token.js";

export interface TokenLayer {
  readonly name: string;
  /** Mode of tokens created through this layer. */
  readonly mode: TokenMode;
  create(machine: Machine, name: string, opts?: { cpu?: number }): Token;
  protect(machine: Machine, tok: Token, ...cells: Cell<any>[]): void;
  get(k: KernelContext, tok: Token): Gen<TokRef>;
  release(k: KernelContext, ref: TokRef): Gen<void>;
  tryGet(k: KernelContext, tok: Token): Gen<TokRef | null>;
  holds(k: KernelContext, tok: Token): boolean;
}

/** DragonFly's 2005 tokens in the given contention mode. */
export function tokenLayer(mode: TokenMode): TokenLayer {
  return Object.freeze({
    name: `lwkt-2005-${mode}`,
    mode,
    create(machine: Machine, name: string, opts: { cpu?: number } = {}): Token {
      tokenSystem(machine).mode = mode;
      return createToken(machine, name, { ...opts, mode });
    },
    protect,
    get: lwktGettoken,
    release: lwktReltoken,
    tryGet: lwktTrytoken,
    holds: lwktHavetoken,
  });
}
