/**
 * The pictures of the README's "Traces" section and the command printed
 * under each: every `![…](docs/<name>.png)` is followed by a ```sh block
 * whose `kprim run … --trace html --out <file>` line made it. The browser
 * tests run exactly that command (with --out pointed at a temporary file).
 */
import { readFileSync } from "node:fs";
import { root } from "@kprim/test-utils";

export interface Picture {
  /** docs/<name>.png, relative to the repository root. */
  readonly png: string;
  /** The command as printed, starting with "kprim". */
  readonly command: string;
  /** Its arguments after "kprim", shell quotes removed. */
  readonly args: readonly string[];
}

export function readmePictures(): Picture[] {
  const text = readFileSync(`${root}README.md`, "utf8");
  const out: Picture[] = [];
  for (const m of text.matchAll(/!\[[^\]]*\]\((docs\/[\w-]+\.png)\)/g)) {
    const after = text.slice(m.index + m[0].length);
    const block = /```sh\n(kprim run [^\n]*)\n```/.exec(after);
    const next = after.search(/!\[/);
    if (block === null || (next >= 0 && next < block.index)) continue;
    const words = shellWords(block[1]!);
    out.push({ png: m[1]!, command: block[1]!, args: words.slice(1) });
  }
  return out;
}

/** Split a command line as a POSIX shell would for plain words and '…' / "…" quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let word: string | undefined;
  let last = -1;
  for (const m of line.matchAll(re)) {
    const piece = m[1] ?? m[2] ?? m[3]!;
    // Pieces with no space between them form one word (--signal='a b').
    if (word !== undefined && m.index === last) word += piece;
    else {
      if (word !== undefined) words.push(word);
      word = piece;
    }
    last = m.index + m[0].length;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The arguments with the value of --out replaced. */
export function withOut(args: readonly string[], out: string): string[] {
  const i = args.indexOf("--out");
  if (i < 0 || i + 1 >= args.length) throw new Error(`no --out in: kprim ${args.join(" ")}`);
  return [...args.slice(0, i + 1), out, ...args.slice(i + 2)];
}
