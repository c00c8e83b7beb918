import { kprimProject } from "../../vitest.shared.ts";

export default kprimProject();
