// Reaching Redis (`--queue`, `kprim worker`): the give-up counts time the
// thread could listen, not the wall clock. The submitter loads BullMQ's
// modules while the connection is made; on a loaded machine that held its
// thread for seconds, the 3 s give-up fired before the answer already waiting
// on the socket was read, and a search whose Redis was up ended with "cannot
// reach Redis … no answer" (exit 2); ioredis's own connect timeout, also a
// wall-clock timer, said "connect ETIMEDOUT" the same way. A server that
// never answers, or nobody listening, is still reported in one line. A
// stand-in server that speaks just enough of Redis's protocol (RESP) for a
// connection and a ping keeps this test to Node alone.
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { GIVE_UP_MS, reach } from "../src/queue/coordinator.js";
import { parseQueueUrl } from "../src/queue/url.js";

/**
 * The commands ioredis sends on a connection, answered; `silent` answers
 * nothing; `holdMs` holds this thread when the first connection comes in (the
 * client's give-up already counting, its answer soon waiting to be read).
 */
function standIn(opts: { silent?: boolean; holdMs?: number } = {}): Promise<{ server: Server; url: string }> {
  let held = false;
  const silent = opts.silent === true;
  const server = createServer((s: Socket) => {
    s.on("error", () => {});
    if (opts.holdMs !== undefined && !held) {
      held = true;
      holdThread(opts.holdMs);
    }
    s.on("data", (d) => {
      if (silent) return;
      // Each command is a RESP array of bulk strings; its name is the first of them.
      for (const [, name] of d.toString("latin1").matchAll(/\*\d+\r\n\$\d+\r\n(\w+)\r\n/g)) {
        const info = "# Server\r\nredis_version:7.0.0\r\nloading:0\r\n";
        const cmd = name!.toUpperCase();
        s.write(cmd === "INFO" ? `$${info.length}\r\n${info}\r\n` : cmd === "PING" ? "+PONG\r\n" : "+OK\r\n");
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ server, url: `redis://127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}` });
    });
  });
}

/** Hold this thread, as a module graph's evaluation does. */
function holdThread(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe("reaching Redis", () => {
  it("a thread held past the give-up right after connecting is not a server that does not answer", async () => {
    const { server, url } = await standIn({ holdMs: GIVE_UP_MS + 1_000 });
    servers.push(server);
    const probe = await reach(parseQueueUrl(url), "the search");
    expect(await probe.ping()).toBe("PONG");
    probe.disconnect();
  });

  it("nor a thread held as the connection starts, before its completion is read", async () => {
    const { server, url } = await standIn();
    servers.push(server);
    await import("ioredis"); // loaded: reach starts connecting before this turn of the event loop ends
    const reaching = reach(parseQueueUrl(url), "the search");
    setImmediate(() => holdThread(GIVE_UP_MS + 1_000));
    const probe = await reaching;
    expect(await probe.ping()).toBe("PONG");
    probe.disconnect();
  });

  it("a server that accepts but never answers: one line, after the give-up", async () => {
    const { server, url } = await standIn({ silent: true });
    servers.push(server);
    await expect(reach(parseQueueUrl(url), "the search")).rejects.toThrow(
      new RegExp(`^cannot reach Redis at ${url} for the search: `),
    );
  });

  it("nobody listening: one line naming the refusal", async () => {
    const { server, url } = await standIn();
    await new Promise((r) => server.close(r));
    await expect(reach(parseQueueUrl(url), "the worker")).rejects.toThrow(
      new RegExp(`^cannot reach Redis at ${url} for the worker: .*ECONNREFUSED`),
    );
  });
});
