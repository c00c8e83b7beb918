import { defineConfig } from "tsup";
import { packageBuild } from "../../scripts/tsup.preset";

// shims: import.meta.url (scenarioFactorySpec) in the CommonJS build.
export default defineConfig({ ...packageBuild(), shims: true });
