#!/usr/bin/env node
import { main } from "./program.js";

// A reader that goes away (`kprim list | head`) is not an error.
for (const s of [process.stdout, process.stderr]) {
  s.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
