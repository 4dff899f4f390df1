// The detail drawer of one exchange: a summary header and five tabs (Request, Response, HTTP, Performance, Cost).
// The record is fetched once per exchange; each tab is built the first time it is shown, so a huge body costs
// nothing until its tab is opened. The chosen tab is kept in the URL's #fragment and across exchanges.

import * as api from "./api.js";
import { h, replace, rawText } from "./dom.js";
import * as fmt from "./format.js";
import { outcomeBadge } from "./detail-parts.js";
import { TABS } from "./detail-tabs.js";

export class DetailPanel {
  constructor(navigate) {
    this.navigate = navigate;
    this.id = null;
    this.record = null;
    this.tab = "request";
    this.panels = new Map(); // tab → built panel, for the current record
    this.header = h("div", { class: "drawer-head" });
    this.tabBar = h("div", { class: "tabs", role: "tablist" });
    this.body = h("div", { class: "drawer-body" });
    this.root = h("aside", { class: "drawer", hidden: true, testid: "detail-panel", "aria-label": "Exchange detail" },
      this.header, this.tabBar, this.body);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.root.hidden) this.navigate("/requests");
    });
  }

  async open(id, tab) {
    if (tab && TABS.some((one) => one.key === tab)) this.tab = tab;
    this.root.hidden = false;
    if (id === this.id) {
      if (this.record) this.showTab();
      return;
    }
    this.id = id;
    this.record = null;
    this.panels.clear();
    this.root.dataset.loaded = "false";
    replace(this.header, this.closeButton(), h("h2", null, "Exchange ", h("code", null, id)));
    replace(this.tabBar);
    replace(this.body, h("p", { class: "muted" }, "Loading…"));
    try {
      const { record } = await api.get(`/api/exchanges/${encodeURIComponent(id)}`);
      if (id !== this.id) return; // another row was opened meanwhile
      this.record = record;
      this.renderHeader(record);
      this.showTab();
      this.root.dataset.loaded = "true";
    } catch (error) {
      if (id !== this.id) return;
      replace(this.body, h("div", { class: "error-box", testid: "detail-error-box" },
        error.status === 404 ? `No exchange with id ${id} is stored.` : `Could not load the exchange: ${error.message}`));
    }
  }

  close() {
    this.root.hidden = true;
    this.id = null;
    this.record = null;
    this.panels.clear();
  }

  closeButton() {
    return h("button", { type: "button", class: "close", testid: "detail-close", "aria-label": "Close",
      onclick: () => this.navigate("/requests") }, "×");
  }

  renderHeader(record) {
    const route = record.route || {};
    const fact = (label, testid, raw, ...value) => h("div", { class: "fact" }, h("span", null, label),
      h("b", { testid, "data-value": rawText(raw) }, ...value));
    const requested = route.requested_model ?? record.requested_model ?? null; // a rejected request has no route
    const model = route.upstream_model && route.upstream_model !== requested
      ? `${requested ?? "—"} → ${route.upstream_model}` : requested ?? "—";
    const upstreamDialect = route.upstream_dialect ? ` (${route.upstream_dialect})` : "";
    replace(this.header, this.closeButton(),
      h("h2", null, "Exchange ", h("code", { testid: "detail-id" }, record.id)),
      h("div", { class: "facts" },
        fact("Received", "detail-time", record.started_at_ms, fmt.dateTime(record.started_at_ms)),
        fact("Route", "detail-route", route.provider ?? null,
          `${record.client?.dialect ?? "—"} → ${route.provider ?? "no provider"}${upstreamDialect}`,
          route.converted ? h("span", { class: "tag" }, "converted") : null),
        fact("Model", "detail-model", requested, model),
        fact("Stream", "detail-stream", record.stream, record.stream ? "yes" : "no"),
        fact("Outcome", "detail-outcome", record.outcome, outcomeBadge(record.outcome)),
        fact("Status", "detail-status", record.http?.status ?? null, String(record.http?.status ?? "—")),
        fact("Latency", "detail-latency", record.timing?.total_ms ?? null, fmt.ms(record.timing?.total_ms)),
        fact("Cost", "detail-cost", record.cost?.total ?? null, fmt.usd(record.cost?.total))),
      record.error ? h("div", { class: "error-box", testid: "detail-error" },
        `${record.error.status ?? ""} ${record.error.type ?? ""}: ${record.error.message ?? ""}`.trim()) : null);
    replace(this.tabBar, TABS.map((one) => h("button", { type: "button", role: "tab", class: "tab",
      "data-tab": one.key, testid: `tab-${one.key}`, onclick: () => this.choose(one.key) }, one.label)));
  }

  choose(tab) {
    this.tab = tab;
    history.replaceState(history.state, "", `${location.pathname}#${tab}`);
    this.showTab();
  }

  showTab() {
    for (const button of this.tabBar.children) {
      const active = button.dataset.tab === this.tab;
      button.classList.toggle("active", active);
      button.setAttribute("aria-selected", String(active));
    }
    if (!this.panels.has(this.tab)) {
      const spec = TABS.find((one) => one.key === this.tab);
      let content;
      try {
        content = spec.render(this.record);
      } catch (error) {
        content = h("div", { class: "error-box" }, `This tab could not show the record: ${error.message}`);
      }
      this.panels.set(this.tab, h("div", { class: "tab-panel", role: "tabpanel", testid: `tab-panel-${this.tab}` },
        content));
    }
    replace(this.body, this.panels.get(this.tab));
    this.body.scrollTop = 0;
  }
}
