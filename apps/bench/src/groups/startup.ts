/**
 * Starting the CLI, as whole processes: `kprim list` from the build, through
 * the launcher (`pnpm kprim` runs it), from source, and under pnpm and the
 * README's npx form, beside what node, pnpm and npx cost on their own. Wall
 * time, median of a few runs each, run one after another; the figures that
 * matter are the differences to the baselines measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { median } from "../measure.js";
import type { Section } from "../report/types.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const LAUNCHER = "apps/cli/kprim.mjs";
const BUILT = "apps/cli/dist/bin.js";

interface Command {
  readonly label: string;
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** pnpm as the bench was started with it (`pnpm bench`), else none: pnpm is not on PATH. */
function pnpm(): readonly string[] | null {
  const execPath = process.env["npm_execpath"];
  return execPath !== undefined && /pnpm/.test(execPath) ? [process.execPath, execPath] : null;
}

function timeOnce(c: Command): { seconds: number; error: string | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", KPRIM_FROM_SOURCE: "", ...c.env },
    timeout: 120_000,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const error =
    r.status === 0 ? null : `${c.label}: exit ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().split("\n")[0]}`;
  return { seconds, error };
}

export function startupSection(quick: boolean): Section {
  const repeats = quick ? 1 : 5;
  const errors: string[] = [];
  const node = process.execPath;
  const p = pnpm();
  const commands: Command[] = [
    { label: "node -e 0", argv: [node, "-e", "0"] },
    ...(existsSync(`${ROOT}${BUILT}`)
      ? [{ label: "node dist/bin.js list (the build)", argv: [node, BUILT, "list"] }]
      : []),
    { label: "node kprim.mjs list (the launcher)", argv: [node, LAUNCHER, "list"] },
    {
      label: "node kprim.mjs list (from source)",
      argv: [node, LAUNCHER, "list"],
      env: { KPRIM_FROM_SOURCE: "1" },
    },
  ];
  if (p !== null) {
    commands.push(
      { label: "pnpm -s exec true", argv: [...p, "-s", "exec", "true"] },
      { label: "pnpm -s kprim list", argv: [...p, "-s", "kprim", "list"] },
    );
  }
  if (!quick) {
    const npx = ["npx", "-y", "pnpm@10.34.9", "-s"];
    commands.push(
      { label: "npx -y pnpm@10.34.9 -s exec true", argv: [...npx, "exec", "true"] },
      { label: "npx -y pnpm@10.34.9 -s kprim list", argv: [...npx, "kprim", "list"] },
    );
  }
  const which = spawnSync(node, [LAUNCHER, "--which"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const seconds = new Map<string, number>();
  for (const c of commands) {
    const runs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const r = timeOnce(c);
      if (r.error !== null) {
        errors.push(r.error);
        break;
      }
      runs.push(r.seconds);
    }
    if (runs.length > 0) seconds.set(c.label, median(runs));
  }
  const s = (label: string): number | null => seconds.get(label) ?? null;
  const over = (a: string, base: string): number | null => {
    const x = s(a);
    const y = s(base);
    return x === null || y === null ? null : x - y;
  };
  const rows = commands.map((c) => [c.label, s(c.label) ?? "—"]);
  const pnpmList = s("pnpm -s kprim list");
  const npxOver = over("npx -y pnpm@10.34.9 -s kprim list", "npx -y pnpm@10.34.9 -s exec true");
  const fmt = (x: number | null): string => (x === null ? "not measured" : `${x.toFixed(2)} s`);
  return {
    id: "startup",
    title: "Starting the CLI",
    text: [
      `Wall time of whole processes, median of ${repeats} run${repeats === 1 ? "" : "s"} each, one after another; the launcher ran ${which}.`,
      `Targets: \`pnpm kprim list\` under 1 s on a quiet machine (measured: ${fmt(pnpmList)}); the npx form no more than 0.3 s over npx and pnpm on their own (measured: ${fmt(npxOver)} over \`npx -y pnpm@10.34.9 -s exec true\`).`,
      ...(p === null ? ["pnpm rows skipped: the bench was not started by pnpm."] : []),
    ],
    tables: [{ header: ["command", "wall s"], rows }],
    charts: [],
    data: { repeats, launcher: which, seconds: Object.fromEntries(seconds), pnpmList, npxOverPnpm: npxOver },
    errors,
  };
}
