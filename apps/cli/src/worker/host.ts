/**
 * The main thread's side of the worker: start it with a job, poll the shared
 * buffer (progress, the watchdog), pass on a stop request (Ctrl-C, time
 * limit), and resolve with the job's report — or reject with a WorkerFailure
 * that says whether it is an input error (one line, exit 2).
 */
import { Worker } from "node:worker_threads";
import { UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { workerStart } from "./paths.js";
import type { SessionCommand, StopReason } from "../jobs/requests.js";
import { CTRL, newShared, stopCode, type WorkerInit, type WorkerMessage } from "./protocol.js";
import { WatchdogReader } from "./watchdog.js";

/** An error the worker reported (its stack is the worker's). */
export class WorkerFailure extends Error {
  override readonly name = "WorkerFailure";
  constructor(
    message: string,
    readonly input: boolean,
    readonly workerStack: string,
    /** The command's exit code: 2, or 130 for a second Ctrl-C. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export interface HostOptions {
  /** The command's environment (the worker thread's) and stderr (where what plugins print goes). */
  readonly io: Pick<Io, "env" | "stderr">;
  /** A thread body running this long without a step ends the command (ms). */
  readonly quietMs: number;
  /** Ask the job to stop this long (ms) after it has started (its "started" message). */
  readonly timeLimitMs?: number | undefined;
  /** Ctrl-C asks the job to stop between executions (a second one aborts). */
  readonly interruptible?: boolean;
  readonly onStarted?: (label: string, total: number | null) => void;
  /** Every poll (100 ms) with the executions so far. */
  readonly onTick?: (executions: number) => void;
  readonly onStopRequest?: (why: StopReason) => void;
  /** A session job's state; `reply` sends the worker its next command. */
  readonly onState?: (data: unknown, reply: (cmd: SessionCommand) => void) => void;
}

const POLL_MS = 100;
/**
 * SIGINTs this close to the first are the same keypress: a terminal sends
 * Ctrl-C to every process of the job, and a launcher in it (npm, tsx) may
 * relay it once more.
 */
export const SAME_KEYPRESS_MS = 500;

export function runInWorker<T>(
  init: Omit<WorkerInit, "shared">,
  opts: HostOptions,
): Promise<{ data: T; stopped: StopReason | null }> {
  const shared = newShared();
  const ctrl = new Int32Array(shared);
  const start = workerStart();
  const ownStderr = opts.io.stderr === process.stderr;
  const worker = new Worker(start.url, {
    workerData: { ...init, shared, entry: start.entry },
    execArgv: start.execArgv,
    env: opts.io.env,
    // What plugins print goes to stderr, so that --json output stays one document.
    stdout: true,
    // The worker's stderr is the process's, unless the command has a stderr of its own (run() of program.ts).
    stderr: !ownStderr,
  });
  // { end: false }: a stream of the command's own stays open for what follows (pipe() never ends the process's).
  worker.stdout.pipe(opts.io.stderr, { end: false });
  if (!ownStderr) worker.stderr.pipe(opts.io.stderr, { end: false });
  const reader = new WatchdogReader(shared);
  let stopped: StopReason | null = null;
  const requestStop = (why: StopReason): void => {
    if (stopped !== null) return;
    stopped = why;
    Atomics.store(ctrl, CTRL.stop, stopCode(why));
    opts.onStopRequest?.(why);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    let firstInterrupt: number | null = null;
    const cleanup = (): void => {
      settled = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      if (opts.interruptible) {
        process.off("SIGINT", onSigint);
        // Once stopped by Ctrl-C, the rest of the same keypress (relayed copies) must not kill
        // the process while it prints the partial result; a later one ends it at once.
        if (firstInterrupt !== null) {
          const first = firstInterrupt;
          process.on("SIGINT", () => {
            if (Date.now() - first >= SAME_KEYPRESS_MS) process.exit(130);
          });
        }
      }
      void worker.terminate();
    };
    const fail = (e: Error): void => {
      if (settled) return;
      cleanup();
      reject(e);
    };
    const onSigint = (): void => {
      const now = Date.now();
      if (firstInterrupt === null) {
        firstInterrupt = now;
        requestStop("interrupted");
      } else if (now - firstInterrupt >= SAME_KEYPRESS_MS) {
        fail(new WorkerFailure("interrupted (a second Ctrl-C)", true, "", 130));
      }
    };
    if (opts.interruptible) process.on("SIGINT", onSigint);
    // The time limit counts from the job's start (after the worker has loaded the code and the plugins).
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      opts.onTick?.(Atomics.load(ctrl, CTRL.executions));
      const stuck = reader.check(Date.now(), opts.quietMs);
      if (stuck !== null) {
        const secs = opts.quietMs / 1000;
        fail(
          new UsageError(
            stuck.kind === "body"
              ? `watchdog: thread "${stuck.thread}" on cpu${stuck.cpu} ran ${secs} s without yielding a step (a thread body must yield at every step); stopped`
              : stuck.kind === "strategy"
                ? `watchdog: strategy "${stuck.strategy}" ran ${secs} s without choosing a step (choose must return); stopped`
                : `watchdog: ${stuck.what} did not finish in ${secs} s (code that never returns?); stopped`,
          ),
        );
      }
    }, POLL_MS);
    worker.on("message", (m: WorkerMessage) => {
      if (settled) return;
      switch (m.kind) {
        case "started":
          if (opts.timeLimitMs !== undefined && timer === undefined) {
            timer = setTimeout(() => requestStop("time-limit"), opts.timeLimitMs);
          }
          opts.onStarted?.(m.label, m.total);
          return;
        case "state":
          opts.onState?.(m.data, (cmd) => {
            if (!settled) worker.postMessage(cmd);
          });
          return;
        case "result":
          opts.onTick?.(Atomics.load(ctrl, CTRL.executions));
          cleanup();
          resolve({ data: m.data as T, stopped });
          return;
        case "error":
          fail(new WorkerFailure(m.message, m.input, m.stack));
          return;
        default: {
          const never: never = m;
          fail(new Error(`unexpected message ${String(never)}`));
        }
      }
    });
    worker.on("error", (e) => fail(e instanceof Error ? e : new Error(String(e))));
    worker.on("exit", (code) => {
      // A top-level await that never settles leaves nothing to run: the thread ends mid-load.
      const loading = reader.loadingNow();
      fail(
        loading !== null
          ? new UsageError(`${loading} never finished (an await at its top level that never settles?)`)
          : new Error(`the worker thread stopped unexpectedly (exit code ${code})`),
      );
    });
  });
}
