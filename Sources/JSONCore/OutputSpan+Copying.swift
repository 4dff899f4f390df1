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
