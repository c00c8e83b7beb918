/** Command-line pieces of the distributed modes: `--shard i/N`, the part files of `kprim merge`. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import { UsageError } from "../errors.js";
import { userCwd } from "../files.js";

/** `--shard i/N`: part i (0-based) of N. */
export function shardArg(v: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  if (m === null) throw new InvalidArgumentError(`expected i/N (part i of N, i from 0 to N-1), got "${v}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 1_000_000) throw new InvalidArgumentError(`N must be from 1 to 1000000, got "${v}"`);
  if (index >= count) throw new InvalidArgumentError(`i must be from 0 to ${count - 1}, got "${v}"`);
  return { index, count };
}

/** The part files, read and parsed (what is wrong with one is said in one line). */
export function readParts(files: readonly string[]): { file: string; data: unknown }[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(resolve(userCwd(), file), "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${file}: cannot read it (${code === "ENOENT" ? "no such file" : (code ?? String(e))})`);
    }
    try {
      return { file, data: JSON.parse(text) as unknown };
    } catch {
      throw new UsageError(`${file}: not JSON (a part is what kprim explore … --shard i/N --json prints)`);
    }
  });
}
