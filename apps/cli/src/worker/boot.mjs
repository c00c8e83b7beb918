// Development only: start the CLI's worker thread, whose entry is TypeScript
// source, through the project's one loader, tsx (Node 20 does not apply an
// `--import tsx` given in a worker's execArgv to the worker's own entry).
// The built CLI starts dist/worker/entry.js directly and never uses this file.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
