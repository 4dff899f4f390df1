import JSONCore

/// Splits a byte stream into whole Server-Sent Events, whatever the chunk boundaries.
///
/// Each event is handed out as borrowed views: `raw` is the exact bytes of the block including its terminating
/// blank line (so passthrough can forward it unchanged), `type` the `event:` field, `data` the `data:` lines
/// joined with "\n". Comment-only blocks are handed out too (empty type and data). Lines may end in LF, CRLF or CR;
/// a byte order mark at the start of the stream is left out, as the standard says.
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
    /// Where in `pending` the line not yet ended starts: the next bytes are searched for line ends from there, so
    /// an event arriving in many reads is scanned once, not once per read.
    private var pendingLineStart = 0
    /// Nothing has been read yet: a byte order mark may come first (the standard strips one).
    private var atStreamStart = true

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Bytes received but not yet part of a whole event.
    var pendingByteCount: Int { pending.count }

    /// Feeds a chunk; `onEvent` runs once per whole event, in order. Returns false as soon as `onEvent` does.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ onEvent: (Event) -> Bool) -> Bool {
        if atStreamStart { return feedFirst(chunk, onEvent) }
        if pending.isEmpty {
            let consumed = parseBlocks(in: chunk, resumingLineAt: 0, atEnd: false, onEvent)
            guard let consumed else { return false }
            if consumed < chunk.count {
                pending.append(contentsOf: chunk[consumed...])
                pendingLineStart -= consumed
            }
            return true
        }
        pending.append(contentsOf: chunk)
        var buffer = pending
        pending = []
        let result = buffer.withUnsafeBytes { bytes in
            parseBlocks(in: bytes, resumingLineAt: pendingLineStart, atEnd: false, onEvent)
        }
        guard let consumed = result else { return false }
        if consumed < buffer.count {
            buffer.removeFirst(consumed)
            pending = buffer
            pendingLineStart -= consumed
        }
        return true
    }

    /// The stream's first bytes, without the byte order mark they may start with.
    private mutating func feedFirst(_ chunk: UnsafeRawBufferPointer, _ onEvent: (Event) -> Bool) -> Bool {
        let mark = Self.byteOrderMark
        if pending.isEmpty && chunk.count >= mark.count {
            atStreamStart = false
            let start = chunk.starts(with: mark) ? mark.count : 0
            return feed(UnsafeRawBufferPointer(rebasing: chunk[start...]), onEvent)
        }
        // Fewer than three bytes so far: held until they can be told from a mark.
        pending.append(contentsOf: chunk)
        if pending.count < mark.count && mark.starts(with: pending) { return true }
        atStreamStart = false
        var first = pending
        pending = []
        if first.starts(with: mark) { first.removeFirst(mark.count) }
        return first.withUnsafeBytes { feed($0, onEvent) }
    }

    /// Flushes what is left at the end of the stream.
    ///
    /// A last block whose lines all ended, but without the blank line after them, is handed out with that blank
    /// line added to its `raw`: servers that end with `data: [DONE]\n` are not cut short, and what is relayed stays
    /// well-formed (an event written after it is an event of its own, not glued to its last line). A block cut off
    /// inside a line is no event — the SSE standard and the SDKs' parsers dispatch nothing that a blank line did not
    /// end — and is dropped: the stream then ends without its last event, as a cut-off stream.
    mutating func finish(_ onEvent: (Event) -> Bool) {
        var leftover = pending
        pending = []
        defer { pendingLineStart = 0 }
        guard !leftover.isEmpty else { return }
        // At the end a CR is a whole line end, not half of a CRLF: the blocks it ends are whole.
        let consumed = leftover.withUnsafeBytes { parseBlocks(in: $0, resumingLineAt: 0, atEnd: true, onEvent) }
        guard let consumed, consumed < leftover.count else { return }
        leftover.removeFirst(consumed)
        guard let last = leftover.last, last == 0x0A || last == 0x0D else { return }
        // The same line end once more is an empty line after the last one ("\r\n" + "\n" too), ending the block.
        leftover.append(last)
        leftover.withUnsafeBytes { bytes in _ = parseBlocks(in: bytes, resumingLineAt: 0, atEnd: true, onEvent) }
    }

    // MARK: - Parsing

    /// Parses whole blocks from the start of `bytes`; returns how many bytes they used, or nil when stopped. The
    /// first block's lines before `resumingLineAt` are known to have ended (and none of them is empty). When the
    /// bytes end inside a block, `pendingLineStart` is left at the start of its line not yet ended.
    private mutating func parseBlocks(
        in bytes: UnsafeRawBufferPointer, resumingLineAt resumeAt: Int, atEnd: Bool, _ onEvent: (Event) -> Bool
    ) -> Int? {
        var blockStart = 0
        var lineStart = resumeAt
        while blockStart < bytes.count {
            guard let blockEnd = Self.endOfBlock(in: bytes, lineStart: &lineStart, atEnd: atEnd) else { break }
            let (event, joinsData) = describeBlock(UnsafeRawBufferPointer(rebasing: bytes[blockStart..<blockEnd]))
            let proceed = joinsData
                ? joinedData.withUnsafeBytes { joined in onEvent(Event(type: event.type, data: joined, raw: event.raw, hasData: true)) }
                : onEvent(event)
            if !proceed { return nil }
            blockStart = blockEnd
            lineStart = blockEnd
        }
        pendingLineStart = lineStart
        return blockStart
    }

    /// Where the block whose lines from `lineStart` on are still to be read ends (just past its blank line), or nil
    /// if it is not complete yet — then `lineStart` is the start of the line not yet ended.
    private static func endOfBlock(in bytes: UnsafeRawBufferPointer, lineStart: inout Int, atEnd: Bool) -> Int? {
        while lineStart < bytes.count {
            guard let (terminatorStart, next) = endOfLine(in: bytes, from: lineStart, atEnd: atEnd) else { return nil }
            if terminatorStart == lineStart { return next }  // an empty line ends the block
            lineStart = next
        }
        return nil
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
