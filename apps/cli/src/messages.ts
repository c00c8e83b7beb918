/**
 * Error lines as the user reads them: one line, in words, with what the user
 * typed quoted, shortened and made harmless. Every `kprim: …` error goes
 * through `oneLine` (main's catch, commander's own errors, write errors).
 *
 * - Control characters (an ESC that would recolour the terminal, a newline
 *   that would start a second line, a NUL) are shown escaped: `\e`, `\n`,
 *   `\x00`.
 * - A quoted value longer than QUOTED characters, and any run of non-space
 *   text longer than WORD, is cut to its start and `…`; the whole line to LINE.
 * - Node's "imported from <file>" and paths of kprim's own files say nothing
 *   to a user and are left out.
 */
import { fileURLToPath } from "node:url";

export const QUOTED = 60;
export const WORD = 100;
export const LINE = 400;

/** The folder kprim's own files are in (the repository, or the installed package's parent). */
const OWN = fileURLToPath(new URL("../../../", import.meta.url));

/** An errno code in words (undefined: not one of these). */
export function errnoWords(code: unknown): string | undefined {
  switch (code) {
    case "ENOENT":
      return "no such file or folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "the disk quota is used up";
    case "EROFS":
      return "the file system is read-only";
    case "ENAMETOOLONG":
      return "the name is too long";
    case "ELOOP":
      return "too many symbolic links in the path";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    case "EPIPE":
      return "the reader went away";
    case "EIO":
      return "an input/output error";
    case "EFBIG":
      return "the file is too large";
    default:
      return undefined;
  }
}

/** An error's reason in words: its errno code said plainly, else its message. */
export function reason(e: unknown): string {
  const words = errnoWords((e as { code?: unknown } | null)?.code);
  if (words !== undefined) return words;
  return e instanceof Error ? e.message : String(e);
}

function escapeControls(s: string): string {
  // C0 controls, DEL and the C1 range (8-bit terminal controls).
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    if (code === 0x1b) return "\\e";
    return `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Quote user input for a message: escaped and shortened, in double quotes. */
export function quote(s: string): string {
  return `"${cut(escapeControls(s), QUOTED)}"`;
}

/** A message as one safe, short line. */
export function oneLine(message: string): string {
  let m = message.replace(/\s+imported from\s+\S+/g, "");
  if (OWN.length > 1) m = m.split(OWN).join("");
  m = escapeControls(m.trim());
  // Quoted values, then any long run of text (a 100 KB argument without quotes).
  m = m.replace(/"([^"]*)"/g, (_all, inner: string) => `"${cut(inner, QUOTED)}"`);
  m = m.replace(/'([^']*)'/g, (_all, inner: string) => `'${cut(inner, QUOTED)}'`);
  m = m.replace(/\S{101,}/g, (w) => cut(w, WORD));
  return cut(m, LINE);
}
