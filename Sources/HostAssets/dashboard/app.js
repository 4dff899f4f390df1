// Entry point: routes /, /requests, /requests/<id>, /sql to their pages (history API, no reloads), shows the
// gateway's version, and turns a refused admin token into a clear banner. Pages are built once and keep their
// state (filters, page, SQL text) while hidden; only the visible page polls.

import * as api from "./api.js";
import { h, replace } from "./dom.js";
import { OverviewPage } from "./overview.js";
import { RequestsPage } from "./requests.js";
import { SqlPage } from "./sql.js";

const pages = {};
let current = null;

function route() {
  const segments = location.pathname.split("/").filter(Boolean);
  if (segments[0] === "requests") {
    return { page: "requests", id: segments[1] ? decodeURIComponent(segments[1]) : null,
      tab: location.hash.slice(1) || null };
  }
  if (segments[0] === "sql") return { page: "sql" };
  return { page: "overview" };
}

/** Goes to `url` inside the page (no reload). */
export function navigate(url) {
  if (url !== location.pathname + location.hash) history.pushState(null, "", url);
  render();
}

function page(name) {
  if (!pages[name]) {
    const root = document.getElementById(`page-${name}`);
    pages[name] = name === "overview" ? new OverviewPage(root)
      : name === "requests" ? new RequestsPage(root, navigate) : new SqlPage(root);
  }
  return pages[name];
}

function render() {
  const target = route();
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.classList.toggle("active", link.dataset.nav === target.page);
  }
  for (const name of ["overview", "requests", "sql"]) {
    document.getElementById(`page-${name}`).hidden = name !== target.page;
  }
  if (current && current !== target.page) pages[current]?.hide();
  current = target.page;
  document.body.dataset.page = target.page;
  page(target.page).show(target);
}

function showUnauthorized(message) {
  const banner = document.getElementById("banner");
  const token = h("input", { type: "password", placeholder: "admin token", testid: "token-input",
    "aria-label": "Admin token" });
  const form = h("form", { class: "token-form", onsubmit: (event) => {
    event.preventDefault();
    // ?token= makes the server set its cookie; the page then removes the token from the address bar.
    if (token.value) location.search = `?token=${encodeURIComponent(token.value)}`;
  } }, token, h("button", { type: "submit" }, "Open"));
  replace(banner, h("b", null, "Access denied. "), message, " ", form);
  banner.hidden = false;
  banner.dataset.kind = "unauthorized";
}

async function showInfo() {
  try {
    const info = await api.get("/api/info");
    const sink = info.query_sink ? `log: ${info.query_sink}` : "no sink answers queries";
    document.querySelector("[data-testid=gateway-info]").textContent = `v${info.version} · ${sink}`;
    if (!info.query_sink) {
      const banner = document.getElementById("banner");
      replace(banner, "No log sink answers queries, so there is nothing to show. Add one to plugins.yaml, e.g. ",
        h("code", null, "sinks: { sqlite: { plugin: dev.lessllm.sink.sqlite, options: { path: lessllm.db } } }"));
      banner.hidden = false;
    }
  } catch {
    // A 401 shows its banner through onUnauthorized; other failures show on the pages themselves.
  }
}

function start() {
  // The token did its job when the server set the cookie; keep it out of the address bar, history and screenshots.
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
  }
  api.onUnauthorized(showUnauthorized);
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });
  window.addEventListener("popstate", render);
  showInfo();
  render();
}

start();
