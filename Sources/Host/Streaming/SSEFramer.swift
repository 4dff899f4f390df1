import JSONCore

/// Splits a byte stream into whole Server-Sent Events, whatever the chunk boundaries.
///
/// Each event is handed out as borrowed views: `raw` is the exact bytes of the block including its terminating
/// blank line (so passthrough can forward it unchanged), `type` the `event:` field, `data` the `data:` lines
/// joined with "\n". Comment-only blocks are handed out too (empty type and data). Lines may end in LF, CRLF or CR.
///
/// The common case — a chunk holding whole events while nothing is pending — is parsed in place without copying.
/// Not thread-safe: one framer per stream, used on that stream's event loop.
struct SSEFramer {
    /// One event, valid only during the callback that receives it.
    struct Event {
        var type: UnsafeRawBufferPointer
        var data: UnsafeRawBufferPointer
        var raw: UnsafeRawBufferPointer
        /// Whether the block had at least one `data:` line (a dispatchable event, per the SSE standard).
        var hasData: Bool
    }

    private var pending: [UInt8] = []
    private var joinedData: [UInt8] = []

    /// Bytes received but not yet part of a whole event.
    var pendingByteCount: Int { pending.count }

    /// Feeds a chunk; `onEvent` runs once per whole event, in order. Returns false as soon as `onEvent` does.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ onEvent: (Event) -> Bool) -> Bool {
        if pending.isEmpty {
            let consumed = parseBlocks(in: chunk, atEnd: false, onEvent)
            guard let consumed else { return false }
            if consumed < chunk.count { pending.append(contentsOf: chunk[consumed...]) }
            return true
        }
        pending.append(contentsOf: chunk)
        var buffer = pending
        pending = []
        let result = buffer.withUnsafeBytes { bytes in parseBlocks(in: bytes, atEnd: false, onEvent) }
        guard let consumed = result else { return false }
        if consumed < buffer.count {
            buffer.removeFirst(consumed)
            pending = buffer
        }
        return true
    }

    /// Flushes what is left at the end of the stream: a last block without its blank line is still handed out
    /// (its `raw` is exactly the leftover bytes).
    mutating func finish(_ onEvent: (Event) -> Bool) {
        guard !pending.isEmpty else { return }
        let leftover = pending
        pending = []
        leftover.withUnsafeBytes { bytes in _ = parseBlocks(in: bytes, atEnd: true, onEvent) }
    }

    // MARK: - Parsing

    /// Parses whole blocks from the start of `bytes`; returns how many bytes they used, or nil when stopped.
    private mutating func parseBlocks(
        in bytes: UnsafeRawBufferPointer, atEnd: Bool, _ onEvent: (Event) -> Bool
    ) -> Int? {
        var blockStart = 0
        while blockStart < bytes.count {
            guard let blockEnd = Self.endOfBlock(in: bytes, from: blockStart, atEnd: atEnd) else { break }
            let (event, joinsData) = describeBlock(UnsafeRawBufferPointer(rebasing: bytes[blockStart..<blockEnd]))
            let proceed = joinsData
                ? joinedData.withUnsafeBytes { joined in onEvent(Event(type: event.type, data: joined, raw: event.raw, hasData: true)) }
                : onEvent(event)
            if !proceed { return nil }
            blockStart = blockEnd
        }
        return blockStart
    }

    /// Where the block starting at `start` ends (just past its blank line), or nil if it is not complete yet.
    /// At the end of the stream, an unterminated block ends where the bytes end.
    private static func endOfBlock(in bytes: UnsafeRawBufferPointer, from start: Int, atEnd: Bool) -> Int? {
        var lineStart = start
        while lineStart < bytes.count {
            guard let (terminatorStart, next) = endOfLine(in: bytes, from: lineStart, atEnd: atEnd) else {
                return atEnd ? bytes.count : nil
            }
            if terminatorStart == lineStart { return next }  // an empty line ends the block
            lineStart = next
        }
        return atEnd && lineStart > start ? bytes.count : nil
    }

    /// The next line terminator at or after `start`: (where it starts, where the next line starts).
    private static func endOfLine(in bytes: UnsafeRawBufferPointer, from start: Int, atEnd: Bool) -> (Int, Int)? {
        // 8 bytes at a time: a `data:` line is a few hundred bytes, and every event's lines are looked through twice.
        let index = ByteSearch.firstIndex(of: 0x0A, or: 0x0D, in: bytes, from: start)
        guard index < bytes.count else { return nil }
        if bytes[index] == 0x0A { return (index, index + 1) }
        if index + 1 < bytes.count { return (index, bytes[index + 1] == 0x0A ? index + 2 : index + 1) }
        // A CR at the very end may be the first half of CRLF: wait for more, unless the stream ended.
        return atEnd ? (index, index + 1) : nil
    }

    /// Reads the fields of one block. When it has several data lines they are joined into `joinedData`
    /// (second result true) and the returned event's `data` is only the first line.
    private mutating func describeBlock(_ block: UnsafeRawBufferPointer) -> (Event, Bool) {
        var type = UnsafeRawBufferPointer(start: nil, count: 0)
        var data = UnsafeRawBufferPointer(start: nil, count: 0)
        var dataLines = 0
        var lineStart = 0
        while lineStart < block.count {
            let (lineEnd, next) = Self.endOfLine(in: block, from: lineStart, atEnd: true) ?? (block.count, block.count)
            if lineEnd == lineStart { break }
            let line = UnsafeRawBufferPointer(rebasing: block[lineStart..<lineEnd])
            if line[0] != 0x3A {  // lines starting with ':' are comments
                let (name, value) = Self.splitField(line)
                if Self.equals(name, "data") {
                    dataLines += 1
                    if dataLines == 1 {
                        data = value
                    } else {
                        if dataLines == 2 { joinedData = Array(data) }
                        joinedData.append(0x0A)
                        joinedData.append(contentsOf: value)
                    }
                } else if Self.equals(name, "event") {
                    type = value
                }
            }
            lineStart = next
        }
        return (Event(type: type, data: data, raw: block, hasData: dataLines > 0), dataLines > 1)
    }

    /// "name: value" → (name, value without one leading space); a line without ':' is a name with empty value.
    private static func splitField(_ line: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        guard let colon = line.firstIndex(of: 0x3A) else {
            return (line, UnsafeRawBufferPointer(start: nil, count: 0))
        }
        var valueStart = colon + 1
        if valueStart < line.count && line[valueStart] == 0x20 { valueStart += 1 }
        return (UnsafeRawBufferPointer(rebasing: line[..<colon]), UnsafeRawBufferPointer(rebasing: line[valueStart...]))
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ name: String) -> Bool {
        bytes.count == name.utf8.count && bytes.elementsEqual(name.utf8)
    }
}
