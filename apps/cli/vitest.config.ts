import { kprimProject } from "../../vitest.shared.ts";

// The tests run CLI commands in the test's process (run-cli.ts), each job in
// its own worker thread (a few whole processes for what only a process
// shows): up to three at a time overlap well on two cores.
export default kprimProject({ maxConcurrency: 3 });
