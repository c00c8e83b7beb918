/**
 * The playground page: pick a scenario (races and their correct twins), a
 * variant, an interlock, options and parameters; then step it (the step
 * view with the thread bodies, the timeline and the machine's state),
 * explore it in the Web Worker, or compare its cost under the interlocks.
 * The address carries the run, the schedule and the step (url.ts), and is
 * kept current, so a link reopens what is on screen.
 *
 * DOM contract: `[data-pick]` with `[data-pick-scenario]`,
 * `[data-pick-variant]`, `[data-pick-option="<key>"]` (interlock and the
 * other options; "" = the variant's), `[data-pick-param="<key>"]`;
 * `[data-description]` with `[data-expect="<variant>"]` chips; tabs
 * `[role=tab][data-tab="step|explore|compare"]`, panels `[data-panel]`;
 * `[data-source]`, `[data-state]`; `[data-error]` (one line, role alert);
 * `<html data-ready>` once the first run is drawn.
 */
import { builtinInterlocks } from "@kprim/lockmgr";
import { type ParamSpec, parseSchedule } from "@kprim/machine";
import {
  findScenario,
  type KernelScenario,
  OPTION_SPECS,
  variantMatters,
  variantOptions,
  VARIANT_NAMES,
} from "@kprim/scenarios";
import { defaultSignal, defaultVariant, expectations, rowFor, scenarioGroups, scenarioLabel } from "../catalogue.js";
import { type RunSpec, Session } from "../session.js";
import { snapshot } from "../snapshot.js";
import { scenarioSource } from "../source.js";
import { CATALOGUE_SOURCES } from "../sources.js";
import { formatHash, parseHash, type Tab, TABS } from "../url.js";
import { ComparePanel } from "./comparePanel.js";
import { $, fill, h } from "./dom.js";
import { type ExploreHandlers, ExplorePanel } from "./explorePanel.js";
import { renderSource } from "./sourcePanel.js";
import { renderState } from "./statePanel.js";
import { StepPanel } from "./stepPanel.js";
import { WorkerClient } from "./worker.js";

/** Where the playground opens without a link: R3, the lost wakeup of the naive spinlock interlock. */
const DEFAULT_SCENARIO = "lockmgr-lost-wakeup";
const TAB_TEXT: Readonly<Record<Tab, string>> = { step: "Step", explore: "Explore", compare: "Compare" };
/** The options offered beside the variant (interlock first). */
const OPTION_KEYS = ["interlock", ...Object.keys(OPTION_SPECS).filter((k) => k !== "interlock")];

function optionValues(key: string): readonly string[] {
  if (key === "interlock") return Object.keys(builtinInterlocks);
  const v = OPTION_SPECS[key]!.values;
  return v === "any" ? [] : v;
}

export class App {
  private session!: Session;
  private tab: Tab = "step";
  private readonly worker = new WorkerClient();
  private readonly step: StepPanel;
  private readonly explore: ExplorePanel;
  private readonly compare: ComparePanel;
  /** The run the explore form's signal was last set for. */
  private signalFor = "";

  constructor(private readonly root: HTMLElement) {
    const panel = (tab: Tab, ...children: Node[]): HTMLElement =>
      h(
        "section",
        {
          id: `panel-${tab}`,
          role: "tabpanel",
          "aria-labelledby": `tab-${tab}`,
          "data-panel": tab,
          hidden: tab !== "step",
        },
        ...children,
      );
    const stepRoot = h("div", { class: "center" });
    const exploreRoot = h("div", { class: "pane" });
    const compareRoot = h("div", { class: "pane" });
    fill(
      root,
      h(
        "header",
        { class: "top" },
        h("h1", {}, "kprim ", h("span", {}, "playground")),
        h("form", { class: "pick", "data-pick": true, onsubmit: (e: Event) => e.preventDefault() }),
        h("div", { class: "description", "data-description": true }),
      ),
      h("div", { class: "error", "data-error": true, role: "alert", hidden: true }),
      h(
        "nav",
        { class: "tabs", role: "tablist", "aria-label": "views" },
        TABS.map((t) =>
          h(
            "button",
            {
              type: "button",
              role: "tab",
              id: `tab-${t}`,
              "data-tab": t,
              "aria-controls": `panel-${t}`,
              onclick: () => this.showTab(t, true),
            },
            TAB_TEXT[t],
          ),
        ),
      ),
      h(
        "main",
        {},
        panel(
          "step",
          h(
            "div",
            { class: "cols" },
            h("aside", { class: "source", "data-source": true, "aria-label": "thread bodies" }),
            stepRoot,
            h("aside", { class: "state", "data-state": true, "aria-label": "machine state" }),
          ),
        ),
        panel("explore", exploreRoot),
        panel("compare", compareRoot),
      ),
    );
    this.step = new StepPanel(stepRoot, {
      next: () => this.act(() => this.session.next()),
      back: () => this.act(() => this.session.back()),
      start: () => this.act(() => this.session.goTo(0)),
      end: () => this.act(() => this.session.toEnd()),
      take: (i) => this.act(() => this.session.take(i)),
      jump: (step) =>
        this.act(() =>
          this.session.planLength !== null || step <= this.session.step ? this.session.goTo(step) : null,
        ),
      run: (kind, seed) =>
        this.act(() => {
          // Show the run where it matters: the start of its racy window, else its end.
          this.session.runWith(kind, seed);
          const w = this.session.document().window;
          return w !== undefined ? this.session.goTo(w.fromStep) : this.session.toEnd();
        }),
    });
    this.explore = new ExplorePanel(exploreRoot, {
      start: (o) => void this.startExplore(o),
      stop: () => this.worker.stop(),
      open: (shrunk, signal) => this.openFinding(shrunk, signal, "the finding"),
    });
    this.compare = new ComparePanel(compareRoot, {
      start: (variants, seeds) => void this.startCompare(variants, seeds),
      stop: () => this.worker.stop(),
    });
    document.addEventListener("keydown", (ev) => this.onKey(ev));
    window.addEventListener("hashchange", () => this.load(location.hash));
  }

  /** Open what the address says (else the default run); a bad address is a one-line error over the default. */
  load(hash: string): void {
    const u = parseHash(hash);
    let problem: string | null = null;
    let s: Session | null = null;
    try {
      if (u.schedule !== undefined) {
        // The schedule's header says what ran (and wins over the other fields).
        const header = parseSchedule(u.schedule).header;
        const scenario = findScenario(header.scenario);
        const signal = u.signal ?? (scenario ? defaultSignal(scenario, header.variant, header.options) : "failure");
        s = Session.fromSchedule(u.schedule, signal, u.at ?? 0);
      } else if (u.scenario !== undefined) {
        const scenario = findScenario(u.scenario);
        if (scenario === undefined) throw new Error(`unknown scenario "${u.scenario}"`);
        const variant = u.variant ?? defaultVariant(scenario);
        s = Session.fromSpec(
          { scenario: scenario.name, variant, options: u.options, params: u.params },
          u.signal ?? defaultSignal(scenario, variant, u.options),
        );
      }
    } catch (e) {
      problem = `This link does not open: ${e instanceof Error ? e.message : String(e)}. Showing ${DEFAULT_SCENARIO} instead.`;
      s = null;
    }
    this.setSession(s ?? this.defaultSession(), true);
    this.showTab(u.tab ?? "step", false);
    this.error(problem);
  }

  private defaultSession(): Session {
    const sc = findScenario(DEFAULT_SCENARIO)!;
    const variant = defaultVariant(sc);
    return Session.fromSpec({ scenario: sc.name, variant, options: {}, params: {} }, defaultSignal(sc, variant, {}));
  }

  private get scenario(): KernelScenario {
    return this.session.prepared.scenario;
  }

  private setSession(s: Session, renderAll: boolean): void {
    this.worker.stop();
    this.session = s;
    this.step.reset();
    if (renderAll) {
      this.renderPicker();
      renderSource(
        $(this.root, "[data-source]"),
        scenarioSource(CATALOGUE_SOURCES, this.scenario.name),
        this.scenario.name,
      );
    }
    this.renderDescription();
    const h0 = s.prepared.header;
    const runKey = `${h0.scenario} ${h0.variant} ${JSON.stringify(h0.options)} ${JSON.stringify(h0.params)} ${s.signal}`;
    const about = `${this.scenario.name}${variantMatters(s.prepared) ? ` under ${s.variantName()}` : ""}${
      Object.keys(h0.params).length
        ? ` (${Object.entries(h0.params)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")})`
        : ""
    }`;
    const signals = [...new Set(["failure", "any", ...expectations(this.scenario).map((r) => r.signal), s.signal])];
    this.explore.setRun(
      `Search every schedule of ${about} — or a sample of them — for a signal, in a Web Worker.`,
      s.signal,
      signals,
      runKey !== this.signalFor,
    );
    this.signalFor = runKey;
    this.compare.setRun(
      `${this.scenario.name}: token interlock against spinlock + tsleep_interlock, in simulated cycles (options and parameters as picked above).`,
    );
    this.renderRun();
  }

  /** Apply a step action and redraw (an error becomes the error line). */
  private act(f: () => unknown): void {
    const focusInChoices = document.activeElement?.closest("[data-choices], [data-step-view]") !== null;
    try {
      f();
      this.error(null);
    } catch (e) {
      this.error(e instanceof Error ? e.message : String(e));
    }
    this.renderRun();
    // The choice buttons are redrawn: keep the keyboard in the step view.
    if (focusInChoices && !document.activeElement?.closest("[data-step-view]")) this.step.focus();
  }

  private renderRun(): void {
    this.step.render(this.session);
    renderState($(this.root, "[data-state]"), snapshot(this.session.state.view, this.session.eventsSoFar()));
    this.updateUrl();
  }

  private updateUrl(): void {
    const hash = formatHash(this.session.link(this.tab));
    if (location.hash !== hash) history.replaceState(null, "", hash);
    const variant = variantMatters(this.session.prepared) ? ` [${this.session.variantName()}]` : "";
    document.title = `kprim playground — ${this.scenario.name}${variant}`;
  }

  private showTab(t: Tab, focus: boolean): void {
    this.tab = t;
    for (const b of this.root.querySelectorAll<HTMLElement>("[role=tab]")) {
      const on = b.getAttribute("data-tab") === t;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    for (const p of this.root.querySelectorAll<HTMLElement>("[data-panel]"))
      p.hidden = p.getAttribute("data-panel") !== t;
    if (t === "step") this.renderRun();
    else this.updateUrl();
  }

  private error(message: string | null): void {
    const e = $(this.root, "[data-error]");
    e.hidden = message === null;
    e.textContent = message ?? "";
  }

  // ---------------------------------------------------------------- picking

  private spec(): RunSpec {
    const hd = this.session.prepared.header;
    return { scenario: hd.scenario, variant: hd.variant, options: hd.options, params: hd.params };
  }

  private pick(next: RunSpec, signal?: string): void {
    try {
      const sc = findScenario(next.scenario)!;
      this.setSession(
        Session.fromSpec(next, signal ?? defaultSignal(sc, next.variant, next.options)),
        next.scenario !== this.scenario.name,
      );
      this.error(null);
    } catch (e) {
      this.error(e instanceof Error ? e.message : String(e));
      this.renderPicker();
    }
  }

  private renderPicker(): void {
    const form = $(this.root, "[data-pick]");
    const spec = this.spec();
    const base = variantOptions(spec.variant) as unknown as Readonly<Record<string, string>>;
    const scenarioSelect = h(
      "select",
      {
        id: "pick-scenario",
        "data-pick-scenario": true,
        onchange: (e: Event) => this.pickScenario((e.target as HTMLSelectElement).value),
      },
      scenarioGroups().map((g) =>
        h(
          "optgroup",
          { label: g.label },
          g.scenarios.map((s) =>
            h("option", { value: s.name, selected: s.name === spec.scenario, title: s.description }, scenarioLabel(s)),
          ),
        ),
      ),
    );
    const variantSelect = h(
      "select",
      {
        id: "pick-variant",
        "data-pick-variant": true,
        onchange: (e: Event) => this.pick({ ...spec, variant: (e.target as HTMLSelectElement).value }),
      },
      VARIANT_NAMES.map((v) => h("option", { value: v, selected: v === spec.variant }, v)),
    );
    const option = (key: string): Node => {
      const values = optionValues(key);
      const sel = h(
        "select",
        {
          id: `pick-option-${key}`,
          "data-pick-option": key,
          title: OPTION_SPECS[key]?.description,
          onchange: (e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            const options = { ...spec.options };
            if (v === "") delete options[key];
            else options[key] = v;
            this.pick({ ...spec, options });
          },
        },
        h("option", { value: "" }, `(variant's${base[key] !== undefined ? `: ${base[key]}` : ""})`),
        values.map((v) => h("option", { value: v, selected: spec.options[key] === v }, v)),
      );
      return h("span", { class: "field" }, h("label", { for: `pick-option-${key}` }, key), sel);
    };
    const param = (key: string, p: ParamSpec): Node => {
      const value = spec.params[key] ?? String(p.default);
      const set = (v: string): void => this.pick({ ...spec, params: { ...spec.params, [key]: v } });
      const id = `pick-param-${key}`;
      const input =
        p.type === "int"
          ? h("input", {
              id,
              type: "number",
              step: 1,
              min: p.min,
              max: p.max,
              value,
              "data-pick-param": key,
              title: p.description,
              onchange: (e: Event) => set((e.target as HTMLInputElement).value),
            })
          : p.type === "bool"
            ? h("input", {
                id,
                type: "checkbox",
                checked: value === "true",
                "data-pick-param": key,
                title: p.description,
                onchange: (e: Event) => set(String((e.target as HTMLInputElement).checked)),
              })
            : h(
                "select",
                {
                  id,
                  "data-pick-param": key,
                  title: p.description,
                  onchange: (e: Event) => set((e.target as HTMLSelectElement).value),
                },
                p.values.map((v) => h("option", { value: v, selected: v === value }, v)),
              );
      return h("span", { class: "field param" }, h("label", { for: id }, key), input);
    };
    fill(
      form,
      h("span", { class: "field" }, h("label", { for: "pick-scenario" }, "scenario"), scenarioSelect),
      h("span", { class: "field" }, h("label", { for: "pick-variant" }, "variant"), variantSelect),
      OPTION_KEYS.map(option),
      Object.entries(this.scenario.params as Readonly<Record<string, ParamSpec>>).map(([k, p]) => param(k, p)),
    );
  }

  private pickScenario(name: string): void {
    const sc = findScenario(name);
    if (sc === undefined) return;
    this.pick({ scenario: sc.name, variant: defaultVariant(sc), options: {}, params: {} });
  }

  private renderDescription(): void {
    const sc = this.scenario;
    const spec = this.spec();
    const current = rowFor(sc, spec.variant, spec.options);
    const rows = expectations(sc);
    fill(
      $(this.root, "[data-description]"),
      h("p", {}, sc.specId ? h("b", {}, `${sc.specId} `) : null, sc.description, "."),
      rows.length === 0
        ? h("p", { class: "muted" }, "No row of matrix.json: a workload, explored for any failure.")
        : h(
            "p",
            { class: "expect" },
            "matrix.json expects: ",
            rows.map((r) =>
              h(
                "span",
                {
                  class: `chip ${r.expect === "found" ? "found" : "clean"}${r === current ? " current" : ""}`,
                  "data-expect": r.variant,
                  title: `${r.expect} · ${r.signal}${r.note ? ` — ${r.note}` : ""}`,
                },
                `${r.variant}${
                  Object.keys(r.options).length
                    ? ` ${Object.entries(r.options)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(",")}`
                    : ""
                }: ${r.expect === "found" ? "found" : "none"}`,
              ),
            ),
          ),
    );
  }

  // ---------------------------------------------------------------- worker jobs

  private async startExplore(o: Parameters<ExploreHandlers["start"]>[0]): Promise<void> {
    const spec = this.spec();
    this.explore.running(true, o.budget);
    let done = 0;
    try {
      const r = await this.worker.run({ kind: "explore", spec, ...o }, (n) => {
        done = n;
        this.explore.progress(n);
      });
      this.explore.running(false, null);
      if (r === null) {
        this.explore.stopped(done);
        return;
      }
      if (r.kind !== "explore") return;
      const res = r.result;
      if (res.found && res.shrunk !== null) this.openFinding(res.shrunk, res.signal, `${res.mode} (shrunk)`);
      this.explore.result(res, res.found ? this.session.replayCommand() : null);
    } catch (e) {
      this.explore.running(false, null);
      this.explore.failed(e instanceof Error ? e.message : String(e));
    }
  }

  /** Open a finding's schedule in the step view, at the start of its racy window. */
  private openFinding(shrunk: string, signal: string, how: string): void {
    try {
      const s = Session.fromSchedule(shrunk, signal, 0, how);
      const w = s.document().window;
      s.goTo(w !== undefined ? w.fromStep : 0);
      this.showTab("step", false);
      this.setSession(s, false);
      this.step.focus();
    } catch (e) {
      this.error(e instanceof Error ? e.message : String(e));
    }
  }

  private async startCompare(variants: readonly string[], seeds: number): Promise<void> {
    const spec = this.spec();
    // The variants choose the interlock: drop an interlock picked above.
    const { interlock: _picked, ...options } = spec.options;
    this.compare.running(true);
    try {
      const r = await this.worker.run({ kind: "compare", spec: { ...spec, options }, variants, seeds }, (done, total) =>
        this.compare.progress(done, total),
      );
      this.compare.running(false);
      if (r === null) this.compare.message("Stopped.");
      else if (r.kind === "compare") this.compare.result(r.result, seeds);
    } catch (e) {
      this.compare.running(false);
      this.compare.message(e instanceof Error ? e.message : String(e), true);
    }
  }

  // ---------------------------------------------------------------- keys

  private onKey(ev: KeyboardEvent): void {
    if (this.tab !== "step" || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const t = ev.target as HTMLElement | null;
    if (
      t !== null &&
      (t.closest("input, select, textarea, [contenteditable]") !== null || t.closest("[role=tablist]") !== null)
    )
      return;
    const k = ev.key;
    if (k === "ArrowRight") this.act(() => this.session.next());
    else if (k === "ArrowLeft") this.act(() => this.session.back());
    else if (k === "Home") this.act(() => this.session.goTo(0));
    else if (k === "End") this.act(() => this.session.toEnd());
    else if (/^[1-9]$/.test(k) && Number(k) <= this.session.state.options.length)
      this.act(() => this.session.take(Number(k) - 1));
    else return;
    ev.preventDefault();
  }
}
