import Testing

@testable import Host

@Suite("Event log")
struct EventLogTests {
    static func append(_ log: inout EventLog, _ index: Int) {
        Array("t\(index)".utf8).withUnsafeBytes { type in
            Array("data \(index)".utf8).withUnsafeBytes { log.append(at: UInt64(index), type: type, data: $0) }
        }
    }

    @Test("an event logged by its time alone keeps no bytes; its neighbours keep theirs")
    func timeOnly() {
        var log = EventLog()
        Self.append(&log, 0)
        log.append(at: 1)
        Self.append(&log, 2)
        #expect(log.entries.map(\.at) == [0, 1, 2])
        #expect(log.entries.map { String(decoding: log.data(of: $0), as: UTF8.self) } == ["data 0", "", "data 2"])
        #expect(log.type(of: log.entries[1]) == "" && log.type(of: log.entries[2]) == "t2")
        #expect(log.bytes.count == "t0data 0t2data 2".utf8.count)
    }

    @Test("loggedOnly: exactly one event since the count, with exactly these bytes")
    func loggedOnly() {
        var log = EventLog()
        Self.append(&log, 0)
        Array("data 0".utf8).withUnsafeBytes { data in
            #expect(log.loggedOnly(data, since: 0))
            #expect(!log.loggedOnly(data, since: 1), "nothing was logged since one event")
        }
        Array("data 1".utf8).withUnsafeBytes { #expect(!log.loggedOnly($0, since: 0), "other bytes") }
        Array("data".utf8).withUnsafeBytes { #expect(!log.loggedOnly($0, since: 0), "a prefix") }
        Self.append(&log, 1)
        Array("data 1".utf8).withUnsafeBytes { data in
            #expect(log.loggedOnly(data, since: 1))
            #expect(!log.loggedOnly(data, since: 0), "two events since")
        }
    }

    @Test("a log keeps every event's data")
    func everything() {
        var log = EventLog()
        for index in 0..<20 { Self.append(&log, index) }
        #expect(log.entries.map { String(decoding: log.data(of: $0), as: UTF8.self) } == (0..<20).map { "data \($0)" })
    }
}
