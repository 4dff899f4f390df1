// A collapsible JSON tree that stays responsive on large bodies: a node's children are built only when it is
// first opened, arrays and objects show their members 100 at a time, long strings are cut with a "show all"
// link, and only small, shallow nodes start open. "Raw" shows the pretty-printed text (one text node, cheap).

import { h } from "./dom.js";

const PAGE = 100; // members built per "show more"
const LONG_STRING = 400; // characters shown before "show all"
const OPEN_DEPTH = 6; // levels that may start open…
const OPEN_MAX_MEMBERS = 40; // …when they are this small…
const OPEN_BUDGET = 400; // …until this many members are shown (a big body starts mostly closed)
const CLICK_BUDGET = 80; // members that may open along with a node the reader opens
const EXPAND_ALL_BUDGET = 3000; // nodes "expand all" may open, so one click cannot freeze the tab

/** The view of `value`; `testid` names the view, `${testid}-raw` its raw text. */
export function jsonView(value, { testid } = {}) {
  const tree = h("div", { class: "json-tree" }, node(value, null, 0, { left: OPEN_BUDGET }));
  let raw = null;
  const rawButton = h("button", { type: "button", class: "small", testid: testid && `${testid}-raw-toggle`,
    onclick: () => {
      raw ??= h("pre", { class: "json-raw", testid: testid && `${testid}-raw` }, JSON.stringify(value, null, 2));
      const showing = !tree.hidden;
      tree.hidden = showing;
      if (showing && !raw.isConnected) view.append(raw);
      raw.hidden = !showing;
      rawButton.textContent = showing ? "Tree" : "Raw";
    } }, "Raw");
  const toolbar = h("div", { class: "json-toolbar" },
    h("button", { type: "button", class: "small", onclick: () => setOpen(tree, true) }, "Expand all"),
    h("button", { type: "button", class: "small", onclick: () => setOpen(tree, false) }, "Collapse all"),
    rawButton,
    h("button", { type: "button", class: "small", onclick: (event) => copy(value, event.target) }, "Copy"));
  const view = h("div", { class: "json-view", testid }, toolbar, tree);
  return view;
}

function copy(value, button) {
  const text = JSON.stringify(value, null, 2);
  const done = (label) => { button.textContent = label; setTimeout(() => { button.textContent = "Copy"; }, 1200); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => done("Copied"), () => done("Copy failed"));
    return;
  }
  // Plain http from another machine is not a secure context (no clipboard API): copy from a hidden textarea.
  const area = h("textarea", { style: { position: "fixed", top: "0", left: "0", opacity: "0" } });
  area.value = text;
  document.body.append(area);
  area.select();
  done(document.execCommand("copy") ? "Copied" : "Copy failed");
  area.remove();
}

/**
 * One member: `key` (null at the root, a number in arrays) and its value. `budget.left` counts the members that
 * may still be shown open without the reader asking; small, shallow nodes open while it lasts.
 */
function node(value, key, depth, budget) {
  const label = key === null ? null : h("span", { class: typeof key === "number" ? "j-index" : "j-key" },
    typeof key === "number" ? `${key}` : JSON.stringify(key), ": ");
  if (value === null || typeof value !== "object") return h("div", { class: "j-line" }, label, scalar(value));

  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
  if (!entries.length) return h("div", { class: "j-line" }, label, h("span", { class: "j-punct" }, open + close));

  const noun = isArray ? (entries.length === 1 ? "item" : "items") : (entries.length === 1 ? "key" : "keys");
  const summary = h("span", { class: "j-summary" }, `…${close} ${entries.length} ${noun}`);
  const toggle = h("button", { type: "button", class: "j-toggle", "aria-expanded": "false" });
  const children = h("div", { class: "j-children", hidden: true });
  const container = h("div", { class: "j-node" },
    h("div", { class: "j-line" }, toggle, label, h("span", { class: "j-punct j-open" }, open), summary),
    children, h("div", { class: "j-close j-punct", hidden: true }, close));
  let built = 0;

  const buildMore = (childBudget) => {
    children.querySelector(":scope > .j-more")?.remove();
    const end = Math.min(entries.length, built + PAGE);
    for (; built < end; built++) children.append(node(entries[built][1], entries[built][0], depth + 1, childBudget));
    if (built < entries.length) {
      children.append(h("button", { type: "button", class: "j-more small",
        onclick: () => buildMore({ left: 0 }) },
      `show ${Math.min(PAGE, entries.length - built)} more (${built} of ${entries.length})`));
    }
  };
  container.setOpen = (isOpen, childBudget = { left: CLICK_BUDGET }) => {
    if (isOpen && built === 0) buildMore(childBudget);
    children.hidden = !isOpen;
    container.querySelector(":scope > .j-close").hidden = !isOpen;
    summary.hidden = isOpen;
    toggle.setAttribute("aria-expanded", String(isOpen));
  };
  toggle.addEventListener("click", () => container.setOpen(children.hidden));
  if (depth < OPEN_DEPTH && entries.length <= OPEN_MAX_MEMBERS && budget.left >= entries.length) {
    budget.left -= entries.length;
    container.setOpen(true, budget);
  }
  return container;
}

function scalar(value) {
  if (typeof value !== "string") return h("span", { class: `j-${value === null ? "null" : typeof value}` }, String(value));
  const quoted = JSON.stringify(value);
  if (quoted.length <= LONG_STRING) return h("span", { class: "j-string" }, quoted);
  const text = h("span", { class: "j-string" }, `${quoted.slice(0, LONG_STRING)}…`);
  const more = h("button", { type: "button", class: "j-more small", onclick: () => {
    text.textContent = quoted;
    more.remove();
  } }, `show all ${value.length.toLocaleString("en-US")} characters`);
  return h("span", null, text, " ", more);
}

/** Opens (up to a budget of nodes, breadth first) or closes every node under `root`. */
function setOpen(root, isOpen) {
  if (!isOpen) {
    root.querySelectorAll(".j-node").forEach((one) => one.setOpen(false));
    root.querySelector(".j-node")?.setOpen(true);
    return;
  }
  let budget = EXPAND_ALL_BUDGET;
  let level = [...root.querySelectorAll(":scope > .j-node")];
  while (level.length && budget > 0) {
    const next = [];
    for (const one of level) {
      if (budget-- <= 0) break;
      one.setOpen(true, { left: 0 });
      next.push(...one.querySelectorAll(":scope > .j-children > .j-node"));
    }
    level = next;
  }
}
