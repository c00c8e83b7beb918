// Writes the files of docs/plugins.md (code blocks whose first line is `// file: <name>`) into a
// folder, and each TypeScript one also as .js and .mjs (types stripped by TypeScript's transpiler):
//   node doc-files.mjs <docs/plugins.md> <folder>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const [doc, out] = process.argv.slice(2);
const text = readFileSync(doc, "utf8");
const re = /```(?:ts|js)\n\/\/ file: (\S+)\n([\s\S]*?)```/g;
const written = [];
for (const m of text.matchAll(re)) {
  const [, name, body] = m;
  writeFileSync(join(out, name), body);
  written.push(name);
  if (name.endsWith(".ts")) {
    const js = ts.transpileModule(body, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    for (const ext of [".js", ".mjs"]) {
      writeFileSync(join(out, name.replace(/\.ts$/, ext)), js);
      written.push(name.replace(/\.ts$/, ext));
    }
  }
}
console.log(written.join(" "));
