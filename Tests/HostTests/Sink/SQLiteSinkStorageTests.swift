import Foundation
import JSONCore
import PluginABI
import Synchronization
import Testing

@testable import Host

/// `sink:log`: what lands in the file, one transaction per batch, idempotence, and the options.
@Suite("SQLite sink: storing records")
struct SQLiteSinkStorageTests {
    @Test("a batch is stored with every indexed column and the JSON parts taken from the record")
    func storesColumns() throws {
        let sink = try SinkFixture()
        var first = TestRecord(id: "01AAA", startedAtMs: baseTimeMs + 5)
        first.model = "claude-sonnet-4-5"
        first.upstreamModel = "gpt-4o"
        first.clientDialect = "anthropic.messages"
        first.stream = true
        first.input = 120
        first.output = 45
        first.cacheRead = 2000
        first.cacheWrite = 7
        first.reasoning = 3
        first.cost = 0.00123
        first.cacheSavings = 0.0025
        first.ttftMs = 130.2
        first.totalMs = 1500
        first.tpotMs = 12.1
        var second = TestRecord(id: "01AAB", startedAtMs: baseTimeMs + 9)
        second.outcome = "upstream_error"
        second.status = 502
        second.errorMessage = "upstream said no"
        second.cost = nil
        second.ttftMs = nil

        #expect(try sink.log([first, second]) == ["stored": 2, "skipped": 0])

        let file = try sink.file()
        let row = try file.row("SELECT * FROM exchanges WHERE id = '01AAA'")
        let expected: [String: SQLiteFile.Value] = [
            "started_at_ms": .integer(Int64(baseTimeMs + 5)), "client_dialect": .text("anthropic.messages"),
            "provider": .text("openai"), "upstream_dialect": .text("openai.chat"),
            "requested_model": .text("claude-sonnet-4-5"), "upstream_model": .text("gpt-4o"), "converted": .integer(1),
            "stream": .integer(1), "outcome": .text("ok"), "status": .integer(200), "upstream_status": .integer(200),
            "method": .text("POST"), "path": .text("/v1/chat/completions"), "client_ip": .text("127.0.0.1"),
            "user_agent": .text("OpenAI/Python 1.54.0"), "request_bytes": .integer(321), "response_bytes": .integer(654),
            "input_tokens": .integer(120), "output_tokens": .integer(45), "cache_read_tokens": .integer(2000),
            "cache_write_tokens": .integer(7), "reasoning_tokens": .integer(3), "tokens_estimated": .integer(0),
            "cost_total": .real(0.00123), "cache_savings": .real(0.0025), "upstream_ttfb_ms": .real(80.5),
            "ttft_ms": .real(130.2), "tpot_ms": .real(12.1), "total_ms": .real(1500),
            "gateway_overhead_ms": .real(0.4), "output_tokens_per_second": .real(82.6), "error_message": .null,
            "upstream_request_json": .null, "raw_events_json": .null, "error_json": .null,
        ]
        for (column, value) in expected {
            #expect(row[column] == value, "column \(column)")
        }
        let json = first.json
        for (column, part) in [("request_json", "request"), ("response_json", "response"), ("http_json", "http"),
                               ("timing_json", "timing"), ("usage_json", "usage"), ("cost_json", "cost")] {
            guard case .text(let text)? = row[column] else {
                Issue.record("\(column) is not text")
                continue
            }
            #expect(try JSONValue(parsing: text) == json[part], "column \(column)")
        }
        #expect(row["record_json"] == .text(json.serialized()))

        let failed = try file.row("SELECT outcome, status, error_message, cost_total, ttft_ms, json_extract(error_json, '$.type') AS type FROM exchanges WHERE id = '01AAB'")
        #expect(failed["outcome"] == .text("upstream_error"))
        #expect(failed["status"] == .integer(502))
        #expect(failed["error_message"] == .text("upstream said no"))
        #expect(failed["cost_total"] == .null)
        #expect(failed["ttft_ms"] == .null)
        #expect(failed["type"] == .text("api_error"))
    }

    @Test("each record is stored once: the view gives every JSON part byte for byte as the record holds it")
    func storesRecordOnce() throws {
        let sink = try SinkFixture()
        var record = TestRecord(id: "01ONCE", startedAtMs: baseTimeMs)
        record.prompt = "na\u{EF}ve \"quoted\" back\\slash \u{1F600} tab\tline\nbreak \u{1} </script>"
        record.answer = "1.5e-7 is small; \u{2028} is a separator"
        record.errorMessage = "upstream said \"no\""
        record.cost = 0.000000123
        #expect(try sink.log([record]) == ["stored": 1, "skipped": 0])

        let file = try sink.file()
        let parts = ["request_json", "upstream_request_json", "response_json", "http_json", "timing_json",
                     "usage_json", "cost_json", "raw_events_json", "error_json"]
        let stored = try file.row("SELECT " + parts.joined(separator: ", ") + ", record_json FROM exchange_rows")
        for column in parts {
            #expect(stored[column] == .null, "\(column) is stored beside the record")
        }
        let json = record.json
        let whole = json.serialized()
        #expect(stored["record_json"] == .text(whole))
        let view = try file.row("SELECT " + parts.joined(separator: ", ") + " FROM exchanges WHERE id = '01ONCE'")
        for column in parts {
            let part = json[String(column.dropLast("_json".count))]!
            if part == .null {
                #expect(view[column] == .null, "column \(column)")
            } else {
                // The very text of the part inside the record: the record is written compactly, and the view's
                // reading of it (SQLite's `->`) gives back what it read.
                #expect(view[column] == .text(part.serialized()), "column \(column)")
                #expect(whole.contains(part.serialized()), "column \(column)")
            }
        }
    }

    @Test("a replayed record is never stored twice, across batches and within one")
    func idempotent() throws {
        let sink = try SinkFixture()
        let records = (1...3).map { TestRecord(id: "01R\($0)", startedAtMs: baseTimeMs + $0) }
        #expect(try sink.log(records) == ["stored": 3, "skipped": 0])
        var changed = records[1]
        changed.answer = "a different answer"
        #expect(try sink.log([changed] + records + [TestRecord(id: "01R4", startedAtMs: baseTimeMs + 4)])
            == ["stored": 1, "skipped": 4])
        #expect(try sink.storedCount() == 4)
        // The first copy stays: a replay does not overwrite.
        #expect(try sink.file().value("SELECT json_extract(response_json, '$.choices[0].message.content') FROM exchanges WHERE id = '01R2'")
            == .text("hi there"))
        let duplicateInBatch = TestRecord(id: "01R5", startedAtMs: baseTimeMs + 5)
        #expect(try sink.log([duplicateInBatch, duplicateInBatch]) == ["stored": 1, "skipped": 1])
        #expect(try sink.log([]) == ["stored": 0, "skipped": 0])
        #expect(try sink.storedCount() == 5)
    }

    @Test("a malformed record anywhere in a batch refuses the whole batch, naming the record and the field")
    func malformedBatch() throws {
        let sink = try SinkFixture()
        let good = TestRecord(id: "01G1", startedAtMs: baseTimeMs).json.serialized()
        let good2 = TestRecord(id: "01G2", startedAtMs: baseTimeMs).json.serialized()
        var badUsage = TestRecord(id: "01BAD", startedAtMs: baseTimeMs).json.objectValue!
        badUsage["usage"] = ["input": "12"]
        let cases: [(body: String, message: String)] = [
            ("[\(good),\(JSONValue.object(badUsage).serialized()),\(good2)]",
             #"record 2 of 3 (id 01BAD): usage.input must be an integer, got a string ("12")"#),
            (#"[\#(good),{"started_at_ms":1}]"#, #"record 2 of 2 has no "id" (a non-empty string is required)"#),
            (#"[\#(good),{"id":"x","started_at_ms":"soon"}]"#,
             #"record 2 of 2 (id x): started_at_ms must be an integer, got a string ("soon")"#),
            (#"[{"id":"x"}]"#, "record 1 of 1 (id x): started_at_ms is required (Unix milliseconds)"),
            (#"[{"id":"x","started_at_ms":1,"usage":[1]}]"#, "record 1 of 1 (id x): usage must be an object, got an array"),
            (#"[{"id":"x","started_at_ms":1,"stream":"yes"}]"#,
             #"record 1 of 1 (id x): stream must be true or false, got a string ("yes")"#),
            (#"[{"id":"x","started_at_ms":1,"timing":{"ttft_ms":"fast"}}]"#,
             #"record 1 of 1 (id x): timing.ttft_ms must be a number, got a string ("fast")"#),
            (#"[{"id":"x","started_at_ms":1,"http":{"status":200,"upstream":{"status":"200"}}}]"#,
             #"record 1 of 1 (id x): http.upstream.status must be an integer, got a string ("200")"#),
            (#"[{"id":"x","started_at_ms":1,"http":{"upstream":7}}]"#,
             "record 1 of 1 (id x): http.upstream must be an object, got a number (7)"),
            (#"[{"id":"x","started_at_ms":1.5}]"#,
             "record 1 of 1 (id x): started_at_ms must be an integer, got a number (1.5)"),
            (#"[{"id":"x","started_at_ms":99999999999999999999}]"#,
             "record 1 of 1 (id x): started_at_ms must be an integer, got a number (99999999999999999999)"),
            (#"[\#(good), 7]"#, "record 2 of 2 must be a JSON object, got a number (7)"),
            (#"{"id":"x"}"#, "sink:log expects a JSON array of exchange records, got an object"),
        ]
        for (body, message) in cases {
            let failure = try sink.failure(op: "sink:log", body)
            #expect(failure.status == LESSLLM_E_INVALID_REQUEST)
            #expect(failure.message == message)
        }
        let notJSON = try sink.failure(op: "sink:log", "[{")
        #expect(notJSON.message.hasPrefix("sink:log expects a JSON array of exchange records; the body is not valid JSON: "))
        #expect(try sink.storedCount() == 0)
    }

    @Test("a batch is one transaction: a database failure on a later record leaves nothing of the batch stored")
    func oneTransactionPerBatch() throws {
        let sink = try SinkFixture()
        try sink.log([TestRecord(id: "01BEFORE", startedAtMs: baseTimeMs)])
        // A trigger that fails the insert of one particular record, after others of its batch went in.
        try sink.file().rows("""
            CREATE TRIGGER refuse_poison BEFORE INSERT ON exchange_rows WHEN NEW.id = '01POISON'
            BEGIN SELECT RAISE(ABORT, 'poisoned record'); END
            """)
        let batch = TestRecord.batch([
            TestRecord(id: "01OK1", startedAtMs: baseTimeMs + 1), TestRecord(id: "01OK2", startedAtMs: baseTimeMs + 2),
            TestRecord(id: "01POISON", startedAtMs: baseTimeMs + 3), TestRecord(id: "01OK3", startedAtMs: baseTimeMs + 4),
        ])
        let failure = try sink.failure(op: "sink:log", batch)
        #expect(failure.status == LESSLLM_E_INTERNAL)
        #expect(failure.message.contains("cannot store 4 records"))
        #expect(failure.message.contains("nothing of the batch was stored"))
        #expect(failure.message.contains("record 01POISON: poisoned record"))
        #expect(try sink.file().rows("SELECT id FROM exchanges") == [[.text("01BEFORE")]])

        // The writer is usable afterwards; the same batch goes in whole once the obstacle is gone.
        try sink.file().rows("DROP TRIGGER refuse_poison")
        #expect(try sink.log([]) == ["stored": 0, "skipped": 0])
        let (_, output, _) = sink.harness.open(op: "sink:log", body: batch)
        #expect(output.body == #"{"stored":4,"skipped":0}"#)
        #expect(try sink.storedCount() == 5)
    }

    @Test("the database is in WAL mode, private to its owner, and readable by other connections during writes")
    func walModeAndPermissions() throws {
        let sink = try SinkFixture(file: "nested/deeper/logs.db")
        try sink.log([TestRecord(id: "01W", startedAtMs: baseTimeMs)])
        #expect(try sink.file().value("PRAGMA journal_mode") == .text("wal"))
        #expect(FileManager.default.fileExists(atPath: sink.databasePath + "-wal"))
        let attributes = try FileManager.default.attributesOfItem(atPath: sink.databasePath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: sink.folder.appendingPathComponent("nested").path)
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test("writes and queries from several threads at once all succeed")
    func concurrentWritesAndReads() throws {
        let sink = try SinkFixture()
        let harness = sink.harness
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for batch in 0..<5 {
                let records = (0..<10).map { index in
                    TestRecord(id: "01C\(worker)-\(batch)-\(index)", startedAtMs: baseTimeMs + worker * 1000 + batch * 10 + index)
                }
                let (_, output, _) = harness.open(op: "sink:log", body: TestRecord.batch(records))
                let (_, query, _) = harness.open(op: "sink:query", body: worker % 2 == 0
                    ? #"{"kind":"list","limit":5}"# : #"{"kind":"aggregate","group_by":"model"}"#)
                if !output.failures.isEmpty || !query.failures.isEmpty {
                    failures.withLock { $0.append("\(output.failures) \(query.failures)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(try sink.storedCount() == 16 * 5 * 10)
    }
}

/// Configuration: options and databases that cannot be used are refused at create with a clear reason.
@Suite("SQLite sink: configuration")
struct SQLiteSinkConfigurationTests {
    @Test("unknown options are all listed; values of the wrong type are named")
    func badOptions() throws {
        #expect(try sinkCreationFailure(#"{"options":{"path":"/tmp/x.db","pth":"y","timeout":1}}"#)
            .hasSuffix("unknown options 'pth', 'timeout' (valid options: path, busy_timeout_ms)"))
        #expect(try sinkCreationFailure(#"{"options":{"busy_timeout_ms":"5s"}}"#)
            .hasSuffix(#"options.busy_timeout_ms must be an integer from 0 to 600000, got a string ("5s")"#))
        #expect(try sinkCreationFailure(#"{"options":{"path":42}}"#)
            .hasSuffix("options.path must be a non-empty file path, got a number (42)"))
        #expect(try sinkCreationFailure(#"{"options":{"path":":memory:"}}"#)
            .hasSuffix("options.path must be a database file, not ':memory:': the sink's writer, reader and SQL "
                + "console connections share one file"))
        #expect(try sinkCreationFailure(#"{"options":{"path":"file:logs.db?mode=ro"}}"#)
            .hasSuffix("options.path must be a plain file path, not a URI ('file:logs.db?mode=ro')"))
        #expect(try sinkCreationFailure(#"{"options":["path"]}"#)
            .hasSuffix("options must be a mapping (valid options: path, busy_timeout_ms)"))
    }

    @Test("a path that cannot be opened, or a file that is not a database, is refused with SQLite's reason")
    func unusableFiles() throws {
        let folder = try TestPaths.temporaryFolder("sqlite-sink")
        let plain = folder.appendingPathComponent("notes.txt").path
        try "just some text, long enough to fill the header of a database file........\n"
            .write(toFile: plain, atomically: true, encoding: .utf8)
        let underFile = plain + "/logs.db"
        #expect(try sinkCreationFailure(#"{"options":{"path":\#(JSONString.quoted(underFile))}}"#)
            .hasSuffix("cannot open database '\(underFile)': Not a directory"))
        #expect(try sinkCreationFailure(#"{"options":{"path":\#(JSONString.quoted(plain))}}"#)
            .hasSuffix("cannot open database '\(plain)': file is not a database"))
        #expect(try String(contentsOfFile: plain, encoding: .utf8).hasPrefix("just some text"))
    }
}
