/**
 * The source of a scenario's thread bodies, read from the text of the
 * catalogue's files (bundled as they are at build time): the scenario's
 * definition, and for each `spawn` in its set-up the thread's name, cpu
 * and the functions its body runs — each function declared in the
 * catalogue, with its doc comment, and the catalogue functions those call
 * in turn. Pure text work: a small scanner that knows strings, template
 * literals and comments, enough to match the braces of TypeScript source.
 */

export interface SourceFunction {
  readonly name: string;
  /** The catalogue file it is declared in. */
  readonly file: string;
  /** Its doc comment (if any) and declaration, as written. */
  readonly text: string;
}

export interface ThreadSource {
  /** The thread's name as the set-up writes it: a string's content, else the expression (a template, a variable). */
  readonly name: string;
  /** The cpu expression as written ("0", "i"). */
  readonly cpu: string;
  /** The body expression as written: "(k) => waiter(k, L, taken)". */
  readonly body: string;
  /** The catalogue functions the body runs, in the order first called, callees after their callers. */
  readonly functions: readonly SourceFunction[];
}

export interface ScenarioSource {
  readonly file: string;
  /** `export const x = kernelScenario({ ... });` as written. */
  readonly definition: string;
  readonly threads: readonly ThreadSource[];
}

/** Index after the bracket that closes the one at `open` (`(`, `[` or `{`), skipping strings and comments. */
export function matchBracket(text: string, open: number): number {
  const pairs: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };
  const stack: string[] = [];
  let i = open;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "/" && text[i + 1] === "/") {
      i = text.indexOf("\n", i);
      if (i < 0) return text.length;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i = skipQuoted(text, i);
      continue;
    }
    if (c === "`") {
      i = skipTemplate(text, i);
      continue;
    }
    if (c in pairs) stack.push(pairs[c]!);
    else if (c === ")" || c === "]" || c === "}") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

function skipQuoted(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === q || text[j] === "\n") return j + 1;
  }
  return text.length;
}

function skipTemplate(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") j++;
    else if (c === "`") return j + 1;
    else if (c === "$" && text[j + 1] === "{") {
      const end = matchBracket(text, j + 1);
      if (end < 0) return text.length;
      j = end - 1;
    }
  }
  return text.length;
}

/** The value text of property `key` in an object literal's text (top level only), or undefined. */
export function propertyText(objectText: string, key: string): string | undefined {
  // Walk the top level of { ... }: key: value, pairs separated by commas (nested brackets skipped whole).
  let i = 1;
  let start = 1;
  const entries: string[] = [];
  while (i < objectText.length - 1) {
    const c = objectText[i]!;
    if (c === "/" && (objectText[i + 1] === "/" || objectText[i + 1] === "*")) {
      const end = objectText[i + 1] === "/" ? objectText.indexOf("\n", i) : objectText.indexOf("*/", i + 2) + 2;
      i = end <= 0 ? objectText.length - 1 : end;
      continue;
    }
    if (c === '"' || c === "'") {
      i = skipQuoted(objectText, i);
      continue;
    }
    if (c === "`") {
      i = skipTemplate(objectText, i);
      continue;
    }
    if (c === "(" || c === "[" || c === "{") {
      const end = matchBracket(objectText, i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c === ",") {
      entries.push(objectText.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  entries.push(objectText.slice(start, objectText.length - 1));
  for (const e of entries) {
    const t = e.trim().replace(/^(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)*/, "");
    if (t === key) return key; // shorthand { name }
    const m = new RegExp(`^${key}\\s*:\\s*([\\s\\S]*)$`).exec(t);
    if (m) return m[1]!.trim();
  }
  return undefined;
}

/** Every function declared at the top level of a file, by name: its doc comment and text. */
export function declaredFunctions(file: string, text: string): Map<string, SourceFunction> {
  const out = new Map<string, SourceFunction>();
  for (const m of text.matchAll(/^(?:export\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*[(<]/gm)) {
    const name = m[1]!;
    const paren = text.indexOf("(", m.index);
    const close = matchBracket(text, paren);
    if (close < 0) continue;
    const brace = text.indexOf("{", close);
    if (brace < 0) continue;
    const end = matchBracket(text, brace);
    if (end < 0) continue;
    // The doc comment right above, if any.
    let from = m.index;
    const before = text.slice(0, m.index).replace(/\s+$/, "");
    if (before.endsWith("*/")) {
      const doc = before.lastIndexOf("/**");
      if (doc >= 0) from = doc;
    }
    out.set(name, { name, file, text: text.slice(from, end) });
  }
  return out;
}

/** Identifiers called in `code` (`name(`), in order of first call. */
function calls(code: string): string[] {
  const seen: string[] = [];
  for (const m of code.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*(?:<[^<>()]*>)?\(/g)) {
    const name = m[1]!;
    if (!seen.includes(name)) seen.push(name);
  }
  return seen;
}

/** The source of catalogue scenario `name`, from the catalogue files' text (file name → text); null if not found. */
export function scenarioSource(files: Readonly<Record<string, string>>, name: string): ScenarioSource | null {
  const names = Object.keys(files).sort();
  const declared = new Map(names.map((f) => [f, declaredFunctions(f, files[f]!)]));
  for (const file of names) {
    const text = files[file]!;
    const at = text.indexOf(`name: ${JSON.stringify(name)}`);
    if (at < 0) continue;
    const call = text.lastIndexOf("kernelScenario(", at);
    if (call < 0) continue;
    const lineStart = text.lastIndexOf("\n", call) + 1;
    const end = matchBracket(text, call + "kernelScenario".length);
    if (end < 0) continue;
    const definition = text.slice(lineStart, text[end] === ";" ? end + 1 : end);
    // The scenario's own file first: several files declare a `holder` or a `waiter`.
    const functions = new Map(declared.get(file)!);
    for (const f of names) for (const [k, v] of declared.get(f)!) if (!functions.has(k)) functions.set(k, v);
    const threads: ThreadSource[] = [];
    for (const m of definition.matchAll(/\bspawn\(\s*\{/g)) {
      const open = definition.indexOf("{", m.index);
      const close = matchBracket(definition, open);
      if (close < 0) continue;
      const obj = definition.slice(open, close);
      const rawName = propertyText(obj, "name") ?? "?";
      const lit = /^"([^"]*)"$/.exec(rawName);
      const body = propertyText(obj, "body") ?? "";
      threads.push({
        name: lit ? lit[1]! : rawName,
        cpu: propertyText(obj, "cpu") ?? "?",
        body,
        functions: reachable(body, functions),
      });
    }
    return { file, definition, threads };
  }
  return null;
}

/** The catalogue functions `code` calls, and those they call, callers first. */
function reachable(code: string, functions: ReadonlyMap<string, SourceFunction>): SourceFunction[] {
  const out: SourceFunction[] = [];
  const todo = calls(code);
  while (todo.length > 0) {
    const name = todo.shift()!;
    const f = functions.get(name);
    if (f === undefined || out.includes(f)) continue;
    out.push(f);
    todo.push(...calls(f.text.slice(f.text.indexOf("function"))));
  }
  return out;
}
