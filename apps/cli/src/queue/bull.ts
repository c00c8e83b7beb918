/**
 * BullMQ, loaded only here and only when a command uses a queue (`--queue`,
 * `kprim worker`): plain local use never loads it. The connection options
 * for an address: commands that block (a worker's wait for a job) need
 * `maxRetriesPerRequest: null`; `giveUpMs` makes a lost server an error
 * after that long instead of retrying for ever.
 */
import type * as Bull from "bullmq";
import type { RedisOptions } from "ioredis";
import type { QueueAddress } from "./url.js";

export type BullMQ = typeof Bull;

export async function loadBull(): Promise<BullMQ> {
  return import("bullmq");
}

export function connection(a: QueueAddress, giveUpMs: number | null): RedisOptions {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    ...(a.username !== undefined ? { username: a.username } : {}),
    ...(a.password !== undefined ? { password: a.password } : {}),
    ...(a.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: 3_000,
    // Reconnect every 250 ms; give up after giveUpMs (null: never, a worker waits for its server).
    retryStrategy: (times: number) => (giveUpMs !== null && times * 250 > giveUpMs ? null : 250),
  };
}

export const PREFIX = "kprim";
