/**
 * Every panic, console line and detector in the source of the machine and of
 * each layer is declared in what that package says it raises — the
 * vocabulary target signals are checked against (a target nothing declares
 * is refused; see raises.ts of @kprim/machine). And every scenario of the
 * catalogue, run under every variant, shows only what its run declares.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUF_RAISES } from "@kprim/buf";
import { LOCKMGR_RAISES, builtinInterlocks } from "@kprim/lockmgr";
import { formatMatches, MACHINE_RAISES, mergeRaises, random, type Raises, undeclared } from "@kprim/machine";
import { SLEEPQ_RAISES } from "@kprim/sleepq";
import { SPINLOCK_RAISES } from "@kprim/spinlock";
import { TOKEN_RAISES } from "@kprim/token";
import { describe, expect, it } from "vitest";
import { catalogue, prepare, VARIANT_NAMES } from "../src/index.js";
import { sourceMessages } from "@kprim/test-utils";

const src = (pkg: string): string => fileURLToPath(new URL(`../../${pkg}/src`, import.meta.url));

/** A format as one concrete message (each hole a word), to test one format against another. */
const sample = (format: string): string => format.replace(/%[sdpx]/g, "x1").replace(/%%/g, "%");

/** What the source shows that the declarations do not cover, one line each. */
function uncovered(dir: string, raises: Raises): string[] {
  const found = sourceMessages(dir);
  const v = mergeRaises(raises);
  return [
    ...found.panics
      .filter((p) => !v.panics.some((f) => formatMatches(f, sample(p.format))))
      .map((p) => `panic "${p.format}" (${p.where})`),
    ...found.console
      .filter((c) => !v.console.some((f) => formatMatches(f, sample(c.format))))
      .map((c) => `console "${c.format}" (${c.where})`),
    ...found.detectors.filter((d) => !v.violations.includes(d.name)).map((d) => `detector "${d.name}" (${d.where})`),
  ];
}

describe("what each package raises is declared", () => {
  const interlocks = mergeRaises(...Object.values(builtinInterlocks).map((i) => i.raises));
  const cases: [string, Raises][] = [
    ["machine", MACHINE_RAISES],
    ["spinlock", SPINLOCK_RAISES],
    ["token", TOKEN_RAISES],
    ["sleepq", SLEEPQ_RAISES],
    ["lockmgr", mergeRaises(LOCKMGR_RAISES, interlocks)],
    ["buf", BUF_RAISES],
    ["scenarios", mergeRaises(...catalogue.map((s) => s.raises))],
  ];
  for (const [pkg, raises] of cases) {
    it(`@kprim/${pkg}: every panic, console line and detector in its source`, () => {
      const found = sourceMessages(src(pkg));
      expect(found.panics.length + found.console.length + found.detectors.length).toBeGreaterThan(0);
      expect(uncovered(src(pkg), raises)).toEqual([]);
    });
  }

  it("the source scan sees template literals, asserts, kernel assertions and detector names", () => {
    const buf = sourceMessages(src("buf"));
    expect(buf.console.map((c) => c.format)).toContain("getnewbuf: warning, locked buf %s, race corrected");
    expect(buf.detectors.map((d) => d.name)).toEqual([
      "getnewbuf-result",
      "misdirected-write",
      "queue-consistency",
      "dirty-reuse",
    ]);
    // kkassert("expr", "fn") panics "assertion: expr in fn", as DragonFly's KKASSERT does.
    expect(sourceMessages(src("token")).panics.map((p) => p.format)).toContain(
      "assertion: tok->t_cpu == gd in lwkt_reltoken",
    );
    // Where the scan should find it: the line that names it in detectors.ts.
    const lines = readFileSync(join(src("buf"), "detectors.ts"), "utf8").split("\n");
    const at = lines.findIndex((l) => l.includes('name: "dirty-reuse"')) + 1;
    expect(at).toBeGreaterThan(0);
    expect(uncovered(src("buf"), {})).toContain(`detector "dirty-reuse" (detectors.ts:${at})`);
  });
});

describe("what each package declares, its source can raise", () => {
  // A declared panic or console line no source raises would let a target
  // nothing can show pass the signal check (and be reported "cannot happen").
  const cases: [string, Raises][] = [
    ["machine", MACHINE_RAISES],
    ["spinlock", SPINLOCK_RAISES],
    ["token", TOKEN_RAISES],
    ["sleepq", SLEEPQ_RAISES],
    ["lockmgr", mergeRaises(LOCKMGR_RAISES, ...Object.values(builtinInterlocks).map((i) => i.raises))],
    ["buf", BUF_RAISES],
  ];
  for (const [pkg, raises] of cases) {
    it(`@kprim/${pkg}: every declared panic and console line is in its source`, () => {
      const found = sourceMessages(src(pkg));
      const v = mergeRaises(raises);
      const raised = (list: readonly { format: string }[], d: string): boolean =>
        list.some((x) => formatMatches(d, sample(x.format)) || formatMatches(x.format, sample(d)));
      expect([
        ...v.panics.filter((d) => !raised(found.panics, d)).map((d) => `panic "${d}"`),
        ...v.console.filter((d) => !raised(found.console, d)).map((d) => `console "${d}"`),
      ]).toEqual([]);
    });
  }
});

describe("every catalogue run shows only what it declares", () => {
  for (const s of catalogue) {
    it(`${s.name}: 40 random runs under each variant`, () => {
      for (const variant of VARIANT_NAMES) {
        const p = prepare({ scenario: s, variant });
        for (let seed = 1; seed <= 40; seed++) {
          const r = p.build({ strategy: random({ seed }), maxSteps: 5_000 }).run();
          expect(undeclared(p.raises, r.outcome, r.console), `${variant} seed ${seed}`).toBeNull();
        }
      }
    });
  }
});
