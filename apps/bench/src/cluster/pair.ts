/**
 * What two searches at once cost each other on this machine, with no queue
 * in between: the same one-process DPOR search of lastzero-n, timed in one
 * process alone, then in two processes started together (each its own
 * search, nothing shared but the machine) — beside the fixed CPU-bound loop
 * the cluster bench uses for "cores free". If two searches at once each take
 * about as long as one alone, a second worker can halve a search; if each
 * takes much longer, no job queue can win back what the machine takes.
 *
 * Each process warms up with one search, then times `rounds` searches
 * (wall time of the explore call) and prints their median.
 *
 * `node --import tsx --conditions=@kprim/source apps/bench/src/cluster/pair.ts [n] [rounds]`
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { explore } from "@kprim/explore";
import { factoryOf, lastzero } from "@kprim/explore/examples";

const SELF = fileURLToPath(import.meta.url);
const LOOP = "let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003; if (x < 0) console.log(x);";

/** One process's part: the median wall time of `rounds` DPOR searches, after one to warm up (seconds). */
function searchMedian(n: number, rounds: number): number {
  const f = factoryOf(lastzero(n));
  const times: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    const t0 = process.hrtime.bigint();
    explore(f, { mode: { kind: "dpor" }, stopOnFound: false });
    if (i > 0) times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[(times.length - 1) >> 1]!;
}

/** `k` processes at once, each running `args`; their outputs (trimmed). */
function together(k: number, args: readonly string[]): Promise<string[]> {
  const kids = Array.from({ length: k }, () => {
    const child = spawn(process.execPath, [...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    return new Promise<string>((resolve) => child.on("exit", () => resolve(out.trim())));
  });
  return Promise.all(kids);
}

async function wall(k: number, args: readonly string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await together(k, args);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

if (process.argv[2] === "--search") {
  console.log(searchMedian(Number(process.argv[3]), Number(process.argv[4])));
} else if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const n = Number(process.argv[2] ?? 8);
  const rounds = Number(process.argv[3] ?? 9);
  const search = [...process.execArgv, SELF, "--search", String(n), String(rounds)];
  const loop = ["-e", LOOP];
  const loopAlone = await wall(1, loop);
  const loopTwo = await wall(2, loop);
  const [alone] = (await together(1, search)).map(Number);
  const two = (await together(2, search)).map(Number);
  const mean = (two[0]! + two[1]!) / 2;
  console.log(`cores free (the CPU-bound loop, 2 x alone / together): ${((2 * loopAlone) / loopTwo).toFixed(2)}`);
  console.log(
    `lastzero-${n} DPOR, median of ${rounds} searches: alone ${(alone! * 1000).toFixed(0)} ms; two processes at once ${two
      .map((t) => (t * 1000).toFixed(0))
      .join(" and ")} ms (${(mean / alone!).toFixed(2)}x alone each)`,
  );
}
