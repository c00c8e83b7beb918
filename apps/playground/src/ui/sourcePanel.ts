/**
 * The source panel: the thread bodies of the scenario, as the catalogue
 * writes them (source.ts over the bundled catalogue files) — per thread its
 * name, cpu and body, then the catalogue functions it runs — and the
 * scenario's definition, folded.
 *
 * DOM contract: `[data-source]` holds `[data-thread-source="<name>"]` per
 * thread, each with `[data-function="<name>"]` code blocks.
 */
import type { ScenarioSource } from "../source.js";
import { fill, h } from "./dom.js";

export function renderSource(root: HTMLElement, src: ScenarioSource | null, scenario: string): void {
  if (src === null) {
    fill(root, h("h2", {}, "Threads"), h("p", { class: "muted" }, `No source found for ${scenario}.`));
    return;
  }
  const shown = new Set<string>();
  fill(
    root,
    h("h2", {}, "Threads", h("small", {}, ` catalogue/${src.file}`)),
    src.threads.map((t) =>
      h(
        "section",
        { class: "thread", "data-thread-source": t.name },
        h("h3", {}, t.name, h("small", {}, ` on cpu ${t.cpu}`)),
        h("pre", { class: "body" }, h("code", {}, `body: ${t.body}`)),
        t.functions.map((f) => {
          // A function two threads share is shown in full once, then named.
          const again = shown.has(f.name);
          shown.add(f.name);
          return again
            ? h("p", { class: "muted", "data-function": f.name }, `${f.name}: as above`)
            : h(
                "details",
                { open: true, "data-function": f.name },
                h("summary", {}, f.name, h("small", {}, ` ${f.file}`)),
                h("pre", {}, h("code", {}, f.text)),
              );
        }),
      ),
    ),
    h(
      "details",
      { class: "definition" },
      h("summary", {}, "the scenario's definition"),
      h("pre", {}, h("code", {}, src.definition)),
    ),
  );
}
