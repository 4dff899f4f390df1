// Tiny DOM helpers. Everything the page shows from a record goes through text nodes (never innerHTML): request
// and response bodies are written by whoever called the gateway, so they must never be parsed as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

/** h("div", {class: "x", dataset: {testid: "y"}, onclick: f}, child, "text", [more]) → an HTML element. */
export function h(tag, props, ...children) {
  return assemble(document.createElement(tag), props, children);
}

/** The same for SVG elements (they need their namespace). */
export function s(tag, props, ...children) {
  return assemble(document.createElementNS(SVG_NS, tag), props, children);
}

function assemble(element, props, children) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "testid") element.setAttribute("data-testid", value);
    else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else if (key === "text") element.textContent = value;
    // Styles go through the CSSOM, never a style attribute, so a strict Content-Security-Policy
    // (style-src 'self') allows them.
    else if (key === "style") Object.assign(element.style, value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children: nodes, strings (as text), numbers, arrays of those; null and false are skipped. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A label/value table; each row is [label, valueNode or text, testid?, rawValue?]. */
export function keyValues(rows, testid) {
  return h("table", { class: "kv", testid },
    h("tbody", null, rows.filter(Boolean).map(([label, value, id, raw]) =>
      h("tr", null, h("th", { scope: "row" }, label),
        h("td", { testid: id, "data-value": raw === undefined ? undefined : rawText(raw) }, value)))));
}

/** A raw value as JSON for `data-value` (what scripts and tests compare with the database). */
export function rawText(value) {
  return value === undefined ? "null" : JSON.stringify(value);
}
