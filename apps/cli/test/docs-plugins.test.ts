/**
 * docs/plugins.md §2–7, run as written, so that the walkthrough cannot drift
 * from the code: each plugin the page shows is written where its commands
 * look for it (`./plugins/my-interlock/src/index.ts` under a fresh folder),
 * each command it shows runs there (in this process, as run-cli.ts runs
 * kprim), and what the page says it prints, and its exit code, is checked.
 * §5's vitest file runs too, against the §4 plugin.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { kprimPrinted, root } from "./run-cli.js";

const doc = readFileSync(join(root, "docs/plugins.md"), "utf8");

/** The code blocks of section `n` (`## n. …`), in order, with their language. */
function blocks(n: number): { lang: string; code: string }[] {
  const at = doc.indexOf(`\n## ${n}. `);
  if (at < 0) throw new Error(`docs/plugins.md has no section ${n}`);
  const section = doc.slice(at + 1).split(/\n## /)[0]!;
  return [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

/** The section's prose (outside its code blocks). */
function prose(n: number): string {
  const at = doc.indexOf(`\n## ${n}. `);
  return doc
    .slice(at + 1)
    .split(/\n## /)[0]!
    .replace(/```[\s\S]*?```/g, "");
}

/** The one block of `lang` in section `n` (the `i`-th if several). */
function block(n: number, lang: string, i = 0): string {
  const b = blocks(n).filter((x) => x.lang === lang)[i];
  if (b === undefined) throw new Error(`docs/plugins.md §${n} has no ${lang} block #${i + 1}`);
  return b.code;
}

/** A fresh folder with `files` (path → text): where the page's commands run. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kprim-doc-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A `pnpm kprim …` line of the page as the `kprim …` command it runs. */
function command(line: string): string {
  const m = /^pnpm (kprim .*)$/.exec(line.trim());
  if (m === null) throw new Error(`not a pnpm kprim command: ${line}`);
  return m[1]!;
}

/** A line as the page compares it: a table row by its cells (the page does not pad them), else as it is. */
const cells = (line: string): string =>
  line.includes("│")
    ? line
        .split("│")
        .map((c) => c.trim())
        .join("│")
    : line.trim();

/** Every non-empty line the page shows is a line of `stdout` (a table row: the same cells). */
function expectShown(stdout: string, shown: string): void {
  const printed = stdout.split("\n").map(cells);
  for (const line of shown.split("\n").filter((l) => l.trim() !== "")) {
    expect(printed.includes(cells(line)), `not printed: ${line}\n--- printed:\n${stdout}`).toBe(true);
  }
}

const PLUGIN = "plugins/my-interlock/src/index.ts";

describe.concurrent("docs/plugins.md, as written", () => {
  it("§2–3: the held-sleep interlock; explore finds its spinlock-blocking violation as shown (exit 1), and the printed replay reproduces it", async () => {
    const code = block(2, "ts");
    expect(code.split("\n")[0]).toBe(`// ${PLUGIN}`);
    const cwd = folder({ [PLUGIN]: code });
    const r = await kprimPrinted(command(block(3, "sh")), { cwd });
    expect(r.code, r.stderr).toBe(1);
    expect(prose(3)).toContain("The exit code is 1");
    expectShown(r.stdout, block(3, ""));
    const replay = /^replay: +(kprim replay .+)$/m.exec(r.stdout)![1]!;
    const again = await kprimPrinted(replay, { cwd });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(
      /^outcome: violation at step \d+: \[spinlock-blocking\] T_w reached a blocking point/m,
    );
  });

  it("§4: the msleep interlock; explore exhausts every schedule and exits 0, as the page says", async () => {
    const cwd = folder({ [PLUGIN]: block(4, "ts") });
    const said =
      /`(kprim explore lockmgr-lost-wakeup --plugin \S+ --interlock\s+my-spin)` explores every schedule and exits 0: `(not found — every schedule explored)`/.exec(
        prose(4),
      );
    expect(said).not.toBeNull();
    const r = await kprimPrinted(said![1]!.replace(/\s+/g, " "), { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^verdict: ${said![2]!}`, "m"));
  });

  it("§5: compare puts my-spin beside the variants, with the rows shown, and exits 0", async () => {
    const cwd = folder({ [PLUGIN]: block(4, "ts") });
    const r = await kprimPrinted(command(block(5, "sh")), { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(prose(5)).toContain("It exits 0 when every verdict matches `matrix.json`");
    expectShown(r.stdout, block(5, ""));
  });

  it("§5: its vitest file checks the 18 SPIN+TI rows with my-spin, and every one holds", async () => {
    // Its imports as this repository's sources (the file lives outside the workspace), "vitest" as a collector.
    const sources = (code: string): string =>
      code
        .replace(
          /from "@kprim\/([a-z-]+)"/g,
          (_m, name: string) =>
            `from ${JSON.stringify(pathToFileURL(join(root, "packages", name, "src", "index.ts")).href)}`,
        )
        .replace(
          /from "vitest"/,
          `from ${JSON.stringify(pathToFileURL(join(root, "apps/cli/test/fixtures/doc-vitest.ts")).href)}`,
        );
    const dir = folder({ "src/index.ts": sources(block(4, "ts")), "test/matrix.test.ts": sources(block(5, "ts")) });
    const collector = (await import(pathToFileURL(join(root, "apps/cli/test/fixtures/doc-vitest.ts")).href)) as {
      cases: { name: string; fn: () => void | Promise<void> }[];
    };
    collector.cases.length = 0;
    await import(pathToFileURL(join(dir, "test/matrix.test.ts")).href);
    const n = Number(/runs the (\d+) checks/.exec(prose(5))?.[1]);
    expect(collector.cases.map((c) => c.name)).toHaveLength(n);
    for (const c of collector.cases) await c.fn();
  });

  it("§6: the spinlock that forgets its critical section; explore finds the interrupt thread's deadlock", async () => {
    const sh = command(block(6, "sh"));
    const file = /--plugin \.\/(\S+)/.exec(sh)![1]!;
    const cwd = folder({ [file]: block(6, "ts") });
    expect(prose(6)).toContain("finds the deadlock an interrupt thread gets into");
    const r = await kprimPrinted(sh, { cwd });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^failure: deadlock/m);
  });

  it("§7: the flag-after-test detector, in a plugin, reports with its evidence and takes part in a stateful search", async () => {
    const plugin = `import { definePlugin } from "@kprim/plugin";\n\nexport default definePlugin({\n  name: "flag-after-test",\n${block(7, "ts")}});\n`;
    const cwd = folder({ "flag-after-test.ts": plugin });
    const found = await kprimPrinted(
      "kprim explore lost-wakeup --plugin ./flag-after-test.ts --signal violation:flag-after-test --json",
      { cwd },
    );
    expect(found.code, found.stderr).toBe(1);
    const j = JSON.parse(found.stdout) as { failure: string; replay: string };
    expect(j.failure).toMatch(
      /^violation at step \d+: \[flag-after-test\] the flag was set at step \d+, after a sleeper tested it at step \d+$/,
    );
    const traced = await kprimPrinted(`${j.replay} --trace text --out -`, { cwd });
    expect(traced.stdout).toContain("tests the flag");
    expect(traced.stdout).toContain("sets the flag after that test");
    const stateful = await kprimPrinted(
      "kprim explore lost-wakeup --plugin ./flag-after-test.ts --signal violation:flag-after-test --strategy stateful",
      { cwd },
    );
    expect(stateful.code, stateful.stderr).toBe(1);
  });
});
