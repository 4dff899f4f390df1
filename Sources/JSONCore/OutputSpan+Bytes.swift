extension OutputSpan where Element == UInt8 {
    /// Appends `bytes` with one copy. `append(_:)` element by element costs ~9 instructions a byte (a capacity check
    /// and a store each); a record's keys and an HTTP head's names and values are a few hundred bytes per request.
    /// - Precondition: the span has room for `bytes` (the caller reserved it, as
    ///   `Array.append(addingCapacity:initializingWith:)` does).
    @inlinable
    public mutating func append(copying bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        withUnsafeMutableBufferPointer { buffer, initialized in
            precondition(buffer.count - initialized >= bytes.count, "no room in the output span")
            UnsafeMutableRawBufferPointer(buffer).baseAddress!.advanced(by: initialized)
                .copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            initialized += bytes.count
        }
    }

    /// Appends `bytes` with one copy (see `append(copying:)` for raw bytes).
    @inlinable
    public mutating func append(copying bytes: UnsafeBufferPointer<UInt8>) {
        append(copying: UnsafeRawBufferPointer(bytes))
    }
}

extension OutputSpan where Element == UInt8 {
    /// How many decimal digits `value` has (1 for 0): what `append(decimal:digits:)` needs room for.
    public static func decimalDigitCount(of value: UInt) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    /// Appends `value`'s `digits` lowest decimal digits, most significant first (leading zeros when it has fewer):
    /// numbers written straight into a record or an HTTP head, where formatting each through `String` cost
    /// hundreds of instructions.
    public mutating func append(decimal value: UInt, digits: Int) {
        var scale: UInt = 1
        for _ in 1..<max(digits, 1) { scale *= 10 }
        var rest = value
        while scale > 0 {
            append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / scale % 10))
            rest %= scale
            scale /= 10
        }
    }
}
