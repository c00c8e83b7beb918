/**
 * The catalogue's source files as text, bundled at build time (Vite's `?raw`
 * imports of packages/scenarios/src/catalogue/*.ts): what the source panel
 * shows beside the timeline, so the page needs nothing from a server.
 */
const raw = import.meta.glob("../../../packages/scenarios/src/catalogue/*.ts", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

/** File name (e.g. "lockmgrRaces.ts") → its text. */
export const CATALOGUE_SOURCES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(raw).map(([path, text]) => [path.slice(path.lastIndexOf("/") + 1), text]),
);
