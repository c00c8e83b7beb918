/**
 * @kprim/token — DragonFly BSD's 2005 LWKT serializing tokens on the kprim machine.
 */
export { describeTokens, type TokenDescription } from "./describe.js";
export { staleRead, tokenExclusion } from "./detectors.js";
export { TOKEN_RAISES, type TokenLayer, tokenLayer } from "./layer.js";
export { chktokens, drainRequests, heldOnCpu, reqtokenRemote } from "./protocol.js";
export {
  MAGIC1,
  MAGIC2,
  type ThreadTokens,
  TokRef,
  type Token,
  type TokenMode,
  type TokenRelease,
  type TokenSystem,
  toks,
} from "./state.js";
export { TOKEN_SYSTEM, tokenSystem } from "./system.js";
export { createToken, heldTokens, lwktGettoken, lwktHavetoken, lwktReltoken, lwktTrytoken, protect } from "./token.js";
