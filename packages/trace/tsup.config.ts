import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

// view/index.ts is the ./view subpath (the timeline view for web pages).
export default defineConfig({ ...packageBuild(), entry: { index: "src/index.ts", "view/index": "src/view/index.ts" } });
