import Testing

@testable import Host

@Suite("Event log")
struct EventLogTests {
    static func append(_ log: inout EventLog, _ index: Int) {
        Array("t\(index)".utf8).withUnsafeBytes { type in
            Array("data \(index)".utf8).withUnsafeBytes { log.append(at: UInt64(index), type: type, data: $0) }
        }
    }

    @Test("a windowed log times every event but keeps the data of the latest ones only")
    func window() {
        var log = EventLog(keepingDataOfLast: 3)
        for index in 0..<20 { Self.append(&log, index) }
        #expect(log.count == 20)
        #expect(log.entries.map(\.at) == (0..<20).map(UInt64.init))
        let kept = log.entries.map { String(decoding: log.data(of: $0), as: UTF8.self) }
        #expect(Array(kept.suffix(3)) == ["data 17", "data 18", "data 19"])
        #expect(kept.prefix(14).allSatisfy { $0.isEmpty })
        #expect(log.type(of: log.entries[19]) == "t19")
        #expect(log.bytes.count < 6 * 10)  // only a few events' bytes are held
    }

    @Test("an unwindowed log keeps everything")
    func everything() {
        var log = EventLog()
        for index in 0..<20 { Self.append(&log, index) }
        #expect(log.entries.map { String(decoding: log.data(of: $0), as: UTF8.self) } == (0..<20).map { "data \($0)" })
    }
}
