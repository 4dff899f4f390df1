// The overview page: totals for a time range and the charts. Three API calls per refresh — /api/stats grouped by
// time (totals and every time chart), by model and by provider — refreshed every 10 s while the page is shown.

import * as api from "./api.js";
import { h, replace } from "./dom.js";
import * as fmt from "./format.js";
import { RANGES, rangeByKey, fromMs, bucketFor } from "./ranges.js";
import { COLORS, barChart, timeChart } from "./charts.js";

const REFRESH_MS = 10_000;
const TOKEN_SERIES = [
  { name: "input", color: COLORS[0], key: "input" },
  { name: "cache read", color: COLORS[2], key: "cache_read" },
  { name: "cache write", color: COLORS[3], key: "cache_write" },
  { name: "output", color: COLORS[4], key: "output" },
];
const PERCENTILES = [["p50", COLORS[0]], ["p95", COLORS[3]], ["p99", COLORS[1]]];

export class OverviewPage {
  constructor(root) {
    this.root = root;
    this.rangeKey = sessionStorage.getItem("lessllm.overview.range") || "24h";
    this.timer = null;
    this.generation = 0; // answers of an older refresh are dropped when the range changed meanwhile
    this.buttons = RANGES.map((range) => h("button", { type: "button", class: "seg", testid: `range-${range.key}`,
      onclick: () => this.choose(range.key) }, range.label));
    this.updated = h("span", { class: "muted", testid: "overview-updated" });
    this.totals = h("div", { class: "cards", testid: "totals" });
    this.charts = h("div", { class: "charts", testid: "charts" });
    this.error = h("div", { class: "error-box", hidden: true, testid: "overview-error" });
    replace(root,
      h("div", { class: "page-head" }, h("h1", null, "Overview"),
        h("div", { class: "segmented", role: "group", "aria-label": "Time range" }, this.buttons), this.updated),
      this.error, this.totals, this.charts);
  }

  show() {
    this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => { if (!document.hidden && !api.denied()) this.refresh({ quiet: true }); },
      REFRESH_MS);
  }

  hide() {
    clearInterval(this.timer);
    this.timer = null;
  }

  choose(key) {
    this.rangeKey = key;
    sessionStorage.setItem("lessllm.overview.range", key);
    this.refresh();
  }

  /** Loads and draws; a `quiet` (timed) refresh leaves the charts alone when nothing changed, so a hovered
   * tooltip is not wiped every 10 s (it still redraws once a minute, to move the time axis on). */
  async refresh({ quiet = false } = {}) {
    const generation = ++this.generation;
    const range = rangeByKey(this.rangeKey);
    this.buttons.forEach((button, i) => button.classList.toggle("active", RANGES[i].key === range.key));
    this.root.dataset.range = range.key;
    if (!quiet) this.root.dataset.loaded = "false";
    try {
      const now = Date.now();
      const { from, chartFrom, bucket } = await this.window(range, now);
      const base = { from_ms: from };
      const [byTime, byModel, byProvider] = await Promise.all([
        api.get("/api/stats", { ...base, group_by: "time", bucket_ms: bucket }),
        api.get("/api/stats", { ...base, group_by: "model" }),
        api.get("/api/stats", { ...base, group_by: "provider" }),
      ]);
      if (generation !== this.generation) return;
      this.error.hidden = true;
      const signature = JSON.stringify([range.key, bucket, byTime.groups, byModel.groups, byProvider.groups]);
      const unchanged = quiet && signature === this.signature && now - this.drawnAt < 60_000;
      if (!unchanged) {
        this.renderTotals(byTime.totals);
        this.renderCharts(byTime, byModel, byProvider, { from: chartFrom, to: now, bucket });
        this.signature = signature;
        this.drawnAt = now;
      }
      this.updated.textContent = `updated ${fmt.clock(now)}`;
      this.root.dataset.loaded = "true";
    } catch (error) {
      if (generation !== this.generation) return;
      this.error.hidden = false;
      this.error.textContent = `Could not load statistics: ${error.message}`;
    }
  }

  /**
   * The range's start (`from`, for the API; none for "all"), where the time axis starts, and the bucket width.
   * "All" spans from the oldest stored exchange (at least a minute, so a young log still has an axis); the API
   * gives no time extent, so the oldest is the last item of the list.
   */
  async window(range, now) {
    if (range.span !== null) {
      const from = fromMs(range, now);
      return { from, chartFrom: from, bucket: range.bucket };
    }
    let start = now;
    const newest = await api.get("/api/exchanges", { limit: 1 });
    if (newest.total) {
      const oldest = await api.get("/api/exchanges", { limit: 1, offset: newest.total - 1 });
      start = oldest.items[0]?.started_at_ms ?? now;
    }
    const span = Math.max(60_000, now - start);
    const bucket = bucketFor(span);
    return { from: undefined, chartFrom: Math.min(start, now - span), bucket };
  }

  renderTotals(totals) {
    const card = (key, label, value, raw, sub) => h("div", { class: "card" },
      h("div", { class: "card-label" }, label),
      h("div", { class: "card-value", testid: `total-${key}`, "data-value": raw === null ? "null" : String(raw) },
        value),
      sub ? h("div", { class: "card-sub", testid: `total-${key}-sub` }, sub) : null);
    const tokens = totals.tokens;
    replace(this.totals,
      card("requests", "Requests", fmt.int(totals.count), totals.count,
        totals.cancelled ? `${fmt.int(totals.cancelled)} cancelled by the client` : null),
      card("error-rate", "Error rate", fmt.pct(totals.error_rate), totals.error_rate,
        `${fmt.int(totals.errors)} ${totals.errors === 1 ? "error" : "errors"}`),
      card("input-tokens", "Input tokens", fmt.int(tokens.input), tokens.input,
        tokens.cache_read || tokens.cache_write
          ? `+ ${fmt.int(tokens.cache_read)} cache read, ${fmt.int(tokens.cache_write)} cache write` : "uncached"),
      card("output-tokens", "Output tokens", fmt.int(tokens.output), tokens.output,
        tokens.reasoning ? `${fmt.int(tokens.reasoning)} reasoning` : null),
      card("cost", "Cost", fmt.usd(totals.cost_total), totals.cost_total,
        `${fmt.int(totals.priced)} of ${fmt.int(totals.count)} priced`),
      card("cache-savings", "Cache savings", fmt.usd(totals.cache_savings), totals.cache_savings, null),
      card("cache-hit-ratio", "Cache hit ratio", fmt.pct(totals.cache_hit_ratio), totals.cache_hit_ratio,
        "cache read ÷ prompt tokens"),
      card("ttft-p50", "TTFT p50", fmt.ms(totals.ttft_ms.p50), totals.ttft_ms.p50,
        `p95 ${fmt.ms(totals.ttft_ms.p95)}`),
      card("latency-p50", "Latency p50", fmt.ms(totals.total_ms.p50), totals.total_ms.p50,
        `p95 ${fmt.ms(totals.total_ms.p95)}`));
  }

  renderCharts(byTime, byModel, byProvider, { from, to, bucket }) {
    const groups = byTime.groups;
    const buckets = groups.map((group) => group.key);
    const time = { buckets, bucketMs: bucket, from, to };
    const percentileSeries = (field) => PERCENTILES.map(([p, color]) =>
      ({ name: p, color, values: groups.map((group) => group[field][p]) }));
    const every = `per ${fmt.span(bucket)}`;
    const label = (group) => group.key ?? "(not routed)"; // a rejected request has no model or provider
    const tokenRows = (answer) => answer.groups.map((group) => ({ label: label(group),
      values: TOKEN_SERIES.map((one) => group.tokens[one.key]) }));
    const costRows = (answer) => answer.groups.filter((group) => group.priced > 0)
      .map((group) => ({ label: label(group), values: [group.cost_total] }))
      .sort((a, b) => b.values[0] - a.values[0]);
    const compactTokens = (v) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));
    replace(this.charts,
      timeChart({ title: `Requests and errors (${every})`, testid: "chart-requests", kind: "bars", unit: "requests",
        ...time, format: fmt.int, tickFormat: String, series: [
          { name: "requests", color: COLORS[0], values: groups.map((g) => g.count) },
          { name: "errors", color: COLORS[1], values: groups.map((g) => g.errors) }] }),
      timeChart({ title: "Cache hit ratio", testid: "chart-cache", unit: "%", ...time, yMax: 1,
        format: fmt.pct, tickFormat: (v) => `${Math.round(v * 100)}`,
        series: [{ name: "cache hit ratio", color: COLORS[2], values: groups.map((g) => g.cache_hit_ratio) }] }),
      timeChart({ title: "Time to first token", testid: "chart-ttft", unit: "ms", ...time, format: fmt.ms,
        tickFormat: fmt.num, series: percentileSeries("ttft_ms") }),
      timeChart({ title: "Latency (request received → response finished)", testid: "chart-latency", unit: "ms",
        ...time, format: fmt.ms, tickFormat: fmt.num, series: percentileSeries("total_ms") }),
      barChart({ title: "Cost by model", testid: "chart-cost-model", unit: "USD", rows: costRows(byModel),
        series: [{ name: "cost", color: COLORS[0] }], format: fmt.usd, tickFormat: fmt.num }),
      barChart({ title: "Tokens by model", testid: "chart-tokens-model", unit: "tokens", rows: tokenRows(byModel),
        series: TOKEN_SERIES, format: fmt.int, tickFormat: compactTokens }),
      barChart({ title: "Cost by provider", testid: "chart-cost-provider", unit: "USD",
        rows: costRows(byProvider), series: [{ name: "cost", color: COLORS[0] }], format: fmt.usd,
        tickFormat: fmt.num }),
      barChart({ title: "Tokens by provider", testid: "chart-tokens-provider", unit: "tokens",
        rows: tokenRows(byProvider), series: TOKEN_SERIES, format: fmt.int, tickFormat: compactTokens }));
  }
}
