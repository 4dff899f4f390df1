// The SQL console: read-only SQL against the log database (POST /api/sql), saved examples, row and time limits,
// results as a table, and CSV / JSON export made in the browser. A refused write comes back as a 400 whose
// message says why; it is shown as a refusal, not as a crash.

import * as api from "./api.js";
import { h, replace } from "./dom.js";
import * as fmt from "./format.js";

const EXAMPLES = [
  { key: "cost-today", label: "Cost by model today", sql: `-- Cost by model since local midnight
SELECT coalesce(upstream_model, requested_model) AS model,
       count(*) AS requests,
       round(sum(cost_total), 6) AS cost_usd,
       sum(input_tokens) AS input_tokens,
       sum(output_tokens) AS output_tokens
FROM exchanges
WHERE started_at_ms >= CAST(strftime('%s', 'now', 'localtime', 'start of day', 'utc') AS INTEGER) * 1000
GROUP BY model
ORDER BY cost_usd DESC;` },
  { key: "slowest-ttft", label: "Slowest time to first token", sql: `-- The 20 slowest first tokens
SELECT id, datetime(started_at_ms / 1000, 'unixepoch') AS started_utc, provider, requested_model,
       ttft_ms, total_ms
FROM exchanges
WHERE ttft_ms IS NOT NULL
ORDER BY ttft_ms DESC
LIMIT 20;` },
  { key: "errors-by-provider", label: "Errors by provider", sql: `-- Failures by provider and outcome
SELECT coalesce(provider, '(not routed)') AS provider, outcome, status, count(*) AS requests
FROM exchanges
WHERE outcome NOT IN ('ok', 'client_cancelled')
GROUP BY 1, 2, 3
ORDER BY requests DESC;` },
  { key: "hourly-tokens", label: "Tokens per hour (24 h)", sql: `-- Tokens and cost per hour over the last 24 hours
SELECT strftime('%Y-%m-%d %H:00', started_at_ms / 1000, 'unixepoch') AS hour_utc,
       count(*) AS requests, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
       sum(output_tokens) AS output, round(sum(cost_total), 6) AS cost_usd
FROM exchanges
WHERE started_at_ms >= (CAST(strftime('%s', 'now') AS INTEGER) - 86400) * 1000
GROUP BY hour_utc
ORDER BY hour_utc;` },
  { key: "cache-savings", label: "Cache savings by model", sql: `-- What prompt caching saved, by model
SELECT coalesce(upstream_model, requested_model) AS model,
       sum(cache_read_tokens) AS cache_read_tokens,
       round(sum(cache_savings), 6) AS savings_usd,
       round(1.0 * sum(cache_read_tokens)
             / nullif(sum(input_tokens) + sum(cache_read_tokens) + sum(cache_write_tokens), 0), 4) AS hit_ratio
FROM exchanges
GROUP BY model
ORDER BY savings_usd DESC;` },
  { key: "prompts", label: "Latest prompts (JSON)", sql: `-- The last user message of recent requests, read from the stored JSON
SELECT id, requested_model,
       json_extract(request_json, '$.messages[#-1].content') AS last_message
FROM exchanges
ORDER BY started_at_ms DESC
LIMIT 20;` },
];

const ROWS_SHOWN = 500; // rows built at once; "show more" adds the rest, so 10000 rows do not stall the page
const CELL_PREVIEW = 160;

export class SqlPage {
  constructor(root) {
    this.root = root;
    this.result = null;
    this.input = h("textarea", { class: "sql-input", testid: "sql-input", spellcheck: "false", rows: 12,
      "aria-label": "SQL", onkeydown: (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); this.run(); }
      } });
    this.input.value = sessionStorage.getItem("lessllm.sql") ?? EXAMPLES[0].sql;
    this.maxRows = h("input", { type: "number", min: 1, max: 10000, value: 1000, testid: "sql-max-rows" });
    this.timeout = h("input", { type: "number", min: 1, max: 60000, value: 5000, testid: "sql-timeout" });
    this.runButton = h("button", { type: "button", class: "primary", testid: "sql-run", onclick: () => this.run() },
      "Run");
    this.csvButton = h("button", { type: "button", disabled: true, testid: "sql-export-csv",
      onclick: () => this.export("csv") }, "Export CSV");
    this.jsonButton = h("button", { type: "button", disabled: true, testid: "sql-export-json",
      onclick: () => this.export("json") }, "Export JSON");
    this.meta = h("span", { class: "muted", testid: "sql-meta" });
    this.error = h("div", { class: "error-box", hidden: true, testid: "sql-error" });
    this.output = h("div", { class: "table-wrap sql-output", testid: "sql-output" });
    replace(root,
      h("div", { class: "page-head" }, h("h1", null, "SQL console"),
        h("span", { class: "muted" }, "Read-only: one SELECT (or WITH … SELECT) over the table exchanges.")),
      h("div", { class: "examples", testid: "sql-examples" }, h("span", { class: "muted" }, "Examples:"),
        EXAMPLES.map((example) => h("button", { type: "button", class: "small", testid: `sql-example-${example.key}`,
          onclick: () => { this.input.value = example.sql; this.input.focus(); } }, example.label))),
      this.input,
      h("div", { class: "sql-controls" },
        h("label", null, "Row limit ", this.maxRows), h("label", null, "Time limit (ms) ", this.timeout),
        this.runButton, h("span", { class: "muted small" }, "Ctrl+Enter runs"), this.meta,
        h("span", { class: "spacer" }), this.csvButton, this.jsonButton),
      this.error, this.output);
  }

  show() {}

  hide() {}

  async run() {
    const sql = this.input.value;
    sessionStorage.setItem("lessllm.sql", sql);
    this.runButton.disabled = true;
    this.root.dataset.state = "running";
    this.meta.textContent = "running…";
    try {
      const answer = await api.post("/api/sql", { sql, max_rows: Number(this.maxRows.value) || 1000,
        timeout_ms: Number(this.timeout.value) || 5000 });
      this.result = answer;
      this.error.hidden = true;
      this.renderTable(answer);
      // `truncated_by` says which limit stopped the rows: max_rows, or the server's cap on the result's bytes.
      const limit = answer.truncated_by === "bytes" ? "the 32 MiB result size limit" : "the row limit";
      this.meta.textContent = `${fmt.int(answer.row_count)} ${answer.row_count === 1 ? "row" : "rows"}`
        + `${answer.truncated ? ` (stopped at ${limit}: more exist)` : ""} in ${fmt.ms(answer.elapsed_ms)}`;
      this.root.dataset.state = "done";
    } catch (error) {
      this.result = null;
      replace(this.output);
      this.meta.textContent = "";
      const refused = error.status === 400 && /read-only|one statement/i.test(error.message);
      this.error.hidden = false;
      this.error.classList.toggle("refused", refused);
      this.error.dataset.status = String(error.status);
      replace(this.error, h("b", null, refused ? "Refused: " : `Error (${error.status || "no answer"}): `),
        error.message);
      this.root.dataset.state = refused ? "refused" : "error";
    } finally {
      this.runButton.disabled = false;
      this.csvButton.disabled = this.jsonButton.disabled = !this.result;
    }
  }

  renderTable({ columns, rows }) {
    const tbody = h("tbody");
    const more = h("button", { type: "button", class: "small", testid: "sql-more" });
    let shown = 0;
    const showMore = () => {
      const end = Math.min(rows.length, shown + ROWS_SHOWN);
      for (; shown < end; shown++) tbody.append(h("tr", { testid: "sql-row" }, rows[shown].map(cell)));
      more.hidden = shown >= rows.length;
      more.textContent = `show ${Math.min(ROWS_SHOWN, rows.length - shown)} more (${shown} of ${rows.length})`;
    };
    more.addEventListener("click", showMore);
    showMore();
    replace(this.output, h("table", { class: "list sql-result", testid: "sql-result" },
      h("thead", null, h("tr", null, columns.map((name) => h("th", { scope: "col" }, name)))), tbody), more);
  }

  export(kind) {
    const { columns, rows } = this.result;
    const text = kind === "csv"
      ? [columns, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n"
      : JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row[i]]))), null, 2);
    const blob = new Blob([text], { type: kind === "csv" ? "text/csv" : "application/json" });
    const url = URL.createObjectURL(blob);
    const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
    const link = h("a", { href: url, download: `lessllm-query-${stamp}.${kind}`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** One result cell: NULL marked, numbers right-aligned, long text cut until clicked. */
function cell(value) {
  if (value === null) return h("td", { class: "null" }, "NULL");
  if (typeof value === "number") return h("td", { class: "num" }, String(value));
  const text = String(value);
  if (text.length <= CELL_PREVIEW) return h("td", null, text);
  const td = h("td", { class: "clickable", title: "click to show all" }, `${text.slice(0, CELL_PREVIEW)}…`);
  td.addEventListener("click", () => { td.textContent = text; td.classList.remove("clickable"); }, { once: true });
  return td;
}

/** RFC 4180: quote fields holding a comma, a quote or a line break; NULL is an empty field. */
function csvField(value) {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
