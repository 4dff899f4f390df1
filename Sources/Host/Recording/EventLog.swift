/// A growing log of stream events with their arrival times, kept in one contiguous byte buffer so that recording
/// an event on the relay path costs two appends and no allocation of its own.
struct EventLog: Sendable {
    struct Entry: Sendable {
        /// Monotonic time the event was seen.
        var at: UInt64
        var typeRange: Range<Int>
        var dataRange: Range<Int>
    }

    private(set) var bytes: [UInt8] = []
    private(set) var entries: [Entry] = []

    /// An empty log.
    init() {}

    /// A log restored from its parts (the journal).
    init(bytes: [UInt8], entries: [Entry]) {
        self.bytes = bytes
        self.entries = entries
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// Records one event.
    mutating func append(at time: UInt64, type: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) {
        let typeStart = bytes.count
        bytes.append(contentsOf: type)
        let dataStart = bytes.count
        bytes.append(contentsOf: data)
        entries.append(Entry(at: time, typeRange: typeStart..<dataStart, dataRange: dataStart..<bytes.count))
    }

    /// The event's type as text.
    func type(of entry: Entry) -> String { String(decoding: bytes[entry.typeRange], as: UTF8.self) }

    /// The event's data.
    func data(of entry: Entry) -> ArraySlice<UInt8> { bytes[entry.dataRange] }
}
