/**
 * Progress on stderr — executions of `explore`, variants of `compare`: a bar
 * on a terminal (cli-progress), plain lines every few seconds otherwise.
 * Presentation only: nothing here feeds back into a run.
 */
import cliProgress from "cli-progress";
import type { StopReason } from "./jobs/requests.js";

export interface Progress {
  start(label: string, total: number | null): void;
  tick(executions: number): void;
  stopRequested(why: StopReason): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 2000;

/**
 * `unit`: what is counted (null: no progress) — explore's executions, or the
 * states a stateful search stored (either total a budget), or compare's variants.
 */
export function progress(
  stderr: NodeJS.WriteStream,
  tty: boolean,
  unit: "execution" | "state" | "variant" | null,
): Progress {
  if (unit === null) return { start() {}, tick() {}, stopRequested() {}, stop() {} };
  const write = (s: string): void => void stderr.write(`${s}\n`);
  const verb = unit === "variant" ? "comparing" : "exploring";
  const count = (n: number, t: number | null): string =>
    unit === "variant" ? `${n} of ${t} variants done` : `${n} ${unit}s${t !== null ? ` of at most ${t}` : ""}`;
  // A stateful search stops between executions too; compare inside the running variant.
  const stopping =
    unit === "variant"
      ? "stopping inside the running variant, whose row is marked partial"
      : "stopping after the current execution";
  let bar: cliProgress.SingleBar | null = null;
  let last = 0;
  let label = "";
  let total: number | null = null;
  return {
    start(l, t) {
      label = l;
      total = t;
      if (tty) {
        bar = new cliProgress.SingleBar(
          {
            stream: stderr,
            format:
              total === null
                ? `${label} {value} ${unit}s`
                : `${label} [{bar}] {value}/{total} ${unit}s${unit === "variant" ? "" : " (budget)"}`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? 0, 0);
      } else {
        const budget = total !== null && unit !== "variant" ? `, budget ${total} ${unit}s` : "";
        write(`kprim: ${verb} ${label}${budget}`);
        last = Date.now();
      }
    },
    tick(n) {
      if (bar) bar.update(n);
      else if (label && Date.now() - last >= PLAIN_EVERY_MS) {
        last = Date.now();
        write(`kprim: ${count(n, total)}`);
      }
    },
    stopRequested(why) {
      // No count here: the report gives the one count of what ran, once it has stopped.
      const msg =
        why === "interrupted" ? `kprim: ${stopping} (Ctrl-C again to abort)` : `kprim: time limit reached; ${stopping}`;
      if (bar) bar.stop();
      bar = null;
      label = "";
      write(msg);
    },
    stop() {
      if (bar) bar.stop();
      bar = null;
    },
  };
}
