/**
 * The benchmark report as markdown (charts linked as SVG files beside it),
 * and the writer that puts report.json, report.md and the charts in a
 * folder. Pure apart from `writeReport`.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderSvg } from "./svg.js";
import type { Report, Section, Table } from "./types.js";

/** A cell as text: numbers get at most 3 significant decimals, big ones none. */
export function cell(v: string | number): string {
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString("en");
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString("en");
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return Number(v.toPrecision(3)).toString();
}

/** A markdown table; numeric columns are right-aligned. */
export function markdownTable(t: Table): string {
  const numeric = t.header.map((_, i) => t.rows.length > 0 && t.rows.every((r) => typeof r[i] === "number"));
  const esc = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    `| ${t.header.map(esc).join(" | ")} |`,
    `| ${numeric.map((n) => (n ? "---:" : "---")).join(" | ")} |`,
    ...t.rows.map((r) => `| ${t.header.map((_, i) => esc(cell(r[i] ?? ""))).join(" | ")} |`),
  ];
  return (t.title !== undefined ? `${t.title}\n\n` : "") + lines.join("\n");
}

function section(s: Section): string {
  const parts = [`## ${s.title}`];
  for (const e of s.errors) parts.push(`**Error:** ${e}`);
  parts.push(...s.text);
  for (const c of s.charts) parts.push(`![${c.title}](${c.id}.svg)`);
  parts.push(...s.tables.map(markdownTable));
  return parts.join("\n\n");
}

export function renderMarkdown(r: Report): string {
  const m = r.machine;
  const head = [
    `# kprim benchmark report${r.quick ? " (quick smoke run)" : ""}`,
    [
      `Produced by \`pnpm bench${r.quick ? " --quick" : ""}${r.groups.length ? ` ${r.groups.join(" ")}` : ""}\` on ${r.started} in ${r.seconds.toFixed(0)} s.`,
      "Wall-clock figures are medians of repeated runs, and the ones that matter are ratios measured in the same run;",
      "simulated cycles are deterministic (the same seeds give the same numbers on any machine).",
    ].join(" "),
    markdownTable({
      header: ["machine", ""],
      rows: [
        ["os", m.os],
        ["cpu", `${m.cpuModel} × ${m.cpus}`],
        ["memory", `${m.memoryGiB} GiB`],
        ["node", m.node],
        ...Object.entries(r.seeds).map(([k, v]) => [k, v]),
      ],
    }),
    `Sections: ${r.sections.map((s) => `[${s.title}](#${anchor(s.title)})`).join(" · ")}`,
  ];
  return `${[...head, ...r.sections.map(section)].join("\n\n")}\n`;
}

/** GitHub's heading anchor. */
export function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** Write report.json, report.md and one SVG per chart into `dir` (old SVGs there are removed). */
export function writeReport(dir: string, r: Report): string[] {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith(".svg")) rmSync(join(dir, f));
  const files: string[] = [];
  const put = (name: string, text: string): void => {
    writeFileSync(join(dir, name), text);
    files.push(join(dir, name));
  };
  put("report.json", `${JSON.stringify(r, null, 2)}\n`);
  put("report.md", renderMarkdown(r));
  for (const s of r.sections) for (const c of s.charts) put(`${c.id}.svg`, renderSvg(c));
  return files;
}
