/**
 * Explore progress on stderr: a bar on a terminal (cli-progress), plain
 * lines every few seconds otherwise. Presentation only: nothing here feeds
 * back into a run.
 */
import cliProgress from "cli-progress";
import type { StopReason } from "./worker/protocol.js";

export interface Progress {
  start(label: string, total: number | null): void;
  tick(executions: number): void;
  stopRequested(why: StopReason): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 2000;

export function progress(stderr: NodeJS.WriteStream, tty: boolean, enabled: boolean): Progress {
  if (!enabled) return { start() {}, tick() {}, stopRequested() {}, stop() {} };
  let bar: cliProgress.SingleBar | null = null;
  let last = 0;
  let label = "";
  let total: number | null = null;
  let lastCount = 0;
  const write = (s: string): void => void stderr.write(`${s}\n`);
  return {
    start(l, t) {
      label = l;
      total = t;
      if (tty) {
        bar = new cliProgress.SingleBar(
          {
            stream: stderr,
            format:
              total === null ? `${label} {value} executions` : `${label} [{bar}] {value}/{total} executions (budget)`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? 0, 0);
      } else {
        write(`kprim: exploring ${label}${total !== null ? `, budget ${total} executions` : ""}`);
        last = Date.now();
      }
    },
    tick(n) {
      lastCount = n;
      if (bar) bar.update(n);
      else if (label && Date.now() - last >= PLAIN_EVERY_MS) {
        last = Date.now();
        write(`kprim: ${n} executions${total !== null ? ` of at most ${total}` : ""}`);
      }
    },
    stopRequested(why) {
      const msg =
        why === "interrupted"
          ? "kprim: stopping after the current execution (Ctrl-C again to abort)"
          : `kprim: time limit reached after ${lastCount} executions; stopping`;
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
