/**
 * Measurements taken in processes of their own: the built CLI timed from
 * start to verdict (to set beside SPIN, whose time is its processes'), and
 * the DPOR memory figure in a fresh process (a process already grown by
 * earlier groups hides the growth being measured).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Verdict, verdictOfSearch } from "./lostWakeup.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = `${ROOT}apps/cli/kprim.mjs`;
const CLI_BUILD = `${ROOT}apps/cli/dist`;

/** Why the built CLI cannot be timed, or null (the bench runs from source; the CLI runs its build). */
export function cliMissing(): string | null {
  return existsSync(CLI) && existsSync(CLI_BUILD) ? null : "the CLI is not built (pnpm install builds it)";
}

export interface CliRun {
  /** Spawn to exit, seconds. */
  readonly seconds: number;
  /** The process's own verdict (its `--json` report), judged as the in-process search's. */
  readonly verdict: Verdict;
  /** What its search did: after how many executions it found the failure, or the states it exhausted. */
  readonly detail: string;
  readonly states: number;
  readonly exhausted: boolean;
}

interface CliJson {
  readonly verdict?: string;
  readonly failureKind?: string | null;
  readonly executions?: number;
  readonly merged?: number;
  readonly executionsToFound?: number | null;
  readonly states?: number;
  readonly exhausted?: boolean;
}

/**
 * `kprim explore lost-wakeup` as a process: the stateful search of one
 * variant and size, with its budget of states — the exhaustive search set
 * beside pan's, from node's start to the verdict (what it finds is shrunk
 * and its replay handle printed, as a user gets them). Its verdict and
 * counts are its own, read from its `--json` report.
 */
export function cliLostWakeup(
  sleep: string,
  sleepers: number,
  states: number,
  setup: { readonly wakeup: "chain" | "multicast"; readonly symmetry: boolean },
): CliRun {
  const args = [
    CLI,
    "explore",
    "lost-wakeup",
    "--variant",
    "SPIN+TI",
    "--param",
    `sleepers=${sleepers}`,
    "--param",
    `sleep=${sleep}`,
    "--option",
    `wakeup=${setup.wakeup}`,
    "--strategy",
    "stateful",
    "--schedules",
    String(states),
    "--json",
    ...(setup.symmetry ? ["--symmetry"] : []),
  ];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = String(r.stdout);
  let json: CliJson;
  try {
    json = JSON.parse(out.slice(out.indexOf("{"))) as CliJson;
  } catch {
    throw new Error(`kprim explore lost-wakeup (${sleep}, N=${sleepers}) printed no JSON: ${String(r.stderr)}`);
  }
  const found = json.verdict === "found";
  const exhausted = json.exhausted ?? false;
  const stored = json.states ?? 0;
  const counts = `${stored.toLocaleString("en")} states`;
  const toFound = json.executionsToFound ?? 0;
  return {
    seconds,
    verdict: verdictOfSearch(found ? (json.failureKind ?? null) : null, exhausted),
    detail: found
      ? `found after ${toFound.toLocaleString("en")} execution${toFound === 1 ? "" : "s"}, ${counts}`
      : exhausted
        ? `exhausted: ${counts}, ${((json.executions ?? 0) + (json.merged ?? 0)).toLocaleString("en")} executions`
        : `not exhausted within ${counts}`,
    states: stored,
    exhausted,
  };
}

/**
 * RSS and V8 heap in use after `early` and `late` DPOR executions of adders
 * 3×6, measured in a fresh process (bytes), with V8's defaults or with the
 * young generation fixed at its largest size (16 MiB semi-spaces) from the
 * start (`youngFixed`). Left to V8 it
 * grows after the first sample (heap reserved: 26.7 MiB at 10,000
 * executions, 45.7 MiB at 100,000, with 7.9 MiB in use at both), and the
 * RSS ratio at 1,000,000 then came out anywhere from 1.16 to 1.57 in four
 * runs whose heap in use went from 7.8–8.1 MiB down to 7.6.
 */
export function freshDporMemory(
  early: number,
  late: number,
  youngFixed: boolean,
): { early: number; late: number; heapEarly: number; heapLate: number } {
  const script = fileURLToPath(new URL("./fresh/dporMemory.ts", import.meta.url));
  const flags = ["--expose-gc", ...(youngFixed ? ["--min-semi-space-size=16", "--max-semi-space-size=16"] : [])];
  const r = spawnSync(process.execPath, [...process.execArgv, ...flags, script, String(early), String(late)], {
    encoding: "utf8",
  });
  const line = String(r.stdout).trim().split("\n").at(-1) ?? "";
  const m = /^rss (\d+) (\d+) heap (\d+) (\d+)$/.exec(line);
  if (r.status !== 0 || m === null) throw new Error(`the fresh DPOR memory process failed: ${String(r.stderr)}`);
  return { early: Number(m[1]), late: Number(m[2]), heapEarly: Number(m[3]), heapLate: Number(m[4]) };
}
