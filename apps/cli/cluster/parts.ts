/**
 * What the queue tests start: a redis-server on a free loopback port (no
 * persistence, no system service) and `kprim worker` processes; each
 * stopped by the test that started it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fromSource, root } from "@kprim/test-utils";

export const REDIS = process.env["KPRIM_REDIS_SERVER"] ?? "redis-server";

export function redisAvailable(): boolean {
  return spawnSync(REDIS, ["--version"], { encoding: "utf8" }).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until `read()` contains `text` (or fail after `ms`). */
export async function waitFor(read: () => string, text: string, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!read().includes(text)) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: no "${text}" after ${ms} ms:\n${read()}`);
    await sleep(50);
  }
}

export class Proc {
  out = "";
  err = "";
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (this.out += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.err += d));
    this.exited = new Promise((r) => child.on("exit", (code) => r(code)));
  }

  async stop(signal: NodeJS.Signals = "SIGTERM", ms = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill("SIGKILL"), ms);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }
}

/** A redis-server on a free loopback port, or on `port` (a server started again where one was). */
export async function startRedis(at?: number): Promise<{ proc: Proc; url: string; port: number }> {
  const port = at ?? (await freePort());
  const proc = new Proc(
    spawn(REDIS, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  await waitFor(() => proc.out, "Ready to accept connections", 10_000, "redis-server");
  return { proc, url: `redis://127.0.0.1:${port}`, port };
}

/** Fixture plugins, as paths relative to the repository root. */
export const EXAMPLES = "./apps/cli/test/fixtures/examples-plugin.ts";

/** `kprim <args>` from source, running (its output collected as it comes). */
export function startKprim(args: readonly string[], env: Readonly<Record<string, string>> = {}): Proc {
  const l = fromSource(args);
  return new Proc(
    spawn(l.command, [...l.args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
}

/** Wait until the process has reported some executions done (its progress lines on stderr). */
export async function progressed(p: Proc, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!/kprim: [1-9]\d* executions/.test(p.err)) {
    if (Date.now() - t0 > ms) throw new Error(`no progress after ${ms} ms:\n${p.err}`);
    await sleep(50);
  }
}

/** A `kprim worker` (lock 3 s: a killed worker's job is handed out again within seconds). */
export async function startWorker(url: string, plugins: readonly string[] = [EXAMPLES]): Promise<Proc> {
  const l = fromSource(["worker", "--queue", url, ...plugins.flatMap((p) => ["--plugin", p])]);
  const proc = new Proc(
    spawn(l.command, [...l.args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", KPRIM_CHECK: "", KPRIM_QUEUE_LOCK_MS: "3000" },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  await waitFor(() => proc.err, "waiting for jobs", 60_000, "kprim worker");
  return proc;
}
