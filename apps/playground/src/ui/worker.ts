/**
 * The page's side of the Web Worker: one job at a time, its progress, its
 * result — and stop, which ends the worker (a synchronous exploration reads
 * no messages while it runs); the next job starts a fresh one. The worker's
 * code is inlined in the page's script (Vite's `?worker&inline`), so no
 * job ever fetches anything: the page works offline once it has loaded.
 */
import type { CompareSummary, ExploreSummary, WorkerJob, WorkerReply, WorkerRequest } from "../protocol.js";
import KprimWorker from "../worker.ts?worker&inline";

type Job = { kind: "explore"; result: ExploreSummary } | { kind: "compare"; result: CompareSummary };

export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending: { id: number; resolve: (j: Job | null) => void; reject: (e: Error) => void } | null = null;

  get busy(): boolean {
    return this.pending !== null;
  }

  /** Run a job; resolves with its result, or null when stopped. */
  run(req: WorkerJob, progress: (done: number, total: number | null) => void): Promise<Job | null> {
    this.stop();
    const id = this.nextId++;
    const w = (this.worker ??= new KprimWorker({ name: "kprim" }));
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      w.onmessage = (ev: MessageEvent<WorkerReply>) => {
        const m = ev.data;
        if (this.pending?.id !== m.id) return;
        if (m.kind === "progress") {
          progress(m.done, m.total);
          return;
        }
        this.pending = null;
        if (m.kind === "error") reject(new Error(m.message));
        else if (m.kind === "explored") resolve({ kind: "explore", result: m.result });
        else resolve({ kind: "compare", result: m.result });
      };
      w.onerror = (ev) => {
        ev.preventDefault();
        const p = this.pending;
        this.pending = null;
        this.worker?.terminate();
        this.worker = null;
        p?.reject(new Error(ev.message || "the worker failed"));
      };
      w.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  /** End the running job (its promise resolves with null). */
  stop(): void {
    if (this.pending === null) return;
    const p = this.pending;
    this.pending = null;
    this.worker?.terminate();
    this.worker = null;
    p.resolve(null);
  }
}
