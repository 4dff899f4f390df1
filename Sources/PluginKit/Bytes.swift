import JSONCore
import PluginABI

// Conversions between Swift values and the ABI's borrowed `{ptr, len}` bytes.

extension lessllm_bytes {
    /// Empty bytes (`{NULL, 0}`).
    public static var empty: lessllm_bytes { lessllm_bytes(ptr: nil, len: 0) }

    /// A view of the borrowed bytes, valid only while the call that received them runs.
    public var buffer: UnsafeRawBufferPointer {
        guard let ptr, len > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: ptr, count: len)
    }

    /// A copy of the bytes as a Swift array.
    public var array: [UInt8] { Array(buffer) }

    /// A copy of the bytes decoded as UTF-8 (invalid sequences repaired).
    public var string: String { String(decoding: buffer, as: UTF8.self) }
}

/// Calls `body` with `text` lent as `lessllm_bytes`; the bytes are valid only inside `body`.
public func withBorrowedBytes<R>(_ text: String, _ body: (lessllm_bytes) throws -> R) rethrows -> R {
    var text = text
    return try text.withUTF8 { utf8 in
        try body(lessllm_bytes(ptr: utf8.baseAddress, len: utf8.count))
    }
}

/// Calls `body` with `bytes` lent as `lessllm_bytes`; the bytes are valid only inside `body`.
public func withBorrowedBytes<R>(_ bytes: [UInt8], _ body: (lessllm_bytes) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { buffer in
        try body(lessllm_bytes(ptr: buffer.baseAddress, len: buffer.count))
    }
}

extension lessllm_header {
    /// Whether this is `Content-Type: text/event-stream…` (any case), read on the borrowed bytes without copies.
    public var declaresEventStream: Bool {
        name.len == "content-type".utf8.count
            && ByteSearch.hasPrefix(name.buffer, ignoringCase: "content-type")
            && ByteSearch.hasPrefix(value.buffer, ignoringCase: "text/event-stream")
    }
}
