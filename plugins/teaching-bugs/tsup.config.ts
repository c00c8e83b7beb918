import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

export default defineConfig(
  packageBuild([
    "src/index.ts",
    "src/wakeupIgnoresCpumask.ts",
    "src/spinlockForgetsCrit.ts",
    "src/releaseBeforeTsleepInterlock.ts",
    "src/releaseForgetsWakeup.ts",
  ]),
);
