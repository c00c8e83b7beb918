#!/usr/bin/env node
import { main } from "./program.js";
import { errnoWords } from "./messages.js";

// Writing the output can fail. A reader that goes away (`kprim list | head`)
// is not an error: exit 0 quietly, as Unix tools do. Any other write error
// (a full disk: `kprim list > /dev/full`) is one line on stderr and exit 2.
let writeFailed = false;
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (writeFailed) return;
  writeFailed = true;
  if (e.code === "EPIPE") process.exit(0);
  try {
    process.stderr.write(`kprim: cannot write the output: ${errnoWords(e.code) ?? e.message}\n`);
  } finally {
    process.exit(2);
  }
});
process.stderr.on("error", (e: NodeJS.ErrnoException) => {
  // Nowhere left to say it.
  process.exit(e.code === "EPIPE" ? 0 : 2);
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Stopped by Ctrl-C: exit now that the partial result is written (stdout and stderr are synchronous
  // on Linux pipes, files and terminals). Waiting for the natural exit would leave a moment, while Node
  // tears down the worker and its signal handles, in which a relayed copy of the same keypress kills
  // the process by SIGINT instead of the documented exit 130.
  if (code === 130) process.exit(code);
});
