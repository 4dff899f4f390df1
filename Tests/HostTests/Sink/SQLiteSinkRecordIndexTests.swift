import JSONCore
import PluginABI
import Testing

@testable import Host

/// The SQLite sink storing a batch from the host's field index (ABI 1.1 `record_fields`) instead of walking each
/// record: the rows must be the same to the byte, and an index that does not describe its batch must be refused.
@Suite("SQLite sink: the host's record index")
struct SQLiteSinkRecordIndexTests {
    /// Records that differ in every way the columns can: nulls, an error, a stream, escapes in strings.
    static func records() -> [TestRecord] {
        var first = TestRecord(id: "01IDX1", startedAtMs: baseTimeMs + 1)
        first.stream = true
        first.cacheRead = 900
        first.prompt = "quote \" backslash \\ newline \n é"
        var second = TestRecord(id: "01IDX2", startedAtMs: baseTimeMs + 2)
        second.outcome = "upstream_error"
        second.status = 502
        second.errorMessage = "upstream said \"no\""
        second.cost = nil
        second.ttftMs = nil
        second.tpotMs = nil
        second.provider = nil
        var third = TestRecord(id: "01IDX3", startedAtMs: baseTimeMs + 3)
        third.clientDialect = "anthropic.messages"
        third.estimated = true
        third.model = "modèle-été"  // not ASCII: decoded, not bound from the batch
        third.upstreamModel = ""
        third.errorMessage = "tab\there\u{7F}"
        return [first, second, third]
    }

    /// The index of `body` as the host builds it, computed here independently: json_find's range for each field's
    /// path in each record, none for a null value.
    static func index(of body: [UInt8]) throws -> [Range<Int>?] {
        let records = try #require(try JSONScanner.topLevelElements(in: body))
        var fields: [Range<Int>?] = []
        for record in records {
            var entries = [Range<Int>?](repeating: nil, count: Int(LESSLLM_RECORD_FIELD_COUNT))
            entries[Int(LESSLLM_RECORD_WHOLE)] = record
            for (field, path) in RecordTextTests.paths {
                let found = try body.withUnsafeBytes {
                    try JSONScanner.find(path: path, in: UnsafeRawBufferPointer(rebasing: $0[record]))
                }
                guard let found, body[record.lowerBound + found.lowerBound] != UInt8(ascii: "n") else { continue }
                entries[Int(field)] = record.lowerBound + found.lowerBound..<record.lowerBound + found.upperBound
            }
            fields += entries
        }
        return fields
    }

    @Test("a batch stored from the host's index gives the same rows, column for column, as one walked by the sink")
    func indexedBatchStoresTheSameRows() throws {
        let body = TestRecord.batch(Self.records())
        let walked = try SinkFixture()
        let indexed = try SinkFixture()
        #expect(try walked.log(Self.records()) == ["stored": 3, "skipped": 0])
        let (_, output, _) = indexed.harness.open(op: "sink:log", body: body, recordFields: try Self.index(of: Array(body.utf8)))
        #expect(output.failures.isEmpty, "\(output.failures)")
        #expect(try JSONValue(parsing: output.body) == ["stored": 3, "skipped": 0])
        for record in Self.records() {
            let query = "SELECT * FROM exchanges WHERE id = '\(record.id)'"
            let expected = try walked.file().row(query)
            #expect(expected.count == 44)
            #expect(try indexed.file().row(query) == expected, "\(record.id)")
        }
        let second = try indexed.file().row("SELECT error_message, cost_total, provider FROM exchanges WHERE id = '01IDX2'")
        #expect(second["error_message"] == .text(#"upstream said "no""#))
        #expect(second["cost_total"] == .null)
        #expect(second["provider"] == .null)
        // Text bound from the batch in place, and text decoded from escapes or non-ASCII bytes, read back exactly.
        let third = try indexed.file().row(
            "SELECT id, requested_model, upstream_model, error_message, outcome, path FROM exchanges WHERE id = '01IDX3'")
        #expect(third["id"] == .text("01IDX3"))
        #expect(third["requested_model"] == .text("modèle-été"))
        #expect(third["upstream_model"] == .text(""))
        #expect(third["error_message"] == .text("tab\there\u{7F}"))
        #expect(third["outcome"] == .text("ok"))
        #expect(third["path"] == .text("/v1/chat/completions"))
        let ids = try indexed.file().rows("SELECT id FROM exchanges ORDER BY id").map { $0.first }
        #expect(ids == [.text("01IDX1"), .text("01IDX2"), .text("01IDX3")])
    }

    @Test("an index that does not describe its batch is refused with the reason, and nothing is stored")
    func mismatchedIndexIsRefused() throws {
        let body = TestRecord.batch(Self.records())
        let good = try Self.index(of: Array(body.utf8))
        let count = Int(LESSLLM_RECORD_FIELD_COUNT)
        var outside = good
        outside[count + Int(LESSLLM_RECORD_REQUEST)] = body.utf8.count - 2..<body.utf8.count + 40
        var shifted = good
        shifted[2 * count + Int(LESSLLM_RECORD_WHOLE)] = good[count + Int(LESSLLM_RECORD_WHOLE)]
        var huge = good
        huge[Int(LESSLLM_RECORD_RESPONSE)] = 10..<Int.max
        var inner = good  // inside the batch and starting with a brace, but not where the second record begins
        inner[count + Int(LESSLLM_RECORD_WHOLE)] = good[count + Int(LESSLLM_RECORD_HTTP)]
        var mistyped = good
        mistyped[Int(LESSLLM_RECORD_INPUT_TOKENS)] = good[Int(LESSLLM_RECORD_OUTCOME)]
        let cases: [([Range<Int>?], String)] = [
            (Array(good.prefix(2 * count)), "sink:log: the host's record index covers 2 records, the batch holds more"),
            (good + good.suffix(count), "sink:log: the host's record index covers 4 records, the batch holds 3"),
            (inner, "record 2 of 3: the host's record index does not match the batch's records"),
            (outside, "record 2 of 3: the host's record index places request outside the batch"),
            (shifted, "record 3 of 3: the host's record index does not match the batch's records"),
            (huge, "record 1 of 3: the host's record index places response outside the batch"),
            (mistyped, #"record 1 of 3 (id 01IDX1): usage.input must be an integer, got a string ("ok")"#),
        ]
        let sink = try SinkFixture()
        for (fields, message) in cases {
            let (_, output, _) = sink.harness.open(op: "sink:log", body: body, recordFields: fields)
            #expect(output.events.isEmpty)
            #expect(output.failures.first?.0 == LESSLLM_E_INVALID_REQUEST)
            #expect(output.failures.first?.1 == message)
        }
        #expect(try sink.storedCount() == 0)
    }

    @Test("a host of ABI 1.0 (in C, its shorter arguments ending at an unreadable page) stores a batch: the sink reads nothing past their size")
    func olderHostIsServed() throws {
        let folder = try TestPaths.temporaryFolder("abi10-host")
        let program = folder.appendingPathComponent("abi10_host").path
        let compile = try Subprocess.run(
            "/usr/bin/env", ["cc", "-std=c11", "-Wall", "-Werror", "-I", TestPaths.abiInclude, "-o", program,
                             TestPaths.fixture("plugins/abi10_host.c"), "-ldl"])
        #expect(compile.status == 0, "\(compile.stderr)")
        let database = folder.appendingPathComponent("logs.db").path
        let config = #"{"name":"sqlite","options":{"path":\#(JSONString.quoted(database))}}"#
        let run = try Subprocess.run(program, [TestPaths.plugin("SQLiteSink"), config, TestRecord.batch(Self.records())])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout == "emit: {\"stored\":3,\"skipped\":0}\nopen: 0\n")
        let row = try SQLiteFile(database).row("SELECT error_message, input_tokens, stream FROM exchanges WHERE id = '01IDX2'")
        #expect(row["error_message"] == .text(#"upstream said "no""#))
        #expect(row["input_tokens"] == .integer(100))
        #expect(row["stream"] == .integer(0))
    }
}
