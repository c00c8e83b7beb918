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
