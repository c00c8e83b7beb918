/**
 * The catalogue as the playground offers it: scenarios grouped as the
 * spec's races (R1–R9) and their correct twins (G1–G11), then the
 * scenarios with no row in the spec (workloads, races found beyond it such
 * as getblk's twin of the getnewbuf race, the parametric lost wakeup); what matrix.json expects of each under each
 * variant; and the defaults a pick starts from — a race under a variant
 * that shows it, with the signal that counts as found.
 */
import { catalogue, DEFAULT_VARIANT, type KernelScenario, matrix, type MatrixRow } from "@kprim/scenarios";

export interface ScenarioGroup {
  readonly label: string;
  readonly scenarios: readonly KernelScenario[];
}

/** "R5b" → [5, "b"]: spec ids in their numeric order. */
function specOrder(id: string): [number, string] {
  const m = /^[A-Z](\d+)(.*)$/.exec(id);
  return m ? [Number(m[1]), m[2]!] : [Number.MAX_SAFE_INTEGER, id];
}

function bySpec(a: KernelScenario, b: KernelScenario): number {
  const [na, sa] = specOrder(a.specId ?? "");
  const [nb, sb] = specOrder(b.specId ?? "");
  return na - nb || (sa < sb ? -1 : sa > sb ? 1 : 0) || (a.name < b.name ? -1 : 1);
}

export function scenarioGroups(list: readonly KernelScenario[] = catalogue): ScenarioGroup[] {
  const races = list.filter((s) => s.specId?.startsWith("R") === true).sort(bySpec);
  const twins = list.filter((s) => s.specId?.startsWith("G") === true).sort(bySpec);
  const other = list.filter((s) => s.specId === null || s.specId === undefined);
  return [
    { label: "Races (spec R1–R9)", scenarios: races },
    { label: "Correct twins (spec G1–G11)", scenarios: twins },
    { label: "Beyond the spec's rows", scenarios: other },
  ].filter((g) => g.scenarios.length > 0);
}

/** What matrix.json expects of a scenario, row by row (none for a scenario without a spec id). */
export function expectations(s: KernelScenario): readonly MatrixRow[] {
  return s.specId ? matrix.rows.filter((r) => r.id === s.specId) : [];
}

/** The row for a variant with exactly these options (a row's options must all be set as given). */
export function rowFor(
  s: KernelScenario,
  variant: string,
  options: Readonly<Record<string, string>>,
): MatrixRow | undefined {
  const rows = expectations(s).filter((r) => r.variant === variant);
  const fits = (r: MatrixRow): boolean => Object.entries(r.options ?? {}).every(([k, v]) => options[k] === v);
  // A row with options applies only with them; prefer the most specific row that fits.
  return rows.filter(fits).sort((a, b) => Object.keys(b.options ?? {}).length - Object.keys(a.options ?? {}).length)[0];
}

/** The variant a pick starts from: for a race, the first variant whose row expects it found (without extra options). */
export function defaultVariant(s: KernelScenario): string {
  const found = expectations(s).find((r) => r.expect === "found" && Object.keys(r.options ?? {}).length === 0);
  return found?.variant ?? DEFAULT_VARIANT;
}

/** The signal an exploration targets: the row's when it expects a finding, else any failure. */
export function defaultSignal(s: KernelScenario, variant: string, options: Readonly<Record<string, string>>): string {
  const row = rowFor(s, variant, options);
  return row !== undefined && row.expect === "found" ? row.signal : "failure";
}

/** "R3 · lockmgr-lost-wakeup" */
export function scenarioLabel(s: KernelScenario): string {
  return s.specId ? `${s.specId} · ${s.name}` : s.name;
}
