/**
 * The HTML export and the browser playground draw the timeline with one
 * component (src/view/). The export inlines it as the script committed in
 * src/view/script.generated.ts: that script must be the bundle of today's
 * view source, self-contained and safe inside a <script> element.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundleView, GENERATED, generatedModule } from "../scripts/bundle-view.js";
import { documentFromRun, toHtml } from "../src/index.js";
import { TIMELINE_VIEW_SCRIPT } from "../src/view/script.generated.js";
import { failingCounterRun } from "./fixtures.js";

describe("the timeline view's inlined script", () => {
  it("is the bundle of the view's source as it is now (else: pnpm --filter @kprim/trace gen:view)", async () => {
    const fresh = generatedModule(await bundleView());
    const committed = readFileSync(GENERATED, "utf8");
    // Not a text diff: a stale bundle is one long line.
    expect(committed === fresh, "src/view/script.generated.ts is stale: run pnpm --filter @kprim/trace gen:view").toBe(
      true,
    );
  });

  it("defines the global kprimTimeline.mountTimeline and nothing it needs from outside", () => {
    const scope = new Function(`${TIMELINE_VIEW_SCRIPT}\nreturn kprimTimeline;`) as () => Record<string, unknown>;
    const api = scope();
    expect(Object.keys(api)).toEqual(["mountTimeline"]);
    expect(typeof api["mountTimeline"]).toBe("function");
    expect(TIMELINE_VIEW_SCRIPT).not.toMatch(/\bimport\b|\brequire\(|fetch\(|XMLHttpRequest|<\/script|<!--/i);
  });

  it("is what the HTML export runs", () => {
    const html = toHtml(documentFromRun(failingCounterRun().result));
    expect(html).toContain(TIMELINE_VIEW_SCRIPT);
  });
});
