/**
 * A small helper to build DOM: `h("button", { type: "button", "data-x": 1, onclick }, "text")`.
 * Text goes in as text nodes (never parsed as HTML); `value` and `checked`
 * set the properties; `true` sets an empty attribute, `false`/undefined none.
 */
export type Attr = string | number | boolean | undefined | null | ((ev: Event) => void);
export type Child = Node | string | number | null | undefined | false;
/** A child, or a list of them (nested as deep as needed). */
export type Children = Child | readonly Children[];

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, Attr>> = {},
  ...children: readonly Children[]
): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === "function") n.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "value") (n as unknown as { value: string }).value = String(v);
    else if (k === "checked") (n as unknown as { checked: boolean }).checked = v === true;
    else n.setAttribute(k, v === true ? "" : String(v));
  }
  append(n, children);
  return n;
}

export function append(n: Node, children: readonly Children[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(n, c as readonly Children[]);
    else if (c === null || c === undefined || c === false) continue;
    else n.appendChild(typeof c === "object" ? (c as Node) : document.createTextNode(String(c)));
  }
}

/** Replace an element's children. */
export function fill(n: Element, ...children: readonly Children[]): void {
  n.textContent = "";
  append(n, children);
}

/** The first element matching `sel` inside `root` (throws if there is none: a page bug). */
export function $<E extends Element = HTMLElement>(root: ParentNode, sel: string): E {
  const n = root.querySelector<E>(sel);
  if (n === null) throw new Error(`playground: no ${sel}`);
  return n;
}

/** "12,345" */
export function num(n: number): string {
  return n.toLocaleString("en");
}
