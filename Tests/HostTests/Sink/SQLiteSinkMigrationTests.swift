import Foundation
import JSONCore
import Testing

@testable import Host

/// The schema version in `PRAGMA user_version` and the migrations applied at open.
@Suite("SQLite sink: schema and migrations")
struct SQLiteSinkMigrationTests {
    static let currentVersion: SQLiteFile.Value = .integer(3)
    static let indexes = ["exchanges_by_outcome", "exchanges_by_provider", "exchanges_by_requested_model",
                          "exchanges_by_time", "exchanges_by_upstream_model"]

    func indexNames(_ file: SQLiteFile) throws -> [String] {
        try file.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .compactMap { if case .text(let name) = $0.first { name } else { nil } }
    }

    @Test("a new database gets the current schema version, the table and every index")
    func freshDatabase() throws {
        let sink = try SinkFixture()
        let file = try sink.file()
        #expect(try file.value("PRAGMA user_version") == Self.currentVersion)
        #expect(try indexNames(file) == Self.indexes)
        #expect(try file.value("PRAGMA page_size") == .integer(8192))
        // The list and aggregate queries read the covering time index, not the rows with their bodies.
        let plan = try file.rows("""
            EXPLAIN QUERY PLAN SELECT outcome, input_tokens, cost_total, ttft_ms, total_ms, tpot_ms FROM exchanges
            WHERE started_at_ms >= 1 AND started_at_ms < 2
            """)
        #expect(plan.contains { $0.last == .text("SEARCH exchange_rows USING COVERING INDEX exchanges_by_time (started_at_ms>? AND started_at_ms<?)") })
        // Rows live in `exchange_rows`; `exchanges` is the view that the dashboard and the SQL console read.
        #expect(try file.rows("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
            == [[.text("table"), .text("exchange_rows")], [.text("view"), .text("exchanges")]])
    }

    @Test("a version-1 database is migrated in place: its rows keep the parts stored beside their records, rows stored after keep only the record")
    func migratesOldVersion() throws {
        let folder = try TestPaths.temporaryFolder("sqlite-sink")
        let path = folder.appendingPathComponent("old.db").path
        do {
            let sink = try SinkFixture.harness(path: path)
            let (_, output, _) = sink.open(op: "sink:log", body: TestRecord.batch([TestRecord(id: "01OLD", startedAtMs: baseTimeMs)]))
            #expect(output.failures.isEmpty)
            sink.instance.destroy()
        }
        // Turn the file back into a version-1 database: the rows in `exchanges` with every JSON part stored beside
        // the record (marked here, to tell a stored part from one read out of the record), without the filter
        // indexes of version 2.
        let file = try SQLiteFile(path)
        try file.rows("DROP VIEW exchanges")
        try file.rows("ALTER TABLE exchange_rows RENAME TO exchanges")
        try file.rows(#"UPDATE exchanges SET request_json = '{"stored":"beside the record"}', http_json = '{}'"#)
        for index in ["exchanges_by_outcome", "exchanges_by_provider", "exchanges_by_requested_model", "exchanges_by_upstream_model"] {
            try file.rows("DROP INDEX \(index)")
        }
        try file.rows("PRAGMA user_version = 1")
        // With the page size of the files of those versions (SQLite's default).
        try file.rows("PRAGMA journal_mode = DELETE")
        try file.rows("PRAGMA page_size = 4096")
        try file.rows("VACUUM")
        #expect(try file.value("PRAGMA page_size") == .integer(4096))
        #expect(try indexNames(file) == ["exchanges_by_time"])

        let sink = try SinkFixture.harness(path: path)
        #expect(try file.value("PRAGMA user_version") == Self.currentVersion)
        #expect(try indexNames(file) == Self.indexes)
        #expect(try file.value("PRAGMA page_size") == .integer(4096))  // a file with content keeps its pages
        let (_, output, _) = sink.open(op: "sink:query", body: #"{"kind":"get","id":"01OLD"}"#)
        #expect(try JSONValue(parsing: output.body)["record"]?["id"] == "01OLD")
        let new = TestRecord(id: "01NEW", startedAtMs: baseTimeMs + 1)
        let (_, logged, _) = sink.open(op: "sink:log", body: TestRecord.batch([new]))
        #expect(logged.failures.isEmpty)

        // The old row is read as it was stored; the new one stores its record alone, and reads the same.
        let old = try file.row("SELECT request_json, http_json, usage_json FROM exchanges WHERE id = '01OLD'")
        #expect(old["request_json"] == .text(#"{"stored":"beside the record"}"#))
        #expect(old["http_json"] == .text("{}"))
        #expect(old["usage_json"] == .text(TestRecord(id: "01OLD", startedAtMs: baseTimeMs).json["usage"]!.serialized()))
        #expect(try file.row("SELECT request_json, http_json FROM exchange_rows WHERE id = '01NEW'")
            == ["request_json": .null, "http_json": .null])
        #expect(try file.value("SELECT request_json FROM exchanges WHERE id = '01NEW'")
            == .text(new.json["request"]!.serialized()))
        #expect(try file.value("SELECT count(*) FROM exchanges") == .integer(2))
    }

    @Test("a database written by a newer LessLLM is refused and left untouched")
    func refusesNewerVersion() throws {
        let folder = try TestPaths.temporaryFolder("sqlite-sink")
        let path = folder.appendingPathComponent("future.db").path
        do {
            let file = try SQLiteFile(path, create: true)
            try file.rows("CREATE TABLE exchanges (id TEXT PRIMARY KEY, shape_from_the_future BLOB)")
            try file.rows("PRAGMA user_version = 7")
        }
        let reason = try sinkCreationFailure(#"{"options":{"path":\#(JSONString.quoted(path))}}"#)
        #expect(reason.hasSuffix("database '\(path)' has schema version 7, but this SQLite sink (0.3.0) only knows "
            + "versions up to 3: it was written by a newer LessLLM; upgrade, or point options.path at another file"))
        let file = try SQLiteFile(path)
        #expect(try file.value("PRAGMA user_version") == .integer(7))
        #expect(try file.value("PRAGMA journal_mode") == .text("delete"))
        #expect(try indexNames(file).isEmpty)
    }

    @Test("a database with a conflicting table is refused, and the failed migration leaves it as it was")
    func failedMigrationRollsBack() throws {
        let folder = try TestPaths.temporaryFolder("sqlite-sink")
        let path = folder.appendingPathComponent("other-app.db").path
        do {
            let file = try SQLiteFile(path, create: true)
            try file.rows("CREATE TABLE exchanges (currency TEXT, rate REAL)")
        }
        let reason = try sinkCreationFailure(#"{"options":{"path":\#(JSONString.quoted(path))}}"#)
        #expect(reason.hasSuffix("cannot prepare database '\(path)': migration 1 (exchanges table with a covering "
            + "time index) failed: table exchanges already exists"))
        let file = try SQLiteFile(path)
        #expect(try file.value("PRAGMA user_version") == .integer(0))
        #expect(try file.rows("SELECT name FROM sqlite_master") == [[.text("exchanges")]])
    }
}
