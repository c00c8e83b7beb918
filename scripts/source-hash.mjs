// What a package's build was made from, as one hash: the relative paths and
// contents of its src/ files, its package.json and its tsup.config.ts. The
// builds write it to dist/source-hash.txt (scripts/tsup.preset.ts); the
// CLI's launcher (apps/cli/kprim.mjs) compares it with the sources when their
// mtimes are newer than the build (a checkout or a touch that changed nothing).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const STAMP = "dist/source-hash.txt";

/** @param {string} dir a package folder */
export function sourceHash(dir) {
  const h = createHash("sha256");
  const add = (rel) => {
    let data;
    try {
      data = readFileSync(join(dir, rel));
    } catch {
      return;
    }
    h.update(`${rel}\0${data.length}\0`);
    h.update(data);
  };
  const walk = (rel) => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.map((x) => x).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else add(r);
    }
  };
  add("package.json");
  add("tsup.config.ts");
  walk("src");
  return h.digest("hex");
}
