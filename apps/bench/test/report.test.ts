/**
 * The report writer: SVG charts (well-formed, deterministic, scaled), the
 * markdown rendering (tables, charts, errors, machine header) and the files
 * written. Fast: no benchmark runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { anchor, cell, markdownTable, renderMarkdown, writeReport } from "../src/report/markdown.js";
import { linearTicks, logTicks, renderSvg, tickLabel } from "../src/report/svg.js";
import type { Chart, Report } from "../src/report/types.js";

const line: Chart = {
  kind: "line",
  id: "cycles",
  title: "Cycles <per> op",
  x: { label: "cpus", log: true },
  y: { label: "cycles", log: true },
  series: [
    { name: "token", points: [1, 2, 4, 8, 16].map((x) => ({ x, y: 100 * x })) },
    { name: "spin", dashed: true, points: [1, 2, 4, 8, 16].map((x) => ({ x, y: 90 * x })) },
  ],
};
const bar: Chart = {
  kind: "bar",
  id: "speed",
  title: "Speed",
  categories: ["off", "on"],
  y: { label: "%" },
  series: [{ name: "machine", values: [30, 10] }],
};

function report(errors: string[] = []): Report {
  return {
    format: "kprim-bench/1",
    started: "2026-01-01T00:00:00.000Z",
    quick: true,
    groups: ["interlock"],
    machine: { os: "Linux 6", cpuModel: "CPU", cpus: 2, memoryGiB: 24, node: "v20.20.2" },
    seeds: { explorer: "seed 1" },
    seconds: 12.3,
    sections: [
      {
        id: "interlock",
        title: "5. The interlock comparison",
        text: ["Token against spin."],
        tables: [{ title: "Per cpu", header: ["cpus", "ratio", "note"], rows: [[1, 1.23456, "a|b"]] }],
        charts: [line, bar],
        data: { x: 1 },
        errors,
      },
    ],
  };
}

describe("SVG charts", () => {
  it("are well-formed standalone documents with a title, axes, a legend and one mark per point", () => {
    const svg = renderSvg(line);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Cycles &#60;per&#62; op");
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(10);
    expect(svg).toContain('stroke-dasharray="5 3"');
    expect(svg).toContain(">token</text>");
    expect(svg).toContain(">cpus</text>");
    expect(svg.match(/<[a-z]+ /g)!.length).toBe(svg.match(/(\/>|<\/[a-z]+>)/g)!.length);
  });

  it("place larger values higher, and log-2 x ticks at powers of two", () => {
    const svg = renderSvg(line);
    const ys = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].slice(0, 5).map((m) => Number(m[2]));
    for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeLessThan(ys[i - 1]!);
    for (const t of ["1", "2", "4", "8", "16"]) expect(svg).toContain(`text-anchor="middle">${t}</text>`);
  });

  it("draw one bar per value, and are byte-identical for the same chart", () => {
    const svg = renderSvg(bar);
    expect(svg.match(/<rect x=/g)).toHaveLength(2 + 1);
    expect(svg).toContain("<title>machine · off: 30</title>");
    expect(renderSvg(bar)).toBe(svg);
  });

  it("choose readable ticks", () => {
    expect(linearTicks(0, 97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(logTicks(3, 900, 10)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(1, 16, 2)).toEqual([1, 2, 4, 8, 16]);
    expect([0, 0.25, 12, 1500, 25_000, 3_000_000].map(tickLabel)).toEqual(["0", "0.25", "12", "1500", "25k", "3M"]);
  });
});

describe("the markdown report", () => {
  it("formats cells and tables, right-aligning numeric columns and escaping pipes", () => {
    expect([3, 1234567, 1.23456, 12.345, 0.0012345, "x"].map(cell)).toEqual([
      "3",
      "1,234,567",
      "1.23",
      "12.3",
      "0.00123",
      "x",
    ]);
    expect(markdownTable({ header: ["a", "b"], rows: [[1, "x|y"]] })).toBe("| a | b |\n| ---: | --- |\n| 1 | x\\|y |");
  });

  it("names the machine, Node and seeds, links every chart and section, and shows errors first", () => {
    const md = renderMarkdown(report(["verdicts disagree"]));
    expect(md).toContain("# kprim benchmark report (quick smoke run)");
    expect(md).toContain("`pnpm bench --quick interlock`");
    expect(md).toContain("| cpu | CPU × 2 |");
    expect(md).toContain("| node | v20.20.2 |");
    expect(md).toContain("| explorer | seed 1 |");
    expect(md).toContain("[5. The interlock comparison](#5-the-interlock-comparison)");
    expect(md).toContain("![Cycles <per> op](cycles.svg)");
    expect(md.indexOf("**Error:** verdicts disagree")).toBeLessThan(md.indexOf("Token against spin."));
    expect(anchor("3. kprim and SPIN side by side")).toBe("3-kprim-and-spin-side-by-side");
  });

  it("is written as report.json, report.md and one SVG per chart, replacing old charts", () => {
    const dir = mkdtempSync(join(tmpdir(), "kprim-report-"));
    try {
      writeFileSync(join(dir, "stale.svg"), "<svg/>");
      writeReport(dir, report());
      expect(readdirSync(dir).sort()).toEqual(["cycles.svg", "report.json", "report.md", "speed.svg"]);
      expect(JSON.parse(readFileSync(join(dir, "report.json"), "utf8"))).toEqual(report());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
