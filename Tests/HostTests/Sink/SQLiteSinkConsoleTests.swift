import Foundation
import JSONCore
import PluginABI
import Testing

@testable import Host

/// `sink:query` kind sql: the dashboard's read-only SQL console.
@Suite("SQLite sink: SQL console")
struct SQLiteSinkConsoleTests {
    static func fixture() throws -> SinkFixture {
        let sink = try SinkFixture()
        var records = (1...3).map { TestRecord(id: "01S\($0)", startedAtMs: baseTimeMs + $0) }
        records[2].model = "claude-haiku-4-5"
        try sink.log(records)
        return sink
    }

    func sql(_ sink: SinkFixture, _ text: String, _ extra: String = "") throws -> JSONValue {
        try sink.query(#"{"kind":"sql","sql":\#(JSONString.quoted(text))\#(extra)}"#)
    }

    @Test("a SELECT returns column names and typed values: integers, reals, text, null and blobs as X'…'")
    func selectValues() throws {
        let sink = try Self.fixture()
        let answer = try sql(sink, """
            SELECT id, started_at_ms, cost_total, requested_model, error_message, x'00ff10' AS raw,
                   json_extract(request_json, '$.messages[0].content') AS prompt
            FROM exchanges ORDER BY id
            """)
        #expect(answer["columns"] == ["id", "started_at_ms", "cost_total", "requested_model", "error_message", "raw", "prompt"])
        #expect(answer["rows"]?[0] == ["01S1", .int(baseTimeMs + 1), 0.01, "gpt-4o", nil, "X'00FF10'", "hello"])
        #expect(answer["rows"]?[2]?[3] == "claude-haiku-4-5")
        #expect(answer["row_count"] == 3 && answer["truncated"] == false && answer["truncated_by"] == .null)
        let elapsed = try #require(answer["elapsed_ms"]?.doubleValue)
        #expect(elapsed >= 0 && elapsed < 5000)

        let grouped = try sql(sink, "SELECT requested_model, count(*) AS n FROM exchanges GROUP BY 1 ORDER BY 1")
        #expect(grouped["rows"] == [["claude-haiku-4-5", 1], ["gpt-4o", 2]])
        // Reading PRAGMAs work, as statements and as table-valued functions.
        let info = try sql(sink, "PRAGMA table_info(exchanges)")
        #expect(info["rows"]?.arrayValue?.count == 44)
        let viaFunction = try sql(sink, "SELECT name FROM pragma_table_info('exchange_rows') WHERE pk = 1")
        #expect(viaFunction["rows"] == [["id"]])
        #expect(try sql(sink, "PRAGMA user_version")["rows"] == [[3]])
        #expect(try sql(sink, "select 1; -- a trailing comment\n ;  ")["rows"] == [[1]])
    }

    @Test("rows stop at max_rows and say the result was truncated")
    func rowLimit() throws {
        let sink = try Self.fixture()
        let limited = try sql(sink, "SELECT id FROM exchanges ORDER BY id", #","max_rows":2"#)
        #expect(limited["rows"] == [["01S1"], ["01S2"]] && limited["truncated"] == true && limited["row_count"] == 2)
        #expect(limited["truncated_by"] == "max_rows")
        let exact = try sql(sink, "SELECT id FROM exchanges", #","max_rows":3"#)
        #expect(exact["truncated"] == false && exact["row_count"] == 3 && exact["truncated_by"] == .null)
        // An endless query ends at the limit too, without reading further.
        let endless = try sql(sink, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n")
        #expect(endless["row_count"] == 1000 && endless["truncated"] == true)
        #expect(endless["rows"]?[999] == [1000])
    }

    @Test("no string or blob grows past 16 MiB: building a bigger one fails, naming the limit")
    func valueLimit() throws {
        let sink = try Self.fixture()
        for text in ["SELECT zeroblob(999999999) FROM exchange_rows", "SELECT randomblob(500000000)",
                     "SELECT length(zeroblob(16777217))", "SELECT x'00' || zeroblob(16777216)"] {
            let failure = try sink.failure(#"{"kind":"sql","sql":\#(JSONString.quoted(text))}"#)
            #expect(failure.status == LESSLLM_E_INVALID_REQUEST, "\(text)")
            #expect(failure.message == "SQL error: string or blob too big (the SQL console allows 16 MiB per string "
                + "or blob)", "\(text)")
        }
        // SQLite's printf() answers NULL instead of text past the limit (which counts its terminating NUL): nothing
        // is built either.
        #expect(try sql(sink, "SELECT printf('%.*c', 900000000, 'x') IS NULL")["rows"] == [[1]])
        #expect(try sql(sink, "SELECT printf('%.*c', 16777216, 'x') IS NULL")["rows"] == [[1]])
        // Up to the limit, values are built and read as usual.
        let largest = try sql(sink, "SELECT length(zeroblob(16777216)), length(printf('%.*c', 16777215, 'x'))")
        #expect(largest["rows"] == [[16_777_216, 16_777_215]])
    }

    @Test("rows stop before their values pass 32 MiB, whole, and say the result was truncated by bytes")
    func resultByteLimit() throws {
        let sink = try Self.fixture()
        // Each row counts 8 for the number and 10 MiB for the text: three fit in 32 MiB, a fourth would not.
        let tenMiB = 10 << 20
        let text = try sql(sink, """
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10)
            SELECT x, printf('%.*c', \(tenMiB), 'a') AS filler FROM n
            """)
        #expect(text["row_count"] == 3 && text["truncated"] == true && text["truncated_by"] == "bytes")
        let rows = try #require(text["rows"]?.arrayValue)
        #expect(rows.compactMap { $0[0] } == [1, 2, 3])
        #expect(rows.allSatisfy { $0[1] == .string(String(repeating: "a", count: tenMiB)) })

        // A blob counts as its hex literal: 8 MiB of zeros is X'…' with 16 MiB of digits; a second does not fit.
        let blobs = try sql(sink, "SELECT zeroblob(8388608) FROM exchange_rows ORDER BY id")
        #expect(blobs["rows"] == [[.string("X'" + String(repeating: "0", count: 16 << 20) + "'")]])
        #expect(blobs["truncated"] == true && blobs["truncated_by"] == "bytes")

        // Exactly 32 MiB (2 × (16 MiB - 1) + 2) fits; the next row, however small, does not.
        let fullRow = "SELECT printf('%.*c', 16777215, 'a'), printf('%.*c', 16777215, 'b'), 'cc'"
        let exact = try sql(sink, fullRow + " UNION ALL SELECT 'd', 'e', 'f'")
        #expect(exact["row_count"] == 1 && exact["truncated"] == true && exact["truncated_by"] == "bytes")
        #expect(exact["rows"]?[0]?[1] == .string(String(repeating: "b", count: 16_777_215)))
        #expect(exact["rows"]?[0]?[2] == "cc")
        let whole = try sql(sink, fullRow)
        #expect(whole["row_count"] == 1 && whole["truncated"] == false && whole["truncated_by"] == .null)
    }

    @Test("a query running past timeout_ms is interrupted with a clear error")
    func timeLimit() throws {
        let sink = try Self.fixture()
        let clock = ContinuousClock()
        let started = clock.now
        let slow = try sink.failure(#"""
            {"kind":"sql","timeout_ms":300,
             "sql":"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"}
            """#)
        let elapsed = clock.now - started
        #expect(slow.status == LESSLLM_E_TIMEOUT)
        #expect(slow.message.hasPrefix("query exceeded 300 ms (timeout_ms)"))
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5))
        // The console is usable right after.
        #expect(try sql(sink, "SELECT count(*) FROM exchanges")["rows"] == [[3]])
    }

    @Test("writes and statements that change the connection are refused, and nothing changes",
          arguments: [
            ("INSERT INTO exchanges (id, started_at_ms, record_json) VALUES ('x', 1, '{}')", "INSERT INTO exchanges"),
            ("INSERT INTO exchange_rows (id, started_at_ms, record_json) VALUES ('x', 1, '{}')", "INSERT INTO exchange_rows"),
            ("REPLACE INTO exchange_rows (id, started_at_ms, record_json) VALUES ('01S1', 1, '{}')", "INSERT INTO exchange_rows"),
            ("UPDATE exchanges SET outcome = 'ok'", "UPDATE exchanges"),
            ("UPDATE exchange_rows SET outcome = 'ok'", "UPDATE exchange_rows"),
            ("DELETE FROM exchanges", "DELETE FROM exchanges"),
            ("DELETE FROM exchange_rows", "DELETE FROM exchange_rows"),
            ("WITH doomed AS (SELECT id FROM exchanges) DELETE FROM exchange_rows WHERE id IN doomed", "DELETE FROM exchange_rows"),
            ("/* harmless? */ DROP TABLE exchange_rows", "DROP TABLE exchange_rows"),
            ("DROP TABLE exchanges", "DROP TABLE exchanges"),
            ("DROP VIEW exchanges", "DROP VIEW exchanges"),
            ("CREATE TABLE notes (x)", "CREATE TABLE notes"),
            ("CREATE TEMP VIEW v AS SELECT 1", "CREATE VIEW v"),
            ("ALTER TABLE exchange_rows ADD COLUMN y", "ALTER TABLE"),
            ("ATTACH DATABASE '/tmp/lessllm-other.db' AS other", "ATTACH"),
            ("BEGIN", "BEGIN (transactions)"),
            ("SAVEPOINT s", "SAVEPOINT"),
            ("PRAGMA query_only = 0", "PRAGMA query_only = 0"),
            ("PRAGMA user_version = 9", "PRAGMA user_version = 9"),
            ("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode = DELETE"),
            ("PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint"),
            ("ANALYZE", "ANALYZE"),
            ("REINDEX", "REINDEX"),
            ("SELECT load_extension('/tmp/evil.so')", "the function load_extension()"),
          ])
    func writesRefused(statement: String, what: String) throws {
        let sink = try Self.fixture()
        let failure = try sink.failure(#"{"kind":"sql","sql":\#(JSONString.quoted(statement))}"#)
        #expect(failure.status == LESSLLM_E_INVALID_REQUEST)
        #expect(failure.message == "the SQL console is read-only: \(what) is not allowed")
        try Self.expectUnchanged(sink)
    }

    @Test("the view `exchanges` refuses changes from any connection, naming the table that holds the rows")
    func viewRefusesChanges() throws {
        let sink = try Self.fixture()
        let file = try sink.file()
        for statement in ["INSERT INTO exchanges (id, started_at_ms, record_json) VALUES ('x', 1, '{}')",
                          "UPDATE exchanges SET outcome = 'ok'", "DELETE FROM exchanges"] {
            let failure = #expect(throws: SQLiteFile.Failure.self, "\(statement)") { try file.rows(statement) }
            #expect(failure?.description == "exchanges is a read-only view: rows are stored in exchange_rows in \(statement)")
        }
        #expect(throws: SQLiteFile.Failure.self) { try file.rows("ALTER TABLE exchanges ADD COLUMN y") }
        try Self.expectUnchanged(sink)
    }

    /// The fixture's file as it was made: three rows, the schema (a table, six indexes, the view and its three
    /// triggers), the version.
    static func expectUnchanged(_ sink: SinkFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = try sink.file()
        #expect(try file.value("SELECT count(*) FROM exchanges") == .integer(3), sourceLocation: sourceLocation)
        #expect(try file.value("SELECT count(*) FROM sqlite_master") == .integer(11), sourceLocation: sourceLocation)
        #expect(try file.value("PRAGMA user_version") == .integer(3), sourceLocation: sourceLocation)
        #expect(try file.value("PRAGMA journal_mode") == .text("wal"), sourceLocation: sourceLocation)
    }

    @Test("VACUUM (also VACUUM INTO another file) is refused as a non-SELECT statement")
    func vacuumRefused() throws {
        let sink = try Self.fixture()
        let copy = sink.folder.appendingPathComponent("copy.db").path
        for statement in ["VACUUM", "VACUUM INTO '\(copy)'"] {
            let failure = try sink.failure(#"{"kind":"sql","sql":\#(JSONString.quoted(statement))}"#)
            #expect(failure.status == LESSLLM_E_INVALID_REQUEST)
            #expect(failure.message.hasPrefix("the SQL console is read-only"))
        }
        #expect(!FileManager.default.fileExists(atPath: copy))
    }

    @Test("more than one statement is refused, whatever the second one is")
    func multipleStatements() throws {
        let sink = try Self.fixture()
        for text in ["SELECT 1; SELECT 2", "SELECT 1; DROP TABLE exchanges", "SELECT 1;\n-- c\nDELETE FROM exchanges;",
                     "SELECT 1; garbage"] {
            let failure = try sink.failure(#"{"kind":"sql","sql":\#(JSONString.quoted(text))}"#)
            #expect(failure.status == LESSLLM_E_INVALID_REQUEST)
            #expect(failure.message == "the SQL console runs one statement at a time; remove everything after the first ';'")
        }
        #expect(try sink.storedCount() == 3)
    }

    @Test("SQL errors and empty SQL are reported with SQLite's message")
    func sqlErrors() throws {
        let sink = try Self.fixture()
        let syntax = try sink.failure(#"{"kind":"sql","sql":"SELEC 1"}"#)
        #expect(syntax.status == LESSLLM_E_INVALID_REQUEST)
        #expect(syntax.message == #"SQL error: near "SELEC": syntax error"#)
        let missing = try sink.failure(#"{"kind":"sql","sql":"SELECT nope FROM exchanges"}"#)
        #expect(missing.message == "SQL error: no such column: nope")
        let comment = try sink.failure(#"{"kind":"sql","sql":"-- nothing here"}"#)
        #expect(comment.message == "the SQL holds no statement (only comments or whitespace)")
        let blank = try sink.failure(#"{"kind":"sql","sql":"  \n "}"#)
        #expect(blank.message == #"a sql query needs "sql": one SELECT statement"#)
    }
}
