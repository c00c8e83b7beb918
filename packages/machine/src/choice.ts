/**
 * Choices: the enabled actions at a step boundary, each with a stable identity
 * (cpu, kind, and the sender or thread it concerns). A choice is a packed
 * integer so the hot loop allocates nothing:
 *
 *     bits 0..4  cpu
 *     bits 5..7  kind
 *     bits 8..   argument (sender cpu, or thread id)
 */

export type Choice = number & { readonly __choice: unique symbol };

export const ChoiceKind = {
  /** Step the cpu's current thread. */
  step: 0,
  /** Take the head of one sender's IPI FIFO (argument: sender cpu). */
  ipi: 1,
  /** An interrupt thread takes the cpu (argument: thread id). */
  interrupt: 2,
  /** Fire the timeout of a sleeping thread (argument: thread id). */
  timeout: 3,
  /** An idle cpu retries its dispatch after what it waited for changed. */
  dispatch: 4,
} as const;

export type ChoiceKindCode = (typeof ChoiceKind)[keyof typeof ChoiceKind];

const LETTER = ["s", "i", "p", "t", "d"] as const;

export function makeChoice(cpu: number, kind: ChoiceKindCode, arg = 0): Choice {
  return (cpu | (kind << 5) | (arg << 8)) as Choice;
}

export function choiceCpu(c: Choice): number {
  return c & 31;
}

export function choiceKind(c: Choice): ChoiceKindCode {
  return ((c >>> 5) & 7) as ChoiceKindCode;
}

export function choiceArg(c: Choice): number {
  return c >>> 8;
}

/** `0s` step cpu 0; `1i0` cpu 1 takes an IPI from cpu 0; `0p3` thread 3 interrupts cpu 0; `0t2` timeout of thread 2; `1d` dispatch retry. */
export function formatChoice(c: Choice): string {
  const kind = choiceKind(c);
  const letter = LETTER[kind] ?? "?";
  const cpu = choiceCpu(c);
  if (kind === ChoiceKind.step || kind === ChoiceKind.dispatch) return `${cpu}${letter}`;
  return `${cpu}${letter}${choiceArg(c)}`;
}

const CHOICE_RE = /^(\d+)([sipdt])(\d*)$/;

/** Inverse of `formatChoice`; undefined when malformed. */
export function parseChoice(s: string): Choice | undefined {
  const m = CHOICE_RE.exec(s);
  if (m === null) return undefined;
  const cpu = Number(m[1]);
  const letter = m[2] as (typeof LETTER)[number];
  const kind = LETTER.indexOf(letter) as ChoiceKindCode;
  const hasArg = m[3] !== "";
  const needsArg = kind === ChoiceKind.ipi || kind === ChoiceKind.interrupt || kind === ChoiceKind.timeout;
  if (hasArg !== needsArg || cpu >= 32) return undefined;
  return makeChoice(cpu, kind, hasArg ? Number(m[3]) : 0);
}
