import { it } from "vitest";
import { formatChoices } from "@kprim/machine";
import { search } from "../src/exhaustive/search.js";
import { buildProgram } from "./fixtures/generated.js";
import { dumpCells, factoryOf } from "./fixtures/programs.js";

it("debug", () => {
  const spec = JSON.parse(process.env["SPEC"]!);
  for (const red of ["none", "dpor"] as const) {
    const out: string[] = [];
    const st = search(factoryOf(buildProgram(spec)), { reduction: red, maxSteps: 200 }, ({ machine, result }) => {
      out.push(
        `${formatChoices(result.schedule.choices)} => ${result.outcome.kind} ${dumpCells(machine)
          .map((c) => machine.peek(c))
          .join(",")}`,
      );
      return false;
    });
    console.log(
      red,
      st.executions,
      st.blocked,
      "\n" +
        (red === "dpor" || out.length < 60
          ? out.join("\n")
          : out
              .filter((l) => l.includes(process.env["GREP"] ?? ""))
              .slice(0, 10)
              .join("\n")),
    );
  }
});
