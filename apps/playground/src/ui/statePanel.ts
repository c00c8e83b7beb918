/**
 * The state panel: the machine at the current step (snapshot.ts) — cpus
 * with their current thread, critical-section depth, run queue and IPI
 * queues; threads with their state, waits and held locks; lockmgr lock
 * words; sleep-hash buckets with their cpumask bits; tokens' owner cpus.
 *
 * DOM contract: `[data-state]` holds `[data-cpu-state="<n>"]` per cpu
 * (`data-current`, `data-crit`), `[data-thread-state="<name>"]` per thread
 * (`data-state`), `[data-lock-word="<name>"]` (`data-flags`),
 * `[data-sleep-bucket="<n>"]` (`data-mask`), `[data-token="<name>"]`
 * (`data-cpu`).
 */
import type { StateSnapshot } from "../snapshot.js";
import { fill, h } from "./dom.js";

function bits(mask: number, ncpus: number): string {
  let s = "";
  for (let c = ncpus - 1; c >= 0; c--) s += (mask & (1 << c)) !== 0 ? "1" : "0";
  return s;
}

export function renderState(root: HTMLElement, s: StateSnapshot): void {
  const ncpus = s.cpus.length;
  const cpus = h(
    "table",
    { class: "grid" },
    h("caption", {}, `cpus at step ${s.step}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "cpu"),
        h("th", {}, "current"),
        h("th", {}, "crit"),
        h("th", {}, "run queue"),
        h("th", {}, "IPI queues"),
      ),
    ),
    h(
      "tbody",
      {},
      s.cpus.map((c) =>
        h(
          "tr",
          { "data-cpu-state": c.cpu, "data-current": c.current ?? "", "data-crit": c.crit },
          h("th", {}, `cpu${c.cpu}`),
          h("td", {}, c.current ?? h("span", { class: "muted" }, "idle")),
          h(
            "td",
            { class: c.crit > 0 ? "hot" : "" },
            c.crit > 0 ? `${c.crit}` : "0",
            c.intr > 0 ? ` · intr ${c.intr}` : "",
          ),
          h("td", {}, c.runq.length ? c.runq.join(", ") : h("span", { class: "muted" }, "—")),
          h(
            "td",
            {},
            c.ipis.length === 0
              ? h("span", { class: "muted" }, "—")
              : c.ipis.map((q) => h("div", {}, `from cpu${q.from}: ${q.labels.join(", ")}`)),
            c.ipisHeld ? h("div", { class: "note" }, "held off: critical section") : null,
          ),
        ),
      ),
    ),
  );
  const threads = h(
    "table",
    { class: "grid" },
    h("caption", {}, "threads"),
    h("thead", {}, h("tr", {}, h("th", {}, "thread"), h("th", {}, "state"), h("th", {}, "crit"), h("th", {}, "holds"))),
    h(
      "tbody",
      {},
      s.threads.map((t) =>
        h(
          "tr",
          { "data-thread-state": t.name, "data-state": t.state },
          h("th", {}, t.name, h("small", {}, ` cpu${t.cpu}${t.kind === "interrupt" ? " · intr" : ""}`)),
          h("td", {}, t.state, t.wait !== null ? h("div", { class: "note" }, t.wait) : null),
          h("td", { class: t.crit > 0 ? "hot" : "" }, String(t.crit)),
          h(
            "td",
            {},
            t.holds.length === 0 && t.spinlocks === 0
              ? h("span", { class: "muted" }, "—")
              : t.holds.map((x) =>
                  h("span", { class: `chip k-${x.kind}` }, `${x.kind} ${x.lock}${x.mode ? ` (${x.mode})` : ""}`),
                ),
          ),
        ),
      ),
    ),
  );
  const parts: Node[] = [cpus, threads];
  if (s.mplock !== null) parts.push(h("p", { "data-mplock": s.mplock }, `MP lock held by ${s.mplock}`));
  if (s.locks.length > 0) {
    parts.push(
      h(
        "table",
        { class: "grid" },
        h("caption", {}, "lockmgr lock words"),
        h("thead", {}, h("tr", {}, h("th", {}, "lock"), h("th", {}, "flags, counts"), h("th", {}, "holder"))),
        h(
          "tbody",
          {},
          s.locks.map((l) =>
            h(
              "tr",
              { "data-lock-word": l.name, "data-flags": l.flags },
              h("th", {}, l.name, h("small", {}, ` ${l.interlock.split(" ")[0]} interlock`)),
              h(
                "td",
                {},
                h("span", { class: "mono" }, l.flags),
                h(
                  "div",
                  { class: "note" },
                  `excl ${l.exclusivecount} \u00b7 share ${l.sharecount} \u00b7 wait ${l.waitcount}`,
                ),
              ),
              h("td", {}, l.holder ?? h("span", { class: "muted" }, "—")),
            ),
          ),
        ),
      ),
    );
  }
  if (s.sleep.length > 0) {
    parts.push(
      h(
        "table",
        { class: "grid" },
        h("caption", {}, "sleep queues (hash buckets in use)"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "bucket"),
            h("th", { title: "slpque_cpumasks: bit c = cpu c may have a sleeper" }, `cpumask (cpu${ncpus - 1}…cpu0)`),
            h("th", {}, "sleepers"),
          ),
        ),
        h(
          "tbody",
          {},
          s.sleep.map((b) =>
            h(
              "tr",
              { "data-sleep-bucket": b.bucket, "data-mask": b.mask },
              h("th", {}, `#${b.bucket}`, h("small", {}, ` ${b.idents.join(", ")}`)),
              h("td", { class: "mono" }, bits(b.mask, ncpus)),
              h(
                "td",
                {},
                b.sleepers.length === 0
                  ? h("span", { class: "muted" }, "none queued")
                  : b.sleepers.map((x) => h("div", {}, `cpu${x.cpu}: ${x.thread} on ${x.ident} (${x.wmesg})`)),
              ),
            ),
          ),
        ),
      ),
    );
  }
  if (s.tokens.length > 0) {
    parts.push(
      h(
        "table",
        { class: "grid" },
        h("caption", {}, "tokens"),
        h("thead", {}, h("tr", {}, h("th", {}, "token"), h("th", {}, "owner"), h("th", {}, "requests"))),
        h(
          "tbody",
          {},
          s.tokens.map((t) =>
            h(
              "tr",
              { "data-token": t.name, "data-cpu": t.cpu },
              h("th", {}, t.name, h("small", {}, ` ${t.mode}`)),
              h("td", {}, `cpu${t.cpu}`),
              h(
                "td",
                {},
                t.requests.length
                  ? t.requests.map((r) => `${r.thread} (cpu${r.cpu})`).join(", ")
                  : h("span", { class: "muted" }, "—"),
              ),
            ),
          ),
        ),
      ),
    );
  }
  fill(root, h("h2", {}, "State"), parts);
}
