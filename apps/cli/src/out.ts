/** Output helpers: colour only on a terminal, and never with NO_COLOR. */
import pc from "picocolors";

export interface Out {
  line(text: string): void;
  heading(text: string): void;
  error(text: string): void;
}

export function consoleOut(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Out {
  const colour = Boolean(stdout.isTTY) && !("NO_COLOR" in process.env);
  const errColour = Boolean(stderr.isTTY) && !("NO_COLOR" in process.env);
  return {
    line: (t) => void stdout.write(`${t}\n`),
    heading: (t) => void stdout.write(`${colour ? pc.bold(t) : t}\n`),
    error: (t) => void stderr.write(`${errColour ? pc.red(t) : t}\n`),
  };
}
