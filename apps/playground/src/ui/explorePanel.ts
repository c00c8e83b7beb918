/**
 * The Explore tab: search the current run's schedules — DPOR, random or
 * PCT — for a signal, in the Web Worker, with progress and a stop button. A
 * finding comes back shrunk and opens in the step view (the page's
 * `onFound`), with its racy window and labels.
 *
 * DOM contract: `[data-explore-strategy]`, `[data-explore-budget]`,
 * `[data-explore-seed]`, `[data-explore-depth]`, `[data-explore-signal]`;
 * `[data-action=explore]`, `[data-action=stop]`; `[data-explore-progress]`
 * (`data-done`); `[data-explore-result]` (`data-found`, `data-exhausted`).
 */
import type { ExploreStrategy, ExploreSummary } from "../protocol.js";
import { $, fill, h, num } from "./dom.js";

export interface ExploreHandlers {
  start(o: { strategy: ExploreStrategy; budget: number; seed: number; depth: number; signal: string }): void;
  stop(): void;
  open(shrunk: string, signal: string): void;
}

export class ExplorePanel {
  constructor(
    readonly root: HTMLElement,
    handlers: ExploreHandlers,
  ) {
    const strategy = h(
      "select",
      { "data-explore-strategy": true, id: "explore-strategy" },
      h("option", { value: "dpor" }, "DPOR (exhaustive, with sleep sets)"),
      h("option", { value: "random" }, "random (seeded)"),
      h("option", { value: "pct" }, "PCT (seeded, depth d)"),
    );
    const budget = h("input", {
      type: "number",
      min: 1,
      step: 1,
      value: 10_000,
      "data-explore-budget": true,
      id: "explore-budget",
    });
    const seed = h("input", {
      type: "number",
      min: 0,
      step: 1,
      value: 1,
      "data-explore-seed": true,
      id: "explore-seed",
    });
    const depth = h("input", {
      type: "number",
      min: 1,
      max: 10,
      step: 1,
      value: 3,
      "data-explore-depth": true,
      id: "explore-depth",
    });
    const signal = h("input", {
      type: "text",
      list: "signals",
      "data-explore-signal": true,
      id: "explore-signal",
      size: 44,
      spellcheck: "false",
    });
    const go = h(
      "button",
      {
        type: "button",
        "data-action": "explore",
        onclick: () =>
          handlers.start({
            strategy: strategy.value as ExploreStrategy,
            budget: Math.max(1, Math.trunc(Number(budget.value) || 1)),
            seed: Math.max(0, Math.trunc(Number(seed.value) || 0)),
            depth: Math.max(1, Math.trunc(Number(depth.value) || 1)),
            signal: signal.value.trim() || "failure",
          }),
      },
      "Explore",
    );
    const stop = h(
      "button",
      { type: "button", "data-action": "stop", disabled: true, onclick: () => handlers.stop() },
      "Stop",
    );
    this.open = handlers.open;
    root.append(
      h("h2", {}, "Explore"),
      h("p", { class: "muted", "data-explore-about": true }),
      h(
        "div",
        { class: "form" },
        h("label", { for: "explore-strategy" }, "strategy"),
        strategy,
        h("label", { for: "explore-budget", title: "DPOR: executions at most; random and PCT: runs" }, "budget"),
        budget,
        h("label", { for: "explore-seed" }, "seed"),
        seed,
        h("label", { for: "explore-depth" }, "PCT depth"),
        depth,
        h("label", { for: "explore-signal", title: "what counts as found, in matrix.json's words" }, "signal"),
        signal,
        h("datalist", { id: "signals" }),
      ),
      h("p", { class: "buttons" }, go, " ", stop),
      h(
        "p",
        { "data-explore-progress": true, "aria-live": "polite" },
        h("progress", { max: 1, value: 0 }),
        h("span", {}),
      ),
      h("div", { "data-explore-result": true }),
    );
  }

  private readonly open: ExploreHandlers["open"];

  /** What the next exploration searches: the run and its default signal (kept if the person typed one for this run). */
  setRun(about: string, signal: string, signals: readonly string[], force: boolean): void {
    $(this.root, "[data-explore-about]").textContent = about;
    const input = $<HTMLInputElement>(this.root, "[data-explore-signal]");
    if (force || input.value === "") input.value = signal;
    fill(
      $(this.root, "#signals"),
      signals.map((x) => h("option", { value: x })),
    );
  }

  running(on: boolean, budget: number | null): void {
    $<HTMLButtonElement>(this.root, '[data-action="explore"]').disabled = on;
    $<HTMLButtonElement>(this.root, '[data-action="stop"]').disabled = !on;
    if (on) {
      const bar = $<HTMLProgressElement>(this.root, "[data-explore-progress] progress");
      if (budget === null) bar.removeAttribute("value");
      else {
        bar.max = budget;
        bar.value = 0;
      }
      this.progress(0);
      fill($(this.root, "[data-explore-result]"));
    }
  }

  progress(done: number): void {
    const p = $(this.root, "[data-explore-progress]");
    p.setAttribute("data-done", String(done));
    const bar = $<HTMLProgressElement>(p, "progress");
    if (bar.hasAttribute("value") || done > 0) bar.value = Math.min(done, bar.max);
    $(p, "span").textContent = ` ${num(done)} execution${done === 1 ? "" : "s"}`;
  }

  stopped(done: number): void {
    const r = $(this.root, "[data-explore-result]");
    r.setAttribute("data-found", "false");
    r.setAttribute("data-exhausted", "false");
    fill(r, h("p", {}, `Stopped after ${num(done)} executions: nothing found so far, the search was not finished.`));
  }

  failed(message: string): void {
    fill($(this.root, "[data-explore-result]"), h("p", { class: "error", role: "alert" }, message));
  }

  result(r: ExploreSummary, replay: string | null): void {
    this.progress(r.executions);
    const el = $(this.root, "[data-explore-result]");
    el.setAttribute("data-found", String(r.found));
    el.setAttribute("data-exhausted", String(r.exhausted));
    const outcomes = Object.entries(r.outcomes)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${num(n)}`)
      .join(", ");
    const warnings = r.console.map((c) =>
      h("li", {}, `${c.text} `, h("span", { class: "muted" }, `(${num(c.executions)} executions)`)),
    );
    fill(
      el,
      r.found
        ? [
            h(
              "p",
              { class: "found" },
              `Found ${r.signal} after ${num(r.executionsToFound ?? r.executions)} executions (${r.mode}): ${r.failure}.`,
            ),
            h(
              "p",
              {},
              `Shrunk to ${num(r.shrunkSteps ?? 0)} steps and opened in the step view, at the start of its racy window. `,
              h(
                "button",
                { type: "button", "data-action": "open-finding", onclick: () => this.open(r.shrunk!, r.signal) },
                "Open it again",
              ),
            ),
            replay !== null ? h("p", {}, "Replay it with the CLI: ", h("code", {}, replay)) : null,
          ]
        : h(
            "p",
            {},
            r.exhausted
              ? `Not found: every schedule explored (${num(r.executions)} executions, ${r.mode}) — ${r.signal} cannot happen here.`
              : `Not found in ${num(r.executions)} executions (${r.mode}); the search did not cover every schedule.`,
          ),
      h(
        "p",
        { class: "muted" },
        `Outcomes: ${outcomes || "none"}${r.stepLimited > 0 ? ` · ${num(r.stepLimited)} at the step limit` : ""}.`,
      ),
      warnings.length > 0 ? [h("p", { class: "muted" }, "Console lines seen:"), h("ul", {}, warnings)] : null,
    );
  }
}
