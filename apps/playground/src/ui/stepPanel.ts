/**
 * The step view: run one schedule (random or PCT, seeded) or step by hand —
 * the controls, the enabled choices with the op each would do (clicking one
 * takes it; the plan's next choice is marked), what the last step did, the
 * outcome; beside it what ran, the timeline (the trace view of
 * @kprim/trace/view, with a cursor where the run stands) and the console.
 *
 * DOM contract: `[data-step-view]` (focusable; keys ← → Home End, 1–9);
 * `[data-action=start|back|next|end|run]`; `[data-step-count]`
 * (`data-step`, `data-steps`); `[data-choices]` with `[data-choice]`
 * buttons (`data-index`, `data-token`, `data-planned` on the plan's next);
 * `[data-last]`; `[data-status]` (`data-found`); `[data-run-header]` with
 * `[data-setting="<name>"]`, `[data-outcome]`, `[data-replay]`,
 * `[data-window-reason]`; `[data-timeline]` (the view's own contract);
 * `[data-console]`; `[data-link]` (this step's address).
 */
import { describeOutcome } from "@kprim/machine";
import { timelineData } from "@kprim/trace";
import { mountTimeline, type TimelineView } from "@kprim/trace/view";
import type { Session } from "../session.js";
import { formatHash } from "../url.js";
import { $, fill, h } from "./dom.js";

export interface StepHandlers {
  next(): void;
  back(): void;
  start(): void;
  end(): void;
  take(index: number): void;
  /** Go to the step of the event clicked on the timeline. */
  jump(step: number): void;
  run(kind: "random" | "pct", seed: number): void;
}

export class StepPanel {
  private view: TimelineView | null = null;
  private viewKey = "";
  private readonly timeline: HTMLElement;

  constructor(
    readonly root: HTMLElement,
    private readonly handlers: StepHandlers,
  ) {
    const seed = h("input", {
      type: "number",
      min: 0,
      step: 1,
      value: 1,
      "data-run-seed": true,
      "aria-label": "seed",
      class: "seed",
    });
    const strategy = h(
      "select",
      { "data-run-strategy": true, "aria-label": "strategy of the run" },
      h("option", { value: "random" }, "random"),
      h("option", { value: "pct" }, "PCT (depth 3)"),
    );
    this.timeline = h("div", { "data-timeline": true });
    root.append(
      h(
        "div",
        { class: "runbar" },
        h("label", {}, "Run one schedule: ", strategy),
        h("label", {}, " seed ", seed),
        h(
          "button",
          {
            type: "button",
            "data-action": "run",
            onclick: () =>
              handlers.run(
                strategy.value === "pct" ? "pct" : "random",
                Math.max(0, Math.trunc(Number(seed.value) || 0)),
              ),
          },
          "Run",
        ),
        h("span", { class: "spacer" }),
        h("a", { "data-link": true, href: "#" }, "link to this step"),
      ),
      h(
        "div",
        {
          class: "stepview",
          "data-step-view": true,
          tabindex: 0,
          role: "group",
          "aria-label":
            "Step view. Keys: right arrow next, left arrow back, Home first step, End last step, 1 to 9 take that choice",
        },
        h(
          "div",
          { class: "controls" },
          h(
            "button",
            {
              type: "button",
              "data-action": "start",
              title: "to the first step (Home)",
              onclick: () => handlers.start(),
            },
            "\u21e4 start",
          ),
          h(
            "button",
            { type: "button", "data-action": "back", title: "back one step (\u2190)", onclick: () => handlers.back() },
            "\u25c0 back",
          ),
          h(
            "button",
            {
              type: "button",
              "data-action": "next",
              title: "one step (\u2192): the plan's next choice, else the first",
              onclick: () => handlers.next(),
            },
            "next \u25b6",
          ),
          h(
            "button",
            { type: "button", "data-action": "end", title: "to the end (End)", onclick: () => handlers.end() },
            "end \u21e5",
          ),
          h("span", { "data-step-count": true }),
          h("span", { class: "muted", "data-plan": true }),
        ),
        h("p", { "data-status": true, "aria-live": "polite" }),
        h("h3", {}, "Enabled choices"),
        h("ol", { class: "choices", "data-choices": true }),
        h("div", { "data-last": true }),
      ),
      this.timeline,
      h("section", { class: "console" }, h("h3", {}, "Console"), h("ol", { "data-console": true })),
      h("h3", {}, "What ran"),
      h("dl", { class: "runhead", "data-run-header": true }),
    );
  }

  render(s: Session): void {
    const st = s.state;
    const total = s.planLength;
    const count = $(this.root, "[data-step-count]");
    count.textContent =
      total !== null
        ? `step ${st.step} of ${total}`
        : st.result !== null
          ? `step ${st.step} (the end)`
          : `step ${st.step}`;
    count.setAttribute("data-step", String(st.step));
    count.setAttribute("data-steps", total !== null ? String(total) : st.result !== null ? String(st.step) : "");
    $(this.root, "[data-plan]").textContent = s.planHow !== null ? `following ${s.planHow}` : "by hand";
    const atStart = st.step === 0;
    const atEnd = st.options.length === 0;
    $<HTMLButtonElement>(this.root, '[data-action="start"]').disabled = atStart;
    $<HTMLButtonElement>(this.root, '[data-action="back"]').disabled = atStart;
    $<HTMLButtonElement>(this.root, '[data-action="next"]').disabled = atEnd;
    $<HTMLButtonElement>(this.root, '[data-action="end"]').disabled = atEnd;

    const planned = s.plannedChoice();
    fill(
      $(this.root, "[data-choices]"),
      st.options.map((o, i) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              "data-choice": true,
              "data-index": i,
              "data-token": o.token,
              "data-planned": o.choice === planned,
              "aria-keyshortcuts": i < 9 ? String(i + 1) : undefined,
              onclick: () => this.handlers.take(i),
            },
            h("kbd", {}, i < 9 ? String(i + 1) : "\u00b7"),
            ` ${o.text}`,
            o.choice === planned ? h("span", { class: "planned" }, " (the plan's next)") : null,
          ),
        ),
      ),
      st.options.length === 0 ? h("li", { class: "muted" }, "none: the run has ended") : null,
    );
    const name = (id: number): string =>
      id < 0 ? "(no thread)" : (st.threads.find((t) => t.id === id)?.name ?? `thread${id}`);
    fill(
      $(this.root, "[data-last]"),
      st.step === 0
        ? h("p", { class: "muted" }, "No step taken yet.")
        : [
            h("h3", {}, `Step ${st.step} did`),
            h(
              "ul",
              { class: "events" },
              st.last.map((e) =>
                h(
                  "li",
                  {},
                  h("b", {}, name(e.thread)),
                  ` ${e.kind}`,
                  e.obj !== undefined ? ` ${e.obj}` : "",
                  e.detail !== undefined ? ` \u2014 ${e.detail}` : "",
                ),
              ),
            ),
          ],
    );
    const status = $(this.root, "[data-status]");
    const found = s.found();
    const outcome = s.wholeRun()?.outcome;
    status.setAttribute("data-found", found === null ? "" : String(found));
    status.textContent =
      outcome === undefined
        ? `Running: ${st.options.length} choice${st.options.length === 1 ? "" : "s"} enabled.`
        : `${st.result !== null ? "The run ended" : "The run ends"} ${outcome.kind === "ok" ? "ok" : `in a ${outcome.kind} at step ${outcome.step}`}: it ${found ? "shows" : "does not show"} ${s.signal}.`;
    $(this.root, "[data-link]").setAttribute("href", formatHash(s.link()));
    this.renderRun(s);
  }

  private renderRun(s: Session): void {
    const doc = s.document();
    const cursor = s.cursorIndex(doc);
    const whole = s.wholeRun() !== null;
    const key = whole ? `whole ${s.schedule()}` : `partial ${s.prepared.header.scenario} ${s.step}`;
    const w = doc.window;
    fill(
      $(this.root, "[data-run-header]"),
      (doc.settings ?? []).map((x) => [h("dt", {}, x.name), h("dd", { "data-setting": x.name }, x.value)]),
      h("dt", {}, "outcome"),
      h(
        "dd",
        {},
        h(
          "span",
          { "data-outcome": true, "data-kind": whole ? doc.outcome.kind : "running" },
          whole ? describeOutcome(doc.outcome) : "(not ended yet)",
        ),
      ),
      h("dt", {}, "replay"),
      h("dd", {}, h("code", { "data-replay": true }, doc.replayCommand ?? "(when the run ends)")),
      h("dt", {}, "racy window"),
      h(
        "dd",
        {},
        w === undefined
          ? "\u2014"
          : h("span", { "data-window-reason": true }, `steps ${w.fromStep}..${w.toStep}: ${w.reason}`),
      ),
    );
    // A view drawn while hidden (another tab showing) would fit a zero width: draw it when it shows.
    if (this.timeline.clientWidth === 0) {
      this.reset();
    } else if (key !== this.viewKey || this.view === null) {
      const keep =
        this.view !== null && !whole && this.viewKey.startsWith("partial ") ? this.view.zoomState() : undefined;
      this.view?.destroy();
      this.view = mountTimeline(this.timeline, timelineData(doc), {
        cursor,
        onEventClick: (i) => this.handlers.jump(doc.events[i]!.step),
        ...(keep !== undefined ? { zoom: keep } : {}),
      });
      this.viewKey = key;
    }
    this.view?.setCursor(cursor, { reveal: true });
    const lines = s.state.view.console;
    fill(
      $(this.root, "[data-console]"),
      lines.length === 0
        ? h("li", { class: "muted" }, "(nothing printed yet)")
        : lines.map((l) =>
            h(
              "li",
              { "data-console-line": l.step },
              h("span", { class: "muted" }, `#${l.step} cpu${l.cpu} ${l.thread} `),
              l.text,
            ),
          ),
    );
  }

  /** Forget the drawn timeline (a new session). */
  reset(): void {
    this.view?.destroy();
    this.view = null;
    this.viewKey = "";
  }

  focus(): void {
    $(this.root, "[data-step-view]").focus();
  }
}
