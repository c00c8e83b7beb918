/**
 * The playground's Web Worker: explorations and comparisons off the page's
 * thread, so the page stays responsive and can stop them (by ending this
 * worker). One request at a time; every answer names the request's id.
 */
import { runCompare, runExplore } from "./jobs.js";
import type { WorkerReply, WorkerRequest } from "./protocol.js";

const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(m: WorkerReply): void;
};

scope.onmessage = (ev) => {
  const req = ev.data;
  try {
    if (req.kind === "explore") {
      const result = runExplore(req, (done) => scope.postMessage({ kind: "progress", id: req.id, done, total: null }));
      scope.postMessage({ kind: "explored", id: req.id, result });
    } else {
      const result = runCompare(req, (done, total) => scope.postMessage({ kind: "progress", id: req.id, done, total }));
      scope.postMessage({ kind: "compared", id: req.id, result });
    }
  } catch (e) {
    scope.postMessage({ kind: "error", id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
};
