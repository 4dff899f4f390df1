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
        Migration(version: 3, summary: "each record stored once: the JSON columns become a view of record_json",
                  sql: """
            -- The JSON parts were stored beside the whole record that holds them, so every record took twice its
            -- size on disk. Rows keep living in the renamed table (with its indexes); rows stored from now on
            -- leave the part columns NULL, and the view `exchanges` reads each part from the row when it has one (a
            -- row stored before this migration) and from its record otherwise. Nothing is rewritten.
            ALTER TABLE exchanges RENAME TO exchange_rows;
            CREATE VIEW exchanges AS SELECT
                id, started_at_ms, client_dialect, provider, upstream_dialect, requested_model, upstream_model,
                converted, stream, outcome, status, upstream_status, method, path, client_ip, user_agent,
                request_bytes, response_bytes, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                reasoning_tokens, tokens_estimated, cost_total, cache_savings, cache_hit_ratio, upstream_ttfb_ms,
                ttft_ms, tpot_ms, total_ms, gateway_overhead_ms, output_tokens_per_second, error_message,
                coalesce(request_json, nullif(record_json -> '$.request', 'null')) AS request_json,
                coalesce(upstream_request_json, nullif(record_json -> '$.upstream_request', 'null'))
                    AS upstream_request_json,
                coalesce(response_json, nullif(record_json -> '$.response', 'null')) AS response_json,
                coalesce(http_json, nullif(record_json -> '$.http', 'null')) AS http_json,
                coalesce(timing_json, nullif(record_json -> '$.timing', 'null')) AS timing_json,
                coalesce(usage_json, nullif(record_json -> '$.usage', 'null')) AS usage_json,
                coalesce(cost_json, nullif(record_json -> '$.cost', 'null')) AS cost_json,
                coalesce(raw_events_json, nullif(record_json -> '$.raw_events', 'null')) AS raw_events_json,
                coalesce(error_json, nullif(record_json -> '$.error', 'null')) AS error_json,
                record_json
            FROM exchange_rows;
            -- A view cannot be changed; these say so, and where the rows are, to whatever tries.
            CREATE TRIGGER exchanges_insert INSTEAD OF INSERT ON exchanges
                BEGIN SELECT raise(ABORT, 'exchanges is a read-only view: rows are stored in exchange_rows'); END;
            CREATE TRIGGER exchanges_update INSTEAD OF UPDATE ON exchanges
                BEGIN SELECT raise(ABORT, 'exchanges is a read-only view: rows are stored in exchange_rows'); END;
            CREATE TRIGGER exchanges_delete INSTEAD OF DELETE ON exchanges
                BEGIN SELECT raise(ABORT, 'exchanges is a read-only view: rows are stored in exchange_rows'); END;
            """),
    ]

    /// The version a database has once every migration ran.
    static var currentVersion: Int { migrations.count }

    /// The columns `sink:log` writes into `exchange_rows`: `ExchangeRow.values`, then the whole record. The JSON
    /// part columns stay NULL: the view `exchanges` reads them from `record_json`.
    static let storedColumns = [
        "id", "started_at_ms", "client_dialect", "provider", "upstream_dialect", "requested_model", "upstream_model",
        "converted", "stream", "outcome", "status", "upstream_status", "method", "path", "client_ip", "user_agent",
        "request_bytes", "response_bytes", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "reasoning_tokens", "tokens_estimated", "cost_total", "cache_savings", "cache_hit_ratio", "upstream_ttfb_ms",
        "ttft_ms", "tpot_ms", "total_ms", "gateway_overhead_ms", "output_tokens_per_second", "error_message",
        "record_json",
    ]

    /// Inserts one record; a record whose id is already stored is skipped (replays are idempotent), while any
    /// other constraint failure still fails the batch.
    static let insertSQL = "INSERT INTO exchange_rows (" + storedColumns.joined(separator: ", ") + ") VALUES ("
        + storedColumns.indices.map { "?\($0 + 1)" }.joined(separator: ", ") + ") ON CONFLICT (id) DO NOTHING"
}
