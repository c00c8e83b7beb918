import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

// shims: import.meta.url in the CommonJS build (pluginFactorySpec names this module for worker threads).
export default defineConfig({ ...packageBuild(), shims: true });
