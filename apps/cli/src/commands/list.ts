/** `kprim list` and `kprim demo`: the catalogue, and the seed's story with its verdicts checked. */
import type { Command } from "commander";
import type { DemoReport, ListReport } from "../jobs/reports.js";
import { renderDemo, renderList } from "../render.js";
import { type CommandContext, examples } from "./context.js";

export function addList(program: Command, ctx: CommandContext): void {
  program
    .command("list")
    .description("every scenario: its spec id, description, parameters and the matrix variants it is checked under")
    .option("--json", "print an array of {name, specId, description, params, variants}")
    .addHelpText("after", examples("kprim list", "kprim list --json", "kprim list --plugin ./my-plugin.js"))
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await ctx.job<ListReport>(cmd, { kind: "list" });
      ctx.print(o.json, r.scenarios, () => renderList(ctx.out, r));
      ctx.setExit(0);
    });
}

export function addDemo(program: Command, ctx: CommandContext): void {
  program
    .command("demo")
    .description("the seed's story in under a minute, every verdict checked against matrix.json")
    .option("--json", "print {sections, ok}")
    .addHelpText("after", examples("kprim demo"))
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await ctx.job<DemoReport>(cmd, { kind: "demo" });
      ctx.print(o.json, r, () => renderDemo(ctx.out, r));
      ctx.setExit(r.ok ? 0 : 1);
    });
}
