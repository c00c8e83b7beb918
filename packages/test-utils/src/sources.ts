/**
 * What a package's source can raise, read from the source itself: the
 * messages of `panic(...)`, `assert(cond, ...)`, `new KernelPanic(...)` and
 * `printf(...)` calls given as string or template literals (a template's
 * `${…}` becomes `%s`) or as a kernel assertion `kkassert("expr", "fn")`
 * (the message "assertion: expr in fn" that DragonFly's KKASSERT panics
 * with), and the names of detectors defined in its detectors files
 * (`name: "…"`). Tests compare them with the package's declarations, so a
 * new panic or warning cannot go undeclared.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface SourceMessages {
  readonly panics: readonly { format: string; where: string }[];
  readonly console: readonly { format: string; where: string }[];
  readonly detectors: readonly { name: string; where: string }[];
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** A string or template literal at `s[i]` (after spaces): its text with `${…}` as `%s`, or null. */
function literalAt(s: string, i: number): string | null {
  while (/\s/.test(s[i] ?? "")) i++;
  const q = s[i];
  if (q !== '"' && q !== "`" && q !== "'") return null;
  let out = "";
  for (let j = i + 1; j < s.length; j++) {
    const ch = s[j]!;
    if (ch === "\\") {
      out += s[j + 1] ?? "";
      j++;
    } else if (ch === q) {
      const rest = s.slice(j + 1).trimStart();
      return rest.startsWith(")") || rest.startsWith(",") ? out : null; // not a lone literal (a concatenation)
    } else if (q === "`" && ch === "$" && s[j + 1] === "{") {
      let depth = 0;
      for (; j < s.length; j++) {
        if (s[j] === "{") depth++;
        else if (s[j] === "}" && --depth === 0) break;
      }
      out += "%s";
    } else out += ch;
  }
  return null;
}

/** The message of `kkassert("expr", "fn")` at `s[i]` (after spaces): "assertion: expr in fn", or null. */
function kkassertAt(s: string, i: number): string | null {
  const m = /^\s*kkassert\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(s.slice(i));
  if (m === null) return null;
  const unescape = (x: string): string => x.replace(/\\(.)/g, "$1");
  return `assertion: ${unescape(m[1]!)} in ${unescape(m[2]!)}`;
}

/** A message at `s[i]`: a lone literal or a kernel assertion. */
const messageAt = (s: string, i: number): string | null => literalAt(s, i) ?? kkassertAt(s, i);

export function sourceMessages(dir: string): SourceMessages {
  const panics: { format: string; where: string }[] = [];
  const console: { format: string; where: string }[] = [];
  const detectors: { name: string; where: string }[] = [];
  for (const file of files(dir)) {
    const s = readFileSync(file, "utf8");
    const where = (i: number): string => `${file.slice(dir.length + 1)}:${s.slice(0, i).split("\n").length}`;
    for (const m of s.matchAll(/(?:\.panic|new KernelPanic|\.printf)\(/g)) {
      const lit = messageAt(s, m.index + m[0].length);
      if (lit === null) continue;
      (m[0] === ".printf(" ? console : panics).push({ format: lit, where: where(m.index) });
    }
    for (const m of s.matchAll(/\.assert\(/g)) {
      // assert(cond, message): the message after the first top-level comma.
      let depth = 0;
      let j = m.index + m[0].length;
      for (; j < s.length; j++) {
        const ch = s[j]!;
        if ("([{".includes(ch)) depth++;
        else if (")]}".includes(ch)) {
          if (depth === 0) break;
          depth--;
        } else if (ch === "," && depth === 0) break;
      }
      const lit = s[j] === "," ? messageAt(s, j + 1) : null;
      if (lit !== null) panics.push({ format: lit, where: where(m.index) });
    }
    if (/detectors?\.ts$/.test(file)) {
      for (const m of s.matchAll(/\bname: "([a-z0-9-]+)"/g)) detectors.push({ name: m[1]!, where: where(m.index) });
    }
  }
  return { panics, console, detectors };
}
