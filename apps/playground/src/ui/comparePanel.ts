/**
 * The Compare tab: what the current scenario costs in simulated cycles
 * under the token interlock and under spinlock + tsleep_interlock (and any
 * other variant ticked) — cycles, IPIs, switches and spin cycles per
 * operation, medians over seeded timed runs (`measureCost` of
 * @kprim/scenarios, as `kprim compare` and the benchmarks compute them),
 * with what matrix.json expects — and the cycles chart, against cpus for a
 * scenario with a `cpus` parameter. Computed in the Web Worker.
 *
 * DOM contract: `[data-compare-variant="<name>"]` checkboxes,
 * `[data-compare-seeds]`, `[data-action=compare]`, `[data-action=stop-compare]`,
 * `[data-compare-progress]`, `[data-compare-table]` with
 * `[data-compare-row="<variant>"]` (`data-cycles`), `[data-compare-chart]`.
 */
import { VARIANT_NAMES } from "@kprim/scenarios";
import type { CompareSummary } from "../protocol.js";
import { barsChart, cpusChart } from "./chart.js";
import { $, fill, h, num } from "./dom.js";

export interface CompareHandlers {
  start(variants: readonly string[], seeds: number): void;
  stop(): void;
}

const DEFAULT = ["TOK", "SPIN+TI"];

const fixed = (x: number, d: number): string => num(Number(x.toFixed(d)));

export class ComparePanel {
  constructor(
    readonly root: HTMLElement,
    handlers: CompareHandlers,
  ) {
    const boxes = VARIANT_NAMES.map((v) =>
      h(
        "label",
        { class: "check" },
        h("input", { type: "checkbox", "data-compare-variant": v, checked: DEFAULT.includes(v) }),
        ` ${v}`,
      ),
    );
    const seeds = h("input", {
      type: "number",
      min: 1,
      max: 21,
      step: 1,
      value: 5,
      "data-compare-seeds": true,
      id: "compare-seeds",
    });
    root.append(
      h("h2", {}, "Compare"),
      h("p", { class: "muted", "data-compare-about": true }),
      h("fieldset", {}, h("legend", {}, "variants"), boxes),
      h("p", {}, h("label", { for: "compare-seeds" }, "jitter seeds "), seeds),
      h(
        "p",
        { class: "buttons" },
        h(
          "button",
          {
            type: "button",
            "data-action": "compare",
            onclick: () => {
              const chosen = VARIANT_NAMES.filter(
                (v) => $<HTMLInputElement>(root, `[data-compare-variant="${v}"]`).checked,
              );
              handlers.start(chosen.length > 0 ? chosen : DEFAULT, Math.max(1, Math.trunc(Number(seeds.value) || 1)));
            },
          },
          "Compare",
        ),
        " ",
        h(
          "button",
          { type: "button", "data-action": "stop-compare", disabled: true, onclick: () => handlers.stop() },
          "Stop",
        ),
      ),
      h("p", { "data-compare-progress": true, "aria-live": "polite" }),
      h("div", { "data-compare-table": true }),
      h("div", { "data-compare-chart": true }),
    );
  }

  setRun(about: string): void {
    $(this.root, "[data-compare-about]").textContent = about;
  }

  running(on: boolean): void {
    $<HTMLButtonElement>(this.root, '[data-action="compare"]').disabled = on;
    $<HTMLButtonElement>(this.root, '[data-action="stop-compare"]').disabled = !on;
    if (on) {
      this.progress(0, null);
      fill($(this.root, "[data-compare-table]"));
      fill($(this.root, "[data-compare-chart]"));
    }
  }

  progress(done: number, total: number | null): void {
    $(this.root, "[data-compare-progress]").textContent =
      total === null ? "Measuring…" : `Measured ${done} of ${total} configurations.`;
  }

  message(text: string, error = false): void {
    fill($(this.root, "[data-compare-progress]"), h("span", error ? { class: "error", role: "alert" } : {}, text));
  }

  result(r: CompareSummary, seeds: number): void {
    this.message(
      `Medians over ${seeds} seeded timed run${seeds === 1 ? "" : "s"} (±10% jitter) per configuration; deterministic.`,
    );
    const base = r.rows.find((x) => x.variant === "SPIN+TI") ?? r.rows[r.rows.length - 1]!;
    fill(
      $(this.root, "[data-compare-table]"),
      h(
        "table",
        { class: "grid cost" },
        h("caption", {}, `${r.scenario}: simulated cost per operation (one operation per thread)`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              "variant",
              "interlock",
              "cycles/op",
              `÷ ${base.variant}`,
              "IPIs/op",
              "switches/op",
              "spin cycles/op",
              "matrix.json expects",
            ].map((x) => h("th", {}, x)),
          ),
        ),
        h(
          "tbody",
          {},
          r.rows.map((x) =>
            h(
              "tr",
              { "data-compare-row": x.variant, "data-cycles": x.cost.cyclesPerOp },
              h("th", {}, x.variant),
              h("td", {}, x.interlock),
              h("td", { class: "num" }, fixed(x.cost.cyclesPerOp, 1)),
              h("td", { class: "num" }, `${fixed(x.cost.cyclesPerOp / base.cost.cyclesPerOp, 2)}×`),
              h("td", { class: "num" }, fixed(x.cost.ipisPerOp, 2)),
              h("td", { class: "num" }, fixed(x.cost.switchesPerOp, 2)),
              h("td", { class: "num" }, fixed(x.cost.spinPerOp, 1)),
              h(
                "td",
                {},
                x.expected ?? h("span", { class: "muted" }, "no row"),
                x.cost.failures.length > 0
                  ? h("div", { class: "error" }, `${x.cost.failures.length} run(s) failed: ${x.cost.failures[0]}`)
                  : null,
              ),
            ),
          ),
        ),
      ),
    );
    fill($(this.root, "[data-compare-chart]"), r.series !== null ? cpusChart(r.series) : barsChart(r.rows));
  }
}
