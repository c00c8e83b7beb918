/** Output helpers: colour only on a terminal, and never with NO_COLOR. */
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export interface Out {
  line(text: string): void;
  heading(text: string): void;
  error(text: string): void;
  /** Colours for stdout (all identity functions when off). */
  readonly c: Colors;
  /** stdout and stderr are terminals: draw a progress bar. */
  readonly tty: boolean;
  readonly stderr: NodeJS.WriteStream;
}

function colourOn(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in env) && env["TERM"] !== "dumb";
}

export function consoleOut(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Out {
  const c = pc.createColors(colourOn(stdout, env));
  const e = pc.createColors(colourOn(stderr, env));
  return {
    line: (t) => void stdout.write(`${t}\n`),
    heading: (t) => void stdout.write(`${c.bold(t)}\n`),
    error: (t) => void stderr.write(`${e.red(t)}\n`),
    c,
    tty: Boolean(stderr.isTTY),
    stderr,
  };
}
