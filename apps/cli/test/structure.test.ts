/**
 * The CLI's layers import one way: the worker thread (worker/) dispatches to
 * the jobs (jobs/), which know nothing of threads, shared buffers or the
 * watchdog — they get a JobHost. The main thread's light modules import no
 * job implementation.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const imports = (dir: string): [string, string][] =>
  readdirSync(src + dir)
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) =>
      [...readFileSync(`${src}${dir}/${f}`, "utf8").matchAll(/^import[^;]*?from "(\.[^"]+)";/gms)].map(
        (m): [string, string] => [`${dir}/${f}`, m[1]!],
      ),
    );

describe("the CLI's modules", () => {
  it("jobs/ never import worker/ (the worker dispatches to the jobs, not the other way)", () => {
    const jobs = imports("jobs");
    expect(jobs.length).toBeGreaterThan(10);
    expect(jobs.filter(([, to]) => to.includes("worker/"))).toEqual([]);
  });
});

describe("the queue's libraries", () => {
  /** Every .ts file under src/, with its text. */
  const files = (dir = ""): [string, string][] =>
    readdirSync(src + dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(`${dir}${e.name}/`)
        : e.name.endsWith(".ts")
          ? [[`${dir}${e.name}`, readFileSync(`${src}${dir}${e.name}`, "utf8")] as [string, string]]
          : [],
    );

  it("are loaded only by the queue modules, and those only by a dynamic import (plain local use never loads BullMQ)", () => {
    const all = files();
    // A value import (not `import type`) of bullmq or ioredis, or of the queue modules that load them.
    const valueImports = all.flatMap(([f, text]) =>
      [...text.matchAll(/^import (?!type )[^;]*?from "([^"]+)";/gms)]
        .map((m) => m[1]!)
        .filter((to) => /^(bullmq|ioredis)$/.test(to) || /queue\/(bull|coordinator|submit|worker)\.js$/.test(to))
        .map((to) => `${f} → ${to}`),
    );
    expect(valueImports.filter((x) => !x.startsWith("queue/"))).toEqual([]);
    expect(all.filter(([, t]) => t.includes('import("bullmq")')).map(([f]) => f)).toEqual(["queue/bull.ts"]);
    expect(
      all
        .filter(([, t]) => t.includes('import("../queue/'))
        .map(([f]) => f)
        .sort(),
    ).toEqual(["jobs/explore.ts", "worker/entry.ts"]);
  });
});
