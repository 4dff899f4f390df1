/// A growing log of stream events with their arrival times, kept in one contiguous byte buffer so that recording
/// an event on the relay path costs two appends and no allocation of its own.
///
/// The bytes kept are capped (`byteLimit`): past it, events are still timed but their data is not kept, and
/// `overflowed` says the record holds only the beginning of the response — a 200 MiB stream must not cost the
/// gateway 200 MiB twice over.
///
/// A log may keep the data of only its most recent events (`keepingDataOfLast`): in passthrough the client's log
/// already holds every event, and only the upstream's tail (where a held-back usage chunk sits) adds anything.
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

    /// How many of the latest events keep their data; nil for all.
    private let dataWindow: Int?
    /// The first entry whose data is still kept.
    private var firstKept = 0

    /// An empty log keeping the data of every event, or of only the latest `window` events.
    init(keepingDataOfLast window: Int? = nil) {
        dataWindow = window
    }

    /// A log restored from its parts (the journal).
    init(bytes: [UInt8], entries: [Entry]) {
        self.bytes = bytes
        self.entries = entries
        dataWindow = nil
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
        if let dataWindow, entries.count - firstKept > 2 * dataWindow { dropDataBefore(entries.count - dataWindow) }
    }

    /// Keeps the data of entries from `index` on, moving it to the front of a fresh buffer (amortised: this runs
    /// once every `dataWindow` events and copies `dataWindow` events).
    private mutating func dropDataBefore(_ index: Int) {
        var kept: [UInt8] = []
        for position in firstKept..<entries.count {
            guard position >= index else {
                entries[position].typeRange = 0..<0
                entries[position].dataRange = 0..<0
                continue
            }
            let typeStart = kept.count
            kept.append(contentsOf: bytes[entries[position].typeRange])
            let dataStart = kept.count
            kept.append(contentsOf: bytes[entries[position].dataRange])
            entries[position].typeRange = typeStart..<dataStart
            entries[position].dataRange = dataStart..<kept.count
        }
        bytes = kept
        firstKept = index
    }

    /// The event's type as text.
    func type(of entry: Entry) -> String { String(decoding: bytes[entry.typeRange], as: UTF8.self) }

    /// The event's data.
    func data(of entry: Entry) -> ArraySlice<UInt8> { bytes[entry.dataRange] }
}
