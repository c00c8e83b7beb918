// Bad-input calls, part 4: the distributed modes — queue addresses, an
// unreachable Redis, --shard, and kprim merge given what is not one search.
import { usage } from "./common.mjs";

const part = (signal, kprim = "0.1.0", index = 0) =>
  JSON.stringify({
    format: "kprim-part/1",
    envelope: {
      kprim,
      plugins: [],
      catalogue: "0",
      header: "kprim3:lost-wakeup:SPIN+TI::::",
      spec: { scenario: "lost-wakeup", options: {}, params: {} },
    },
    signal,
    stopped: null,
    part: { shard: { index, count: 2 }, auto: null, phases: [] },
  });

export const fixtures = {
  "parts/a0.json": part("failure"),
  "parts/b1.json": part("deadlock", "0.1.0", 1),
  "parts/old0.json": part("failure", "0.0.1"),
  "parts/old1.json": part("failure", "0.0.1", 1),
  "parts/not-json.json": "{ part",
  "parts/not-a-part.json": '{"verdict": "found"}',
};

const LW = ["explore", "lost-wakeup"];
// Nothing listens on port 1 of the loopback.
const NOBODY = "redis://127.0.0.1:1";

export const cases = [
  usage(
    "--queue: not a URL",
    [...LW, "--queue", "localhost"],
    /expected redis:\/\/host:port\[\/db\], got "localhost": not a URL/,
  ),
  usage(
    "--queue: another scheme",
    [...LW, "--queue", "http://127.0.0.1:6379"],
    /the scheme must be redis: or rediss:, not http:/,
  ),
  usage("--queue: a bad port", [...LW, "--queue", "redis://127.0.0.1:0"], /the port must be from 1 to 65535/),
  usage("--queue: a bad database", [...LW, "--queue", "redis://127.0.0.1:6379/x"], /the database must be a number/),
  usage("worker: no --queue", ["worker"], /required option '--queue <url>' not specified/),
  usage("worker: a bad queue URL", ["worker", "--queue", "redis:/"], /expected redis:\/\/host:port\[\/db\]/),
  {
    ...usage(
      "explore --queue: Redis unreachable",
      [...LW, "--queue", NOBODY],
      /^kprim: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 for the search: .*ECONNREFUSED/,
    ),
    progress: true,
  },
  usage(
    "worker: Redis unreachable",
    ["worker", "--queue", NOBODY],
    /^kprim: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 for the worker: .*ECONNREFUSED/,
  ),
  {
    ...usage(
      "explore --queue: stateful search",
      [...LW, "--strategy", "stateful", "--queue", NOBODY],
      /^kprim: stateful search is not distributed: /,
    ),
    progress: true,
  },
  usage(
    "--queue with --workers",
    [...LW, "--strategy", "pct", "--workers", "2", "--queue", NOBODY],
    /with --queue, start more `kprim worker`s/,
  ),
  usage("--slice without --queue", [...LW, "--slice", "1"], "kprim: --slice applies to --queue"),
  usage("--slice 0", [...LW, "--queue", NOBODY, "--slice", "0"], /expected seconds > 0, got "0"/),
  usage("--all with the default strategy", [...LW, "--all"], /--all needs a strategy that can go on after a finding/),
  usage("--shard: i = N", [...LW, "--shard", "3/3", "--json"], /i must be from 0 to 2, got "3\/3"/),
  usage(
    "--shard: no slash",
    [...LW, "--shard", "2", "--json"],
    /expected i\/N \(part i of N, i from 0 to N-1\), got "2"/,
  ),
  usage("--shard: N = 0", [...LW, "--shard", "0/0", "--json"], /N must be from 1 to 1000000/),
  usage("--shard: an empty index (an unset variable)", [...LW, "--shard", "/4", "--json"], /expected i\/N/),
  usage("--shard without --json", [...LW, "--shard", "0/2"], /--shard prints a part for kprim merge: add --json/),
  usage("--shard with --queue", [...LW, "--shard", "0/2", "--json", "--queue", NOBODY], /with --queue, drop --shard/),
  usage(
    "--shard with --trace",
    [...LW, "--shard", "0/2", "--json", "--trace", "text"],
    /--trace and --save-trail go on kprim merge/,
  ),
  usage("merge: no parts", ["merge"], /missing required argument 'parts'/),
  usage("merge: a missing file", ["merge", "$FIX/parts/nope.json"], /nope\.json: cannot read it \(no such file\)$/),
  usage(
    "merge: not JSON",
    ["merge", "$FIX/parts/not-json.json"],
    /not-json\.json: not JSON \(a part is what kprim explore … --shard i\/N --json prints\)$/,
  ),
  usage(
    "merge: not a part",
    ["merge", "$FIX/parts/not-a-part.json"],
    /not-a-part\.json: not a part \(kprim explore … --shard i\/N --json writes one\)$/,
  ),
  usage(
    "merge: parts of two searches",
    ["merge", "$FIX/parts/a0.json", "$FIX/parts/b1.json"],
    /b1\.json is a part of another search than .*a0\.json \(another run, signal or kprim\)$/,
  ),
  usage(
    "merge: parts of another kprim",
    ["merge", "$FIX/parts/old0.json", "$FIX/parts/old1.json"],
    "kprim: the parts cannot be merged here: it is for kprim 0.0.1, this is kprim 0.1.0",
  ),
];
