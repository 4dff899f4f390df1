// Small pieces the request list and the detail tabs share.

import { h } from "./dom.js";

/** The outcome as a coloured badge ("ok" green, failures red, client cancellations grey). */
export function outcomeBadge(outcome) {
  const kind = outcome === "ok" ? "good" : outcome === "client_cancelled" ? "neutral" : "bad";
  return h("span", { class: `badge ${kind}`, "data-outcome": outcome }, (outcome ?? "unknown").replace("_", " "));
}

/** A titled block of a tab. */
export function section(title, ...content) {
  return h("section", { class: "block" }, h("h3", null, title), ...content);
}

/** A note in muted text (for "not recorded" and the like). */
export function note(text, testid) {
  return h("p", { class: "muted note", testid }, text);
}

/** Header names and values, in their recorded order; redacted values are marked. */
export function headersTable(headers, testid) {
  const entries = Object.entries(headers || {});
  if (!entries.length) return note("none recorded", testid);
  return h("table", { class: "kv headers", testid },
    h("tbody", null, entries.map(([name, value]) => h("tr", null, h("th", { scope: "row" }, name),
      h("td", { class: value === "[redacted]" ? "redacted" : null }, value)))));
}
