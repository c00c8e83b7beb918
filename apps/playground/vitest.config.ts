import { kprimProject } from "../../vitest.shared.ts";

// The playground's logic (URL state, sessions, state snapshots, thread-body
// sources, the worker's jobs) tested in Node on source; the page itself is
// tested in chromium by the e2e project.
export default kprimProject();
