import Foundation
import JSONCore
import Testing

@testable import Host

/// The schema version in `PRAGMA user_version` and the migrations applied at open.
@Suite("SQLite sink: schema and migrations")
struct SQLiteSinkMigrationTests {
    static let currentVersion: SQLiteFile.Value = .integer(2)
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
        // The list and aggregate queries read the covering time index, not the rows with their bodies.
        let plan = try file.rows("""
            EXPLAIN QUERY PLAN SELECT outcome, input_tokens, cost_total, ttft_ms, total_ms, tpot_ms FROM exchanges
            WHERE started_at_ms >= 1 AND started_at_ms < 2
            """)
        #expect(plan.contains { $0.last == .text("SEARCH exchanges USING COVERING INDEX exchanges_by_time (started_at_ms>? AND started_at_ms<?)") })
    }

    @Test("a database from an older version is migrated in place and keeps its rows")
    func migratesOldVersion() throws {
        let folder = try TestPaths.temporaryFolder("sqlite-sink")
        let path = folder.appendingPathComponent("old.db").path
        do {
            let sink = try SinkFixture.harness(path: path)
            let (_, output, _) = sink.open(op: "sink:log", body: TestRecord.batch([TestRecord(id: "01OLD", startedAtMs: baseTimeMs)]))
            #expect(output.failures.isEmpty)
            sink.instance.destroy()
        }
        // Turn the file back into a version-1 database: version 2 only added the filter indexes.
        let file = try SQLiteFile(path)
        for index in ["exchanges_by_outcome", "exchanges_by_provider", "exchanges_by_requested_model", "exchanges_by_upstream_model"] {
            try file.rows("DROP INDEX \(index)")
        }
        try file.rows("PRAGMA user_version = 1")
        #expect(try indexNames(file) == ["exchanges_by_time"])

        let sink = try SinkFixture.harness(path: path)
        #expect(try file.value("PRAGMA user_version") == Self.currentVersion)
        #expect(try indexNames(file) == Self.indexes)
        let (_, output, _) = sink.open(op: "sink:query", body: #"{"kind":"get","id":"01OLD"}"#)
        #expect(try JSONValue(parsing: output.body)["record"]?["id"] == "01OLD")
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
        #expect(reason.hasSuffix("database '\(path)' has schema version 7, but this SQLite sink (0.2.0) only knows "
            + "versions up to 2: it was written by a newer LessLLM; upgrade, or point options.path at another file"))
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
