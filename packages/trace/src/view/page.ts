/**
 * The entry of the script the HTML export inlines (bundled into
 * script.generated.ts by scripts/bundle-view.ts): the global
 * `kprimTimeline.mountTimeline`, the same view the browser playground
 * imports from `@kprim/trace/view`.
 */
export { mountTimeline } from "./mount.js";
