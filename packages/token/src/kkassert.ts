/**
 * DragonFly's `KKASSERT(exp)` (sys/systm.h: `panic("assertion: %s in %s",
 * #exp, __func__)`): the panic message of a failed kernel assertion, in the
 * kernel's words — the C expression and the function that asserted it.
 */
export function kkassert(expr: string, fn: string): string {
  return `assertion: ${expr} in ${fn}`;
}
