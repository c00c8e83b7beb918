/**
 * The benchmark report as data: what `pnpm bench` writes as JSON and renders
 * as markdown with SVG charts. Every section is produced by one group.
 */

/** A table: a header and rows of cells (numbers are formatted by the renderer). */
export interface Table {
  readonly title?: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  /** Dashed line (for a second family of series on the same chart). */
  readonly dashed?: boolean;
}

export interface Axis {
  readonly label: string;
  /** Logarithmic scale (base 10 on y, base 2 on x). */
  readonly log?: boolean;
}

/** A line chart over numeric x, or a grouped bar chart over named categories. */
export type Chart =
  | {
      readonly kind: "line";
      readonly id: string;
      readonly title: string;
      readonly x: Axis;
      readonly y: Axis;
      readonly series: readonly Series[];
    }
  | {
      readonly kind: "bar";
      readonly id: string;
      readonly title: string;
      readonly categories: readonly string[];
      readonly y: Axis;
      /** One value per category (null: no bar). */
      readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
    };

export interface Section {
  readonly id: string;
  readonly title: string;
  /** Markdown paragraphs or bullet lines, in order. */
  readonly text: readonly string[];
  readonly tables: readonly Table[];
  readonly charts: readonly Chart[];
  /** The figures as plain data (what the JSON file keeps). */
  readonly data: unknown;
  /** Errors (verdict disagreements, failed workloads): any makes `pnpm bench` exit non-zero. */
  readonly errors: readonly string[];
}

export interface MachineInfo {
  readonly os: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly node: string;
}

export interface Report {
  readonly format: "kprim-bench/1";
  /** ISO time the run started (the only wall-clock date in the report). */
  readonly started: string;
  readonly quick: boolean;
  readonly groups: readonly string[];
  readonly machine: MachineInfo;
  /** Seeds and repeat counts every group used. */
  readonly seeds: Readonly<Record<string, string>>;
  /** Wall time of the whole run, seconds. */
  readonly seconds: number;
  readonly sections: readonly Section[];
}
