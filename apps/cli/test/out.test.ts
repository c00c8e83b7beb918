/** Colour only on a terminal and never with NO_COLOR; progress as plain lines off a terminal. */
import { afterEach, describe, expect, it } from "vitest";
import { consoleOut } from "../src/out.js";
import { progress } from "../src/progress.js";

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: "", write: (t: string) => ((s.text += t), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe("output", () => {
  const saved = process.env["NO_COLOR"];
  afterEach(() => {
    if (saved === undefined) delete process.env["NO_COLOR"];
    else process.env["NO_COLOR"] = saved;
  });

  it("colours headings on a terminal, not in a pipe, and not with NO_COLOR", () => {
    delete process.env["NO_COLOR"];
    const tty = stream(true);
    consoleOut(tty, stream(true)).heading("kprim");
    expect(tty.text).toBe("\u001b[1mkprim\u001b[22m\n");
    const pipe = stream(false);
    consoleOut(pipe, stream(false)).heading("kprim");
    expect(pipe.text).toBe("kprim\n");
    process.env["NO_COLOR"] = "1";
    const noColor = stream(true);
    consoleOut(noColor, stream(true)).heading("kprim");
    expect(noColor.text).toBe("kprim\n");
  });

  it("progress off a terminal is plain lines on stderr, the stop line without a count (the report gives it); disabled, nothing", () => {
    const err = stream(false);
    const p = progress(err, false, "execution");
    p.start("lost-wakeup under SPIN+TI", 1000);
    p.tick(10);
    p.stopRequested("time-limit");
    p.stop();
    expect(err.text).toBe(
      "kprim: exploring lost-wakeup under SPIN+TI, budget 1000 executions\nkprim: time limit reached; stopping after the current execution\n",
    );
    const quiet = stream(false);
    const q = progress(quiet, false, null);
    q.start("x", null);
    q.tick(1);
    q.stopRequested("interrupted");
    q.stop();
    expect(quiet.text).toBe("");
  });

  it("a stateful search counts the states it stored against its budget", () => {
    const err = stream(false);
    const p = progress(err, false, "state");
    p.start("lost-wakeup under SPIN+TI", 1_000_000);
    p.stopRequested("time-limit");
    expect(err.text).toBe(
      "kprim: exploring lost-wakeup under SPIN+TI, budget 1000000 states\nkprim: time limit reached; stopping after the current execution\n",
    );
  });

  it("compare counts variants, and a stop cuts the running one short (its row is partial)", () => {
    const err = stream(false);
    const p = progress(err, false, "variant");
    p.start("lockmgr-lost-wakeup under 3 variants", 3);
    p.stopRequested("interrupted");
    expect(err.text).toBe(
      "kprim: comparing lockmgr-lost-wakeup under 3 variants\nkprim: stopping inside the running variant, whose row is marked partial (Ctrl-C again to abort)\n",
    );
  });
});
