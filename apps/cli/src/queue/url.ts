/**
 * `--queue redis://host:port[/db]`: where the job queue lives. Checked on the
 * command line, before anything starts; what is wrong is said in one line.
 * No network here: an unreachable server is found when the queue connects.
 */
import { InvalidArgumentError } from "commander";

export interface QueueAddress {
  /** As given (for messages and replay of the command), the password hidden. */
  readonly shown: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

export function parseQueueUrl(text: string): QueueAddress {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`expected redis://host:port[/db], got "${text}": ${why}`);
  };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return bad("not a URL");
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    bad(`the scheme must be redis: or rediss:, not ${u.protocol}`);
  if (u.hostname === "") bad("no host");
  const port = u.port === "" ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad("the port must be from 1 to 65535");
  const path = u.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d{1,2}$/.test(path)) bad(`the database must be a number (/0 to /15), not /${path}`);
  if (u.search !== "" || u.hash !== "") bad("no query or fragment");
  const db = path === "" ? 0 : Number(path);
  const password = u.password === "" ? undefined : decodeURIComponent(u.password);
  const username = u.username === "" ? undefined : decodeURIComponent(u.username);
  const auth = username !== undefined || password !== undefined ? `${username ?? ""}:***@` : "";
  return {
    shown: `${u.protocol}//${auth}${u.host}${db === 0 ? "" : `/${db}`}`,
    host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    db,
    tls: u.protocol === "rediss:",
    username,
    password,
  };
}
