import { kprimProject } from "../../vitest.shared.ts";

// The tests drive the CLI as subprocesses (about a second each on two cores).
export default kprimProject({ testTimeout: 60_000 });
