extension JSONReader {
    /// Enters the object or array whose opening bracket is at `position`.
    ///
    /// - Parameter depth: how many containers already enclose this one.
    /// - Returns: `.empty` when the closing bracket follows (and has been read too); `.items` when the reader
    ///   now stands on the first member's key or the first element.
    /// - Throws: ``JSONError`` when this container would be nested deeper than ``maximumDepth``.
    mutating func enterContainer(depth: Int) throws(JSONError) -> ContainerContents {
        guard depth < Self.maximumDepth else { throw JSONError.nestingTooDeep(at: position, in: bytes) }
        let closing = bytes[position] == ASCII.openBrace ? ASCII.closeBrace : ASCII.closeBracket
        position += 1
        skipWhitespace()
        if currentByte == closing {
            position += 1
            return .empty
        }
        return .items
    }

    /// Reads a member's key, the colon and the whitespace after it, leaving the reader on the member's value.
    mutating func readMemberKey() throws(JSONError) -> ScannedString {
        guard currentByte == ASCII.quote else { throw unexpected(.key) }
        let key = try readString()
        skipWhitespace()
        guard currentByte == ASCII.colon else { throw unexpected(.colon) }
        position += 1
        skipWhitespace()
        return key
    }

    /// After a member or element: reads the comma (true: another one follows, the reader stands on it)
    /// or the closing bracket (false: the container is done).
    mutating func moveToNextItem(inObject: Bool) throws(JSONError) -> Bool {
        skipWhitespace()
        let byte = currentByte
        if byte == ASCII.comma {
            position += 1
            skipWhitespace()
            return true
        }
        if byte == (inObject ? ASCII.closeBrace : ASCII.closeBracket) {
            position += 1
            return false
        }
        throw unexpected(inObject ? .commaOrBrace : .commaOrBracket)
    }

    /// Reads and checks one complete value starting at `position` (whitespace before it already skipped).
    ///
    /// Iterative rather than recursive, with one bit per open container, so it never allocates and never
    /// grows the call stack however deep the input nests.
    ///
    /// - Parameter depth: how many containers already enclose the value, so the limit counts from the root.
    mutating func skipValue(depth: Int) throws(JSONError) {
        var kinds = ContainerKinds()
        var level = 0  // containers opened by this call and not yet closed
        while true {
            switch currentByte {
            case ASCII.openBrace:
                if try enterContainer(depth: depth + level) == .empty { break }
                kinds.set(level, isObject: true)
                level += 1
                _ = try readMemberKey()
                continue
            case ASCII.openBracket:
                if try enterContainer(depth: depth + level) == .empty { break }
                kinds.set(level, isObject: false)
                level += 1
                continue
            case ASCII.quote:
                _ = try readString()
            case ASCII.minus, ASCII.zero...ASCII.nine:
                try readNumber()
            case UInt8(ascii: "t"):
                try readLiteral("true")
            case UInt8(ascii: "f"):
                try readLiteral("false")
            case UInt8(ascii: "n"):
                try readLiteral("null")
            default:
                throw unexpected(.value)
            }
            // A value is complete: close finished containers until one has another item to read.
            while level > 0 {
                let inObject = kinds.isObject(level - 1)
                if try moveToNextItem(inObject: inObject) {
                    if inObject { _ = try readMemberKey() }
                    break
                }
                level -= 1
            }
            if level == 0 { return }
        }
    }
}

/// What ``JSONReader/enterContainer(depth:)`` found just inside the opening bracket.
enum ContainerContents {
    /// `{}` or `[]`: nothing to read, the container is already closed.
    case empty
    /// At least one member or element follows.
    case items
}

/// One bit per nesting level (1 = object, 0 = array) for ``JSONReader/maximumDepth`` levels, kept inline.
struct ContainerKinds {
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// Records whether the container at `level` is an object.
    @inline(__always)
    mutating func set(_ level: Int, isObject: Bool) {
        withUnsafeMutableBytes(of: &words) { raw in
            let index = level >> 6
            let mask: UInt64 = 1 << UInt64(level & 63)
            var word = raw.load(fromByteOffset: index * 8, as: UInt64.self)
            word = isObject ? word | mask : word & ~mask
            raw.storeBytes(of: word, toByteOffset: index * 8, as: UInt64.self)
        }
    }

    /// Whether the container at `level` is an object.
    @inline(__always)
    func isObject(_ level: Int) -> Bool {
        withUnsafeBytes(of: words) { raw in
            raw.load(fromByteOffset: (level >> 6) * 8, as: UInt64.self) & (1 << UInt64(level & 63)) != 0
        }
    }
}
