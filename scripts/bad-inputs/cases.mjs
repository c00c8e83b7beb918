// The bad-input suite's calls (run.mjs runs them). A case:
//   name      what is wrong
//   args      kprim's arguments ($FIX is the fixture folder)
//   cwd       a fixture folder to run in (relative to $FIX), else the repository root
//   code      the documented exit code (default 2: a usage or input error)
//   line      the error line exactly, or a RegExp for it
//   output    a RegExp stdout must match: what had been computed is printed (default: stdout empty)
//   progress  explore/compare progress lines may precede the error line on stderr
//   stderr    "any": stderr is not checked for one line (interrupts print a stop line too)
//   interrupt { ready, delayMs, more }: Ctrl-C to the process group once stderr shows `ready`
//   terminal  run under a pseudo-terminal (script(1)); the interrupt is ^C typed on it
//   stdout    "closed": the reader has gone before kprim writes; "full": stdout is /dev/full
//   timeoutMs the hang limit (default 30 s)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cases as args } from "./args.mjs";
import { cases as environment } from "./environment.mjs";
import { cases as verdicts, fixtures as verdictFixtures } from "./verdicts.mjs";

/** Fixture folders: config files and plugins, each wrong in one way. */
export function writeFixtures(dir, root) {
  const pluginApi = JSON.stringify(join(root, "packages/plugin/src/index.ts"));
  const files = {
    // plugins
    "p/throws.mjs": 'throw new Error("broken on purpose");\n',
    "p/no-default.mjs": "export const x = 1;\n",
    "p/not-a-plugin.mjs": "export default 42;\n",
    "p/no-name.mjs": "export default { interlocks: {} };\n",
    "p/bad-name.mjs": 'export default { name: "Bad Name" };\n',
    "p/syntax.mjs": "export default {\n",
    "p/imports-missing.mjs": 'import "kprim-no-such-package";\nexport default { name: "x" };\n',
    "p/no-create.mjs": 'export default { name: "nc", interlocks: { nc: { description: "no create" } } };\n',
    "p/cpus-number.mjs":
      'export default { name: "cn", scenarios: [{ name: "cn", specId: null, description: "", params: {}, cpus: 2, setup() {} }] };\n',
    "p/strategy-not-fn.mjs": 'export default { name: "sn", strategies: { s: 1 } };\n',
    "p/detector-not-fn.mjs": 'export default { name: "dn", detectors: { d: "x" } };\n',
    "p/unknown-layer.mjs": 'export default { name: "ul", layers: { scheduler: {} } };\n',
    "p/builtin-scenario.mjs":
      'export default { name: "bs", scenarios: [{ name: "lost-wakeup", specId: null, description: "", params: {}, cpus: () => 1, setup() {} }] };\n',
    "p/builtin-interlock.mjs": 'export default { name: "bi", interlocks: { spin: { create() {} } } };\n',
    "p/reserved-strategy.mjs": 'export default { name: "rs", strategies: { random: () => ({}) } };\n',
    "p/twin-a.mjs": 'export default { name: "twin" };\n',
    "p/twin-b.mjs": 'export default { name: "twin" };\n',
    "p/scenarios-not-array.mjs": 'export default { name: "sa", scenarios: {} };\n',
    "p/loops.mjs": "while (true) {}\nexport default {};\n",
    "p/never-settles.mjs": "await new Promise(() => {});\nexport default {};\n",
    "p/setup-loops.mjs":
      'export default { name: "sl", scenarios: [{ name: "sl", specId: null, description: "", params: {}, cpus: () => 1, setup() { while (true) {} } }] };\n',
    "p/setup-throws.mjs":
      'export default { name: "st", scenarios: [{ name: "st", specId: null, description: "", params: {}, cpus: () => 1, setup() { throw new Error("no set-up today"); } }] };\n',
    "p/typed.ts": `import { definePlugin } from ${pluginApi};\nconst n: number = 1;\nexport default definePlugin({ name: "typed-" + "x".repeat(n), strategies: { "x": 3 as never } });\n`,
    "p/folder/index.txt": "not a module\n",
    // config folders
    "c/plugins-string/kprim.config.js": 'export default { plugins: "./p.js" };\n',
    "c/plugins-number/kprim.config.js": "export default { plugins: [42] };\n",
    "c/plugins-empty-string/kprim.config.mjs": 'export default { plugins: [""] };\n',
    "c/typo-key/kprim.config.js": "export default { plugin: [] };\n",
    "c/array/kprim.config.js": "export default [];\n",
    "c/null/kprim.config.mjs": "export default null;\n",
    "c/no-default/kprim.config.mjs": "export const plugins = [];\n",
    "c/throws/kprim.config.js": 'throw new Error("boom");\n',
    "c/syntax/kprim.config.js": "export default { plugins: [] ;\n",
    "c/missing-import/kprim.config.js": 'import "./nope.js";\nexport default {};\n',
    "c/function/kprim.config.js": "export default { plugins: [() => 1] };\n",
    "c/two/kprim.config.js": "export default {};\n",
    "c/two/kprim.config.ts": "export default {};\n",
    "c/missing-plugin/kprim.config.js": 'export default { plugins: ["./nope.js"] };\n',
    "c/loops/kprim.config.js": "while (true) {}\nexport default {};\n",
    "c/cjs-bad/kprim.config.cjs": 'module.exports = { plugins: "x" };\n',
    "c/ts-bad/kprim.config.ts": "const plugins: number = 3;\nexport default { plugins };\n",
    "c/ts-syntax/kprim.config.ts": "export default { plugins: [] as };\n",
    "c/broken-plugin/kprim.config.mjs": 'export default { plugins: ["../../p/throws.mjs"] };\n',
    "c/config-folder/kprim.config.js/x": "a folder named like a config\n",
    // trails and a plugin detector
    ...verdictFixtures,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** Every call, in order. */
export const cases = [...args, ...environment, ...verdicts];
