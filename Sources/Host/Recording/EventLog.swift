import JSONCore

/// A growing log of stream events with their arrival times, kept in one contiguous byte buffer so that recording
/// an event on the relay path costs two appends and no allocation of its own.
///
/// The bytes kept are capped (`byteLimit`): past it, events are still timed but their data is not kept, and
/// `overflowed` says the record holds only the beginning of the response — a 200 MiB stream must not cost the
/// gateway 200 MiB twice over.
///
/// An event may also be logged by its time alone (`append(at:)`) when another log holds its data: in passthrough
/// the client's log has every event the client received unchanged, and the upstream's keeps the data of the others
/// only (a usage chunk held back from the client).
struct EventLog: Sendable {
    /// The most bytes one log keeps.
    static let byteLimit = 16 << 20

    struct Entry: Sendable {
        /// Monotonic time the event was seen.
        var at: UInt64
        var typeRange: Range<Int>
        var dataRange: Range<Int>
    }

    private(set) var bytes: [UInt8] = []
    private(set) var entries: [Entry] = []
    /// Whether data was dropped because of the byte limit.
    private(set) var overflowed = false

    init() {}

    /// A log restored from its parts (the journal).
    init(bytes: [UInt8], entries: [Entry]) {
        self.bytes = bytes
        self.entries = entries
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    /// About how much memory the log holds (its buffers' capacities).
    var approximateBytes: Int { bytes.capacity + entries.capacity * MemoryLayout<Entry>.stride }

    /// Records one event.
    mutating func append(at time: UInt64, type: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) {
        guard bytes.count + type.count + data.count <= Self.byteLimit else {
            overflowed = true
            entries.append(Entry(at: time, typeRange: bytes.count..<bytes.count, dataRange: bytes.count..<bytes.count))
            return
        }
        let typeStart = bytes.count
        bytes.append(contentsOf: type)
        let dataStart = bytes.count
        bytes.append(contentsOf: data)
        entries.append(Entry(at: time, typeRange: typeStart..<dataStart, dataRange: dataStart..<bytes.count))
    }

    /// Records one event by its time alone (its data is in another log).
    mutating func append(at time: UInt64) {
        entries.append(Entry(at: time, typeRange: bytes.count..<bytes.count, dataRange: bytes.count..<bytes.count))
    }

    /// Whether exactly one event was logged since the log held `count` events, with `data` as its data.
    func loggedOnly(_ data: UnsafeRawBufferPointer, since count: Int) -> Bool {
        guard entries.count == count + 1, let last = entries.last else { return false }
        return bytes.withUnsafeBytes { ByteSearch.equal(UnsafeRawBufferPointer(rebasing: $0[last.dataRange]), data) }
    }

    /// The event's type as text.
    func type(of entry: Entry) -> String { String(decoding: bytes[entry.typeRange], as: UTF8.self) }

    /// The event's data.
    func data(of entry: Entry) -> ArraySlice<UInt8> { bytes[entry.dataRange] }
}
