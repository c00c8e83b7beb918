// A thread of its own for importing the user's kprim.config.* — plain
// JavaScript with no loader hooks of the CLI's in it, so that the file loads
// as Node would load it anywhere: `import()` of its URL (a .cjs or a .js
// without "type": "module" as CommonJS or, with ES module syntax, as an ES
// module), and TypeScript through tsx's hooks, registered here first. Posts
// back the default export as plain data, or the error's code and message.
import { parentPort, workerData } from "node:worker_threads";

const { url, typescript } = workerData;

try {
  if (typescript) {
    const esm = await import("tsx/esm/api");
    const cjs = await import("tsx/cjs/api");
    esm.register();
    cjs.register();
  }
  const mod = await import(url);
  const d = mod.default;
  // A TypeScript file compiled to CommonJS wraps its default once more.
  const value = d !== null && typeof d === "object" && d.__esModule === true && "default" in d ? d.default : d;
  try {
    parentPort.postMessage({ ok: true, value });
  } catch {
    parentPort.postMessage({
      ok: false,
      code: "KPRIM_NOT_PLAIN",
      message: "its default export must be plain data ({ plugins: [...] })",
    });
  }
} catch (e) {
  parentPort.postMessage({
    ok: false,
    code: e?.code,
    name: e?.name,
    message: e instanceof Error ? e.message : String(e),
  });
}
