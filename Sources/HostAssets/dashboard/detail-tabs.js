// The five tabs of an exchange's detail. Each renderer takes the stored record (docs/exchange-record.md) and
// returns the tab's content. Every value a test compares carries its raw form in `data-value`.

import { h, keyValues } from "./dom.js";
import * as fmt from "./format.js";
import { jsonView } from "./json-view.js";
import { tokenTimeline } from "./charts.js";
import { headersTable, note, section } from "./detail-parts.js";

export const TABS = [
  { key: "request", label: "Request", render: requestTab },
  { key: "response", label: "Response", render: responseTab },
  { key: "http", label: "HTTP", render: httpTab },
  { key: "performance", label: "Performance", render: performanceTab },
  { key: "cost", label: "Cost", render: costTab },
];

/** A body: JSON as a collapsible tree, anything else (a body that was not JSON) as text. */
function body(value, testid) {
  if (value === null || value === undefined) return note("Not recorded.", testid);
  if (typeof value === "string") return h("pre", { class: "text-body", testid }, value);
  return jsonView(value, { testid });
}

// ---- Request ---------------------------------------------------------------------------------------------------

function requestTab(record) {
  const route = record.route || {};
  const dialect = record.client?.dialect ? ` (${record.client.dialect})` : "";
  const upstreamDialect = route.upstream_dialect ? ` (${route.upstream_dialect})` : "";
  let upstream;
  if (record.upstream_request !== null && record.upstream_request !== undefined) {
    upstream = section(`As sent upstream${upstreamDialect}${route.converted ? " — converted" : ""}`,
      body(record.upstream_request, "json-upstream-request"));
  } else {
    const why = route.provider
      ? "Sent to the provider exactly as received (no conversion, no model alias)."
      : "No upstream request was made: the gateway answered by itself.";
    upstream = section("As sent upstream", note(why, "upstream-request-note"));
  }
  return [section(`As received from the client${dialect}`, body(record.request, "json-request")), upstream];
}

// ---- Response --------------------------------------------------------------------------------------------------

function responseTab(record) {
  const parts = [];
  if (record.error) {
    parts.push(section("Error", keyValues([
      ["Status", String(record.error.status ?? "—"), "error-status", record.error.status ?? null],
      ["Type", record.error.type ?? "—", "error-type", record.error.type ?? null],
      ["Message", record.error.message ?? "—", "error-message", record.error.message ?? null],
    ], "response-error")));
  }
  const title = record.stream ? "Response to the client (reconstructed from the stream)" : "Response to the client";
  parts.push(section(title, body(record.response, "json-response")));
  parts.push(section("Raw upstream events", rawEvents(record.raw_events)));
  return parts;
}

const EVENTS_PAGE = 100;
const EVENT_PREVIEW = 240;

/** The upstream's events as received, 100 rows at a time; long data cut until clicked. */
function rawEvents(events) {
  if (events === null || events === undefined) {
    return note("Not recorded. Set recording.raw_events: true in plugins.yaml to keep them.", "raw-events");
  }
  if (!events.length) return note("None: no upstream request was made.", "raw-events");
  const tbody = h("tbody");
  const more = h("button", { type: "button", class: "small", testid: "raw-events-more" });
  let shown = 0;
  const showMore = () => {
    const end = Math.min(events.length, shown + EVENTS_PAGE);
    for (; shown < end; shown++) {
      const event = events[shown];
      const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
      const cell = h("td", { class: "event-data" }, data.length > EVENT_PREVIEW ? `${data.slice(0, EVENT_PREVIEW)}…` : data);
      if (data.length > EVENT_PREVIEW) {
        cell.classList.add("clickable");
        cell.title = "click to show all";
        cell.addEventListener("click", () => { cell.textContent = data; cell.classList.remove("clickable"); },
          { once: true });
      }
      tbody.append(h("tr", { testid: "raw-event" }, h("td", { class: "num" }, fmt.ms(event.t_ms)),
        h("td", null, event.type || "—"), cell));
    }
    more.hidden = shown >= events.length;
    more.textContent = `show ${Math.min(EVENTS_PAGE, events.length - shown)} more (${shown} of ${events.length})`;
  };
  more.addEventListener("click", showMore);
  showMore();
  return h("div", { testid: "raw-events" }, h("p", { class: "muted" }, `${fmt.int(events.length)} events`),
    h("div", { class: "table-wrap" }, h("table", { class: "list events" },
      h("thead", null, h("tr", null, h("th", null, "at"), h("th", null, "event"), h("th", null, "data"))), tbody)),
    more);
}

// ---- HTTP --------------------------------------------------------------------------------------------------------

function httpTab(record) {
  const http = record.http || {};
  const client = record.client || {};
  const upstream = http.upstream;
  const parts = [
    section("Client ↔ LessLLM", keyValues([
      ["Method", http.method ?? "—", "http-method", http.method ?? null],
      ["Path", http.path ?? "—", "http-path", http.path ?? null],
      ["Client IP", client.ip ?? "—", "http-client-ip", client.ip ?? null],
      ["User agent", client.user_agent ?? "—", "http-user-agent", client.user_agent ?? null],
      ["Status", String(http.status ?? "—"), "http-status", http.status ?? null],
      ["Request size", fmt.bytes(http.request_bytes), "http-request-bytes", http.request_bytes ?? null],
      ["Response size", fmt.bytes(http.response_bytes), "http-response-bytes", http.response_bytes ?? null],
    ])),
    section("Request headers (from the client)", headersTable(http.request_headers, "http-request-headers")),
    section("Response headers (to the client)", headersTable(http.response_headers, "http-response-headers")),
  ];
  if (!upstream) {
    parts.push(section("LessLLM ↔ upstream", note(record.route?.provider
      ? "No HTTP request: the provider answered without one." : "No upstream request was made.", "http-upstream")));
    return parts;
  }
  parts.push(
    section("LessLLM ↔ upstream", keyValues([
      ["URL", upstream.url ?? "—", "http-upstream-url", upstream.url ?? null],
      ["Status", String(upstream.status ?? "—"), "http-upstream-status", upstream.status ?? null],
    ], "http-upstream")),
    section("Upstream request headers", headersTable(upstream.request_headers, "http-upstream-request-headers")),
    section("Upstream response headers", headersTable(upstream.response_headers, "http-upstream-response-headers")));
  return parts;
}

// ---- Performance ---------------------------------------------------------------------------------------------

function performanceTab(record) {
  const timing = record.timing || {};
  const gaps = timing.gap_ms || {};
  const times = timing.token_times_ms || [];
  const row = (label, key, value, format = fmt.ms) => [label, format(value), `perf-${key}`, value ?? null];
  return [
    section("Timing", keyValues([
      row("Time to first token (TTFT)", "ttft", timing.ttft_ms),
      row("Upstream time to first byte", "upstream-ttfb", timing.upstream_ttfb_ms),
      row("Time per output token (TPOT)", "tpot", timing.tpot_ms),
      row("Output tokens per second", "tokens-per-second", timing.output_tokens_per_second, fmt.perSecond),
      row("Total (received → finished)", "total", timing.total_ms),
      row("Gateway overhead", "gateway-overhead", timing.gateway_overhead_ms),
      row("  before the upstream request", "pre-upstream", timing.pre_upstream_ms),
      row("  relay per event (mean / max)", "relay", timing.relay_mean_ms,
        (v) => `${fmt.ms(v)} / ${fmt.ms(timing.relay_max_ms)}`),
    ], "perf-timing")),
    section("Gaps between consecutive events", timing.gap_ms ? keyValues([
      row("p50", "gap-p50", gaps.p50), row("p90", "gap-p90", gaps.p90), row("p99", "gap-p99", gaps.p99),
      row("max", "gap-max", gaps.max),
    ], "perf-gaps") : note("Fewer than two events: no gaps.", "perf-gaps")),
    section(`Token arrival (${fmt.int(times.length)} content ${times.length === 1 ? "event" : "events"})`,
      tokenTimeline({ title: "Content events over time (ms after the request was received)",
        testid: "chart-token-timeline", times, totalMs: timing.total_ms, format: fmt.ms })),
  ];
}

// ---- Cost ----------------------------------------------------------------------------------------------------------

function costTab(record) {
  const usage = record.usage;
  const cost = record.cost;
  const parts = [];
  if (!usage) {
    parts.push(section("Tokens", note("No usage: no model answered this request.", "cost-tokens")));
  } else {
    parts.push(section("Tokens", keyValues([
      ["Input (uncached)", fmt.int(usage.input), "tokens-input", usage.input],
      ["Cache read", fmt.int(usage.cache_read), "tokens-cache_read", usage.cache_read],
      ["Cache write", fmt.int(usage.cache_write), "tokens-cache_write", usage.cache_write],
      ["Output", fmt.int(usage.output), "tokens-output", usage.output],
      ["  of which reasoning", fmt.int(usage.reasoning), "tokens-reasoning", usage.reasoning],
      ["Counted by", usage.estimated ? "LessLLM's estimate (the upstream reported no usage)" : "the upstream",
        "tokens-estimated", usage.estimated],
    ], "cost-tokens")));
  }
  if (!cost) {
    const model = record.route?.upstream_model ?? record.route?.requested_model ?? "this model";
    parts.push(section("Cost", note(usage ? `No price is known for ${model}, so no cost was computed. Add one under `
      + "prices: in plugins.yaml." : "Nothing to price.", "cost-none")));
    return parts;
  }
  const price = cost.price || {};
  parts.push(section("Price used (USD per million tokens)", keyValues([
    ["Matched", price.model ?? price.pattern ?? "—", "price-pattern", price.pattern ?? null],
    ["Source", price.source === "config" ? "prices: in plugins.yaml" : "LessLLM's built-in table", "price-source",
      price.source ?? null],
  ])));
  const line = (label, key, tokens) => h("tr", null, h("th", { scope: "row" }, label),
    h("td", { class: "num", testid: `breakdown-tokens-${key}`, "data-value": String(tokens ?? null) }, fmt.int(tokens)),
    h("td", { class: "num", testid: `price-${key}`, "data-value": String(price[key] ?? null) },
      price[key] === null || price[key] === undefined ? "—" : `$${price[key]}`),
    h("td", { class: "num", testid: `cost-${key}`, "data-value": String(cost[key] ?? null) }, fmt.usd(cost[key])));
  parts.push(section("Breakdown", h("table", { class: "list breakdown", testid: "cost-breakdown" },
    h("thead", null, h("tr", null, ["class", "tokens", "price / 1M", "cost"].map((name) => h("th", null, name)))),
    h("tbody", null,
      line("Input", "input", usage?.input), line("Cache read", "cache_read", usage?.cache_read),
      line("Cache write", "cache_write", usage?.cache_write), line("Output", "output", usage?.output)),
    h("tfoot", null, h("tr", null, h("th", { scope: "row" }, "Total"), h("td"), h("td"),
      h("td", { class: "num", testid: "cost-total", "data-value": String(cost.total) }, fmt.usd(cost.total)))))));
  parts.push(section("Cache", keyValues([
    ["Cache hit ratio", fmt.pct(cost.cache_hit_ratio), "cost-cache-hit-ratio", cost.cache_hit_ratio ?? null],
    ["Cache savings", fmt.usd(cost.cache_savings), "cost-cache-savings", cost.cache_savings ?? null],
  ])));
  return parts;
}
