/// The database layout: the `exchanges` table and the ordered migrations that build it.
///
/// The version lives in `PRAGMA user_version`. Migration N takes a database from version N-1 to N; at open the
/// sink applies every migration above the file's version in one transaction, then sets the version. A file with a
/// version above `currentVersion` was written by a newer LessLLM and is refused, never touched.
///
/// To change the schema, append a migration; never edit one that has shipped.
enum ExchangeSchema {
    /// One step of the schema's history.
    struct Migration: Sendable {
        /// The version the database has after this step.
        let version: Int
        /// What the step does, for the log.
        let summary: String
        /// The DDL, run with `sqlite3_exec` inside the migration transaction.
        let sql: String
    }

    /// Every migration, in order; `version` is its position (1-based).
    static let migrations: [Migration] = [
        Migration(version: 1, summary: "exchanges table with a covering time index", sql: """
            CREATE TABLE exchanges (
                id TEXT PRIMARY KEY NOT NULL,           -- unique, time-ordered exchange id
                started_at_ms INTEGER NOT NULL,         -- wall clock, Unix milliseconds
                client_dialect TEXT,                    -- openai.chat | anthropic.messages
                provider TEXT,                          -- provider instance name
                upstream_dialect TEXT,
                requested_model TEXT,                   -- what the client asked for
                upstream_model TEXT,                    -- what was sent upstream
                converted INTEGER,                      -- 0/1: dialects differ
                stream INTEGER,                         -- 0/1
                outcome TEXT,                           -- ok | upstream_error | client_cancelled | timeout | truncated | gateway_error
                status INTEGER,                         -- HTTP status the client got
                upstream_status INTEGER,
                method TEXT,
                path TEXT,
                client_ip TEXT,
                user_agent TEXT,
                request_bytes INTEGER,
                response_bytes INTEGER,
                input_tokens INTEGER,                   -- uncached input only
                output_tokens INTEGER,
                cache_read_tokens INTEGER,
                cache_write_tokens INTEGER,
                reasoning_tokens INTEGER,
                tokens_estimated INTEGER,               -- 0/1
                cost_total REAL,                        -- USD; NULL when no price was known
                cache_savings REAL,                     -- USD
                cache_hit_ratio REAL,
                upstream_ttfb_ms REAL,
                ttft_ms REAL,
                tpot_ms REAL,
                total_ms REAL,                          -- latency
                gateway_overhead_ms REAL,
                output_tokens_per_second REAL,
                error_message TEXT,
                request_json TEXT,                      -- JSON text of the record's parts …
                upstream_request_json TEXT,
                response_json TEXT,
                http_json TEXT,
                timing_json TEXT,
                usage_json TEXT,
                cost_json TEXT,
                raw_events_json TEXT,
                error_json TEXT,
                record_json TEXT NOT NULL               -- … and the whole record, as received
            );
            -- Time first, then every column the dashboard filters, counts and aggregates on: list totals and
            -- aggregates over a time range read this index only, never a row with its JSON bodies.
            CREATE INDEX exchanges_by_time ON exchanges (
                started_at_ms, outcome, stream, status, client_dialect, upstream_dialect, provider,
                requested_model, upstream_model, input_tokens, output_tokens, cache_read_tokens,
                cache_write_tokens, reasoning_tokens, cost_total, cache_savings, ttft_ms, total_ms, tpot_ms);
            """),
        Migration(version: 2, summary: "indexes for model, provider and outcome filters", sql: """
            CREATE INDEX exchanges_by_requested_model ON exchanges (requested_model, started_at_ms);
            CREATE INDEX exchanges_by_upstream_model ON exchanges (upstream_model, started_at_ms);
            CREATE INDEX exchanges_by_provider ON exchanges (provider, started_at_ms);
            CREATE INDEX exchanges_by_outcome ON exchanges (outcome, started_at_ms);
            """),
    ]

    /// The version a database has once every migration ran.
    static var currentVersion: Int { migrations.count }

    /// The columns `sink:log` writes: `ExchangeRow.values`, then `ExchangeRow.jsonParts`.
    static let columns = [
        "id", "started_at_ms", "client_dialect", "provider", "upstream_dialect", "requested_model", "upstream_model",
        "converted", "stream", "outcome", "status", "upstream_status", "method", "path", "client_ip", "user_agent",
        "request_bytes", "response_bytes", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "reasoning_tokens", "tokens_estimated", "cost_total", "cache_savings", "cache_hit_ratio", "upstream_ttfb_ms",
        "ttft_ms", "tpot_ms", "total_ms", "gateway_overhead_ms", "output_tokens_per_second", "error_message",
        "request_json", "upstream_request_json", "response_json", "http_json", "timing_json", "usage_json",
        "cost_json", "raw_events_json", "error_json", "record_json",
    ]

    /// Inserts one record; a record whose id is already stored is skipped (replays are idempotent), while any
    /// other constraint failure still fails the batch.
    static let insertSQL = "INSERT INTO exchanges (" + columns.joined(separator: ", ") + ") VALUES ("
        + columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ") + ") ON CONFLICT (id) DO NOTHING"
}
