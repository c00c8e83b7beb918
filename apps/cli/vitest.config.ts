import { kprimProject } from "../../vitest.shared.ts";

// The tests drive the CLI as subprocesses (about a second of CPU each, part
// of it waiting on a worker thread): up to three at a time overlap well on
// two cores.
export default kprimProject({ maxConcurrency: 3 });
