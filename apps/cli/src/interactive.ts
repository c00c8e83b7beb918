/**
 * `kprim run <scenario> --interactive`, the terminal side: a teacher (or a
 * script feeding lines on stdin) chooses each step. At every step it prints
 * what the last step did, the schedule so far, and the enabled choices as a
 * numbered list with the op each would do; a line is a number, a choice as
 * listed (`0s`), `b` (back one step) or `q` (stop); Enter takes the only
 * choice when there is one. A bad line gets one `kprim: …` line on stderr
 * and the session goes on. End of input (Ctrl-D) or `q` stops cleanly with
 * the schedule so far and the command that resumes it (at a terminal,
 * Ctrl-C too); a run that ends
 * prints its outcome and the replay handle. Exit: 1 when the run shows the
 * signal, 3 when it reached the step limit without (inconclusive), else 0.
 *
 * The stepping itself runs in the worker (jobs/interactive.ts) over
 * @kprim/explore's Stepper, so the watchdog still guards thread bodies.
 */
import { createInterface } from "node:readline";
import type { InteractiveReport, SessionState } from "./jobs/interactive.js";
import type { Io } from "./io.js";
import type { Out } from "./out.js";
import type { InteractiveJob, SessionCommand } from "./jobs/requests.js";
import { runInWorker } from "./worker/host.js";

export interface InteractiveContext {
  readonly out: Out;
  readonly io: Io;
  readonly plugins: readonly string[];
  readonly cwd: string;
  readonly quietMs: number;
}

export async function runInteractive(ctx: InteractiveContext, job: InteractiveJob): Promise<InteractiveReport> {
  const { out } = ctx;
  const { stdin, stdout } = ctx.io;
  const tty = stdin.isTTY === true;
  const rl = createInterface({ input: stdin, ...(tty ? { output: stdout, terminal: true } : {}) });
  rl.setPrompt("> ");
  const lines: string[] = [];
  let ended = false;
  let why = "end of input";
  let waiting: ((line: string | null) => void) | null = null;
  const next = (): Promise<string | null> => {
    const l = lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (ended) return Promise.resolve(null);
    if (tty) rl.prompt();
    return new Promise((res) => (waiting = res));
  };
  const deliver = (line: string | null): void => {
    const w = waiting;
    waiting = null;
    if (w !== null) w(line);
    else if (line !== null) lines.push(line);
  };
  rl.on("line", (l) => deliver(l));
  rl.on("close", () => {
    ended = true;
    deliver(null);
  });
  // At a terminal Ctrl-C stops like q (readline catches it).
  if (tty) {
    rl.on("SIGINT", () => {
      why = "Ctrl-C";
      rl.close();
    });
  }

  let current: SessionState | null = null;
  const ask = async (st: SessionState, reply: (cmd: SessionCommand) => void): Promise<void> => {
    for (;;) {
      const line = await next();
      if (line === null) return reply({ kind: "end", why });
      const cmd = parse(line.trim(), st);
      if (typeof cmd !== "string") return reply(cmd);
      out.stderr.write(`kprim: ${cmd}\n`);
    }
  };
  try {
    const r = await runInWorker<InteractiveReport>(
      { job, plugins: ctx.plugins, cwd: ctx.cwd },
      {
        io: ctx.io,
        quietMs: ctx.quietMs,
        onState: (data, reply) => {
          const st = data as SessionState;
          if (current === null) {
            out.line(
              `${st.scenario}${st.variant !== null ? ` (${st.variant})` : ""}, stepped by hand: type a number or a choice as listed, b to go back, q to stop`,
            );
            for (const n of st.notes) out.line(out.c.yellow(`note: ${n}`));
          }
          current = st;
          show(out, st);
          void ask(st, reply);
        },
      },
    );
    return r.data;
  } finally {
    rl.close();
  }
}

/** A person's line as a command, or what is wrong with it. */
function parse(line: string, st: SessionState): SessionCommand | string {
  const n = st.options.length;
  if (line === "q" || line === "quit") return { kind: "end", why: "q" };
  if (line === "b" || line === "back") {
    return st.step === 0 ? "nothing to go back to: this is the first step" : { kind: "back" };
  }
  if (line === "" && n === 1) return { kind: "take", index: 0 };
  if (/^\d+$/.test(line) && Number(line) >= 1 && Number(line) <= n) return { kind: "take", index: Number(line) - 1 };
  const byToken = st.options.findIndex((o) => o.token === line);
  if (byToken >= 0) return { kind: "take", index: byToken };
  const shown = JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line);
  const numbers = n === 1 ? "1 (or Enter)" : `1 to ${n}`;
  return `${shown} is not a choice: type ${numbers}, a choice as listed (${st.options.map((o) => o.token).join(", ")}), b to go back, q to stop`;
}

function show(out: Out, st: SessionState): void {
  out.line("");
  if (st.back) out.line(`back to step ${st.step + 1}`);
  else st.did.forEach((d, i) => out.line(`${i === 0 ? "  did: " : "       "}${d}`));
  out.line(`step ${st.step + 1} · schedule so far: ${st.schedule}`);
  const width = Math.max(...st.options.map((o) => o.text.length));
  st.options.forEach((o, i) => out.line(`  ${i + 1}) ${o.text.padEnd(width)}  [${o.token}]`));
}

/** The end of a session, as printed. */
export function renderInteractiveEnd(out: Out, r: InteractiveReport): void {
  out.line("");
  r.did.forEach((d, i) => out.line(`${i === 0 ? "  did: " : "       "}${d}`));
  if (r.ended) {
    out.line(`outcome: ${r.outcomeText ?? ""}`);
    if (r.inconclusive !== null) out.line(out.c.yellow(`verdict: INCONCLUSIVE — ${r.inconclusive.message}`));
    out.line(`schedule: ${r.schedule}`);
    out.line(`replay:   ${r.replay ?? ""}`);
  } else {
    out.line(`stopped at step ${r.step} (${r.stopped ?? "?"}): the run has not ended`);
    out.line(`schedule: ${r.schedule}`);
    out.line(`resume:   ${r.resume ?? ""}`);
  }
}
