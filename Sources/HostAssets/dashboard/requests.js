// The requests page: filters, the exchange table with paging, live updates, and the detail drawer.
//
// Live updates poll the current page every 3 s. Rows are keyed by exchange id and reused, so the selected row and
// the reader's place stay put: when new rows arrive above a reader who scrolled down, the page scrolls by the same
// amount. Past the first page the list is pinned to the time the reader left page 1 (`to_ms`), so paging is not
// shifted by new traffic; a notice counts what arrived meanwhile.

import * as api from "./api.js";
import { h, replace } from "./dom.js";
import * as fmt from "./format.js";
import { RANGES, rangeByKey, fromMs } from "./ranges.js";
import { DetailPanel } from "./detail.js";
import { outcomeBadge } from "./detail-parts.js";

const POLL_MS = 3000;
const DIALECTS = ["openai.chat", "anthropic.messages"];
const OUTCOMES = ["ok", "upstream_error", "client_cancelled", "timeout", "truncated", "rejected", "gateway_error"];
const FAILURES = OUTCOMES.filter((outcome) => outcome !== "ok" && outcome !== "client_cancelled").join(",");

export class RequestsPage {
  constructor(root, navigate) {
    this.root = root;
    this.navigate = navigate;
    this.offset = 0;
    this.limit = 50;
    this.pinTo = null; // to_ms while paging past page 1
    this.rows = new Map(); // id → <tr>
    this.selectedId = null;
    this.loadedOnce = false;
    this.busy = false;
    this.timer = null;
    this.detail = new DetailPanel(navigate);
    this.buildFilters();
    this.summary = h("span", { class: "muted", testid: "list-summary" });
    this.newer = h("button", { type: "button", class: "notice", hidden: true, testid: "new-indicator",
      onclick: () => this.firstPage() });
    this.error = h("div", { class: "error-box", hidden: true, testid: "requests-error" });
    this.tbody = h("tbody", { testid: "requests-body" });
    this.empty = h("div", { class: "empty", hidden: true, testid: "requests-empty" }, "No exchange matches.");
    this.prev = h("button", { type: "button", disabled: true, testid: "page-prev", onclick: () => this.page(-1) },
      "← Newer");
    this.next = h("button", { type: "button", disabled: true, testid: "page-next", onclick: () => this.page(1) },
      "Older →");
    const headings = ["Time", "Client → provider", "Model", "Stream", "Outcome", "TTFT", "Latency", "Tokens in / out",
      "Cost"];
    replace(root,
      h("div", { class: "page-head" }, h("h1", null, "Requests"), this.summary, this.newer),
      this.filterBar, this.error,
      h("div", { class: "table-wrap" }, h("table", { class: "list", testid: "requests-table" },
        h("thead", null, h("tr", null, headings.map((name, i) => h("th", { scope: "col", class: i >= 5 ? "num" : null },
          name)))), this.tbody)),
      this.empty,
      h("div", { class: "pager" }, this.prev, this.next, this.pageSize),
      this.detail.root);
  }

  buildFilters() {
    const select = (testid, label, options, onchange) => {
      const element = h("select", { testid, "aria-label": label, onchange },
        options.map(([value, text]) => h("option", { value }, text)));
      return [h("label", { class: "filter" }, h("span", null, label), element), element];
    };
    const refilter = () => this.firstPage();
    const [range, rangeSelect] = select("filter-range", "Time", RANGES.map((r) => [r.key, r.label]), refilter);
    rangeSelect.value = "all";
    const [model, modelSelect] = select("filter-model", "Model", [["", "any"]], refilter);
    const [provider, providerSelect] = select("filter-provider", "Provider", [["", "any"]], refilter);
    const [dialect, dialectSelect] = select("filter-dialect", "Client dialect",
      [["", "any"], ...DIALECTS.map((d) => [d, d])], refilter);
    const [outcome, outcomeSelect] = select("filter-outcome", "Outcome",
      [["", "any"], [FAILURES, "any failure"], ...OUTCOMES.map((o) => [o, o.replace("_", " ")])], refilter);
    const [stream, streamSelect] = select("filter-stream", "Stream", [["", "any"], ["true", "streamed"],
      ["false", "not streamed"]], refilter);
    let debounce = null;
    this.search = h("input", { type: "search", placeholder: "text in request or response bodies", testid: "filter-search",
      "aria-label": "Search bodies", oninput: () => { clearTimeout(debounce); debounce = setTimeout(refilter, 350); } });
    this.live = h("input", { type: "checkbox", checked: true, testid: "live-toggle",
      onchange: () => { if (this.live.checked) this.poll(); } });
    const [pageSize, pageSizeSelect] = select("page-size", "Rows", [["25", "25"], ["50", "50"], ["100", "100"],
      ["200", "200"]], () => { this.limit = Number(pageSizeSelect.value); this.firstPage(); });
    pageSizeSelect.value = "50";
    this.pageSize = pageSize;
    this.selects = { range: rangeSelect, model: modelSelect, provider: providerSelect, dialect: dialectSelect,
      outcome: outcomeSelect, stream: streamSelect };
    const reset = h("button", { type: "button", class: "small", testid: "filter-reset", onclick: () => {
      Object.values(this.selects).forEach((one) => { one.value = ""; });
      rangeSelect.value = "all";
      this.search.value = "";
      refilter();
    } }, "Reset");
    this.filterBar = h("div", { class: "filters", testid: "filters" }, range, model, provider, dialect, outcome,
      stream, h("label", { class: "filter grow" }, h("span", null, "Search"), this.search),
      h("label", { class: "live" }, this.live, " live"), reset);
  }

  /** Shows the page; `id` opens that exchange in the drawer, `tab` picks its tab. */
  show({ id, tab }) {
    if (!this.loadedOnce) {
      this.loadChoices();
      this.load();
    }
    this.selectedId = id || null;
    this.rows.forEach((row, rowId) => row.classList.toggle("selected", rowId === this.selectedId));
    if (id) this.detail.open(id, tab); else this.detail.close();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  hide() {
    clearInterval(this.timer);
    this.timer = null;
  }

  /** Model choices: the configured exact model names and every model seen in the log. */
  async loadChoices() {
    try {
      const [info, requested, served] = await Promise.all([api.get("/api/info"),
        api.get("/api/stats", { group_by: "requested_model" }), api.get("/api/stats", { group_by: "model" })]);
      const models = new Set(info.models.filter((name) => !/[*?]/.test(name)));
      for (const group of [...requested.groups, ...served.groups]) if (group.key) models.add(group.key);
      this.fillSelect(this.selects.model, [...models].sort());
      this.fillSelect(this.selects.provider, info.providers);
    } catch {
      // The list itself reports the problem; the filters just keep "any".
    }
  }

  fillSelect(select, values) {
    const current = select.value;
    replace(select, h("option", { value: "" }, "any"), values.map((value) => h("option", { value }, value)));
    select.value = values.includes(current) ? current : "";
  }

  params() {
    const range = rangeByKey(this.selects.range.value);
    return {
      from_ms: fromMs(range), model: this.selects.model.value, provider: this.selects.provider.value,
      client_dialect: this.selects.dialect.value, outcome: this.selects.outcome.value,
      stream: this.selects.stream.value, search: this.search.value.trim(),
    };
  }

  firstPage() {
    this.offset = 0;
    this.pinTo = null;
    this.newer.hidden = true;
    this.load({ fresh: true });
  }

  page(direction) {
    const offset = Math.max(0, this.offset + direction * this.limit);
    if (offset === this.offset) return;
    if (offset > 0 && this.pinTo === null) {
      const newest = this.newestShown();
      this.pinTo = newest === null ? Date.now() : newest + 1;
    }
    this.offset = offset;
    if (offset === 0) this.pinTo = null;
    this.load({ fresh: true });
  }

  newestShown() {
    const first = this.tbody.firstElementChild;
    return first ? Number(first.dataset.started) : null;
  }

  poll() {
    if (!this.live.checked || document.hidden || this.busy || api.denied()) return;
    if (this.offset === 0) this.load(); else this.countNewer();
  }

  async countNewer() {
    try {
      const answer = await api.get("/api/exchanges", { ...this.params(), from_ms: this.pinTo, limit: 1 });
      this.newer.hidden = answer.total === 0;
      this.newer.textContent = `${fmt.int(answer.total)} newer — show`;
    } catch {
      // Shown by the next full load.
    }
  }

  /** Loads the current page; `fresh` (new filters or page) starts at the top without highlighting rows. */
  async load({ fresh = false } = {}) {
    this.busy = true;
    const query = { ...this.params(), to_ms: this.pinTo ?? undefined, limit: this.limit, offset: this.offset };
    const key = JSON.stringify(query);
    this.lastKey = key;
    this.root.dataset.loaded = "false";
    try {
      const answer = await api.get("/api/exchanges", query);
      if (key !== this.lastKey) return; // filters changed while this was on its way
      this.error.hidden = true;
      this.render(answer, fresh || !this.loadedOnce);
      this.loadedOnce = true;
      this.root.dataset.loaded = "true";
    } catch (error) {
      if (key !== this.lastKey) return;
      this.error.hidden = false;
      this.error.textContent = `Could not load exchanges: ${error.message}`;
    } finally {
      this.busy = false;
    }
  }

  render(answer, fresh) {
    const anchor = fresh ? null : this.visibleAnchor();
    const previous = this.rows;
    this.rows = new Map();
    const rows = answer.items.map((item) => {
      const reused = previous.get(item.id);
      const row = reused || this.row(item);
      if (!reused && !fresh) row.classList.add("fresh");
      row.classList.toggle("selected", item.id === this.selectedId);
      this.rows.set(item.id, row);
      return row;
    });
    this.tbody.replaceChildren(...rows);
    if (anchor && anchor.row.isConnected) window.scrollBy(0, anchor.row.getBoundingClientRect().top - anchor.top);

    const first = answer.total === 0 ? 0 : answer.offset + 1;
    const last = answer.offset + answer.items.length;
    this.summary.textContent = `${fmt.int(first)}–${fmt.int(last)} of ${fmt.int(answer.total)}`
      + (this.pinTo ? ` (until ${fmt.clock(this.pinTo)})` : "");
    this.summary.dataset.total = String(answer.total);
    this.empty.hidden = answer.total !== 0;
    this.prev.disabled = answer.offset === 0;
    this.next.disabled = last >= answer.total;
  }

  /** The first row on screen and where it is, when the reader scrolled the list (else null: new rows show). */
  visibleAnchor() {
    if (window.scrollY < 1) return null;
    for (const row of this.tbody.children) {
      const top = row.getBoundingClientRect().top;
      if (top >= 0) return { row, top };
    }
    return null;
  }

  row(item) {
    const cell = (column, content, raw, title) => h("td", { "data-col": column, title,
      "data-value": raw === undefined ? undefined : raw === null ? "null" : String(raw) }, content);
    const upstreamModel = item.upstream_model && item.upstream_model !== item.requested_model
      ? h("span", { class: "muted" }, ` → ${item.upstream_model}`) : null;
    const cached = item.cache_read_tokens ? h("div", { class: "muted small" },
      `+${fmt.int(item.cache_read_tokens)} cached`) : null;
    const open = () => this.navigate(`/requests/${encodeURIComponent(item.id)}${location.hash}`);
    return h("tr", { testid: "request-row", "data-id": item.id, "data-started": item.started_at_ms, tabindex: 0,
      onclick: open, onkeydown: (event) => { if (event.key === "Enter") open(); } },
      cell("time", fmt.listTime(item.started_at_ms), item.started_at_ms, fmt.iso(item.started_at_ms)),
      cell("route", [item.client_dialect ?? "—", " → ", item.provider ?? "—",
        item.converted ? h("span", { class: "tag", title: `converted to ${item.upstream_dialect}` }, "converted") : null],
      item.provider),
      cell("model", [item.requested_model ?? "—", upstreamModel], item.requested_model),
      cell("stream", item.stream ? "yes" : "no", item.stream),
      cell("outcome", [outcomeBadge(item.outcome), " ", item.status ?? ""], item.outcome, item.error_message),
      cell("ttft", fmt.ms(item.ttft_ms), item.ttft_ms),
      cell("latency", fmt.ms(item.total_ms), item.total_ms),
      cell("tokens", [`${fmt.int(item.input_tokens)} / ${fmt.int(item.output_tokens)}`, cached],
        `${item.input_tokens}/${item.output_tokens}`),
      cell("cost", fmt.usd(item.cost_total), item.cost_total));
  }
}
