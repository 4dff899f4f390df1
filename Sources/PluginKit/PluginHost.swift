import PluginABI

/// The host's services seen from Swift: a thin, allocation-free wrapper over the `lessllm_host` table.
///
/// All methods are thread-safe in the sense of the ABI: stream methods may be called only from inside a callback
/// for that same stream.
public struct PluginHost: @unchecked Sendable {
    /// The host's table; valid for the life of the process.
    public let table: UnsafePointer<lessllm_host>
    /// The host's handle for the instance this plugin runs as (for `log`).
    public let instance: OpaquePointer?

    /// Wraps the table given to `create`.
    public init(table: UnsafePointer<lessllm_host>, instance: OpaquePointer?) {
        self.table = table
        self.instance = instance
    }

    /// Writes a line to the gateway's log. Never pass secrets.
    public func log(_ level: Int32, _ message: String) {
        withBorrowedBytes(message) { table.pointee.log(instance, level, $0) }
    }

    /// Sets the client response's status and headers; see `lessllm_host.respond`.
    @discardableResult
    public func respond(_ stream: OpaquePointer?, status: Int32, headers: [(String, String)]) -> lessllm_status {
        withHeaders(headers) { table.pointee.respond(stream, status, $0.baseAddress, $0.count) }
    }

    /// Sends one event downstream; `raw` (when not empty) is written unchanged.
    @discardableResult
    public func emit(_ stream: OpaquePointer?, type: String = "", data: String) -> lessllm_status {
        withBorrowedBytes(data) { emit(stream, type: type, borrowedData: $0) }
    }

    /// Sends one event downstream whose data is UTF-8 bytes already (serialised JSON: no `String` made of it).
    @discardableResult
    public func emit(_ stream: OpaquePointer?, type: String = "", bytes: [UInt8]) -> lessllm_status {
        withBorrowedBytes(bytes) { emit(stream, type: type, borrowedData: $0) }
    }

    private func emit(_ stream: OpaquePointer?, type: String, borrowedData data: lessllm_bytes) -> lessllm_status {
        withBorrowedBytes(type) { typeBytes in
            var event = lessllm_event.make(type: typeBytes, data: data, raw: .empty)
            return table.pointee.emit(stream, &event)
        }
    }

    /// Passes an event received from the host on unchanged (passthrough).
    @discardableResult
    public func emit(_ stream: OpaquePointer?, event: UnsafePointer<lessllm_event>) -> lessllm_status {
        table.pointee.emit(stream, event)
    }

    /// Ends the stream with an error rendered in the client's dialect.
    @discardableResult
    public func fail(_ stream: OpaquePointer?, _ error: PluginError) -> lessllm_status {
        withBorrowedBytes(error.message) { table.pointee.fail(stream, error.status, $0) }
    }

    /// Starts the stream's upstream HTTP request.
    public func httpStart(
        _ stream: OpaquePointer?, method: String, url: String, headers: [(String, String)], body: [UInt8]
    ) -> lessllm_status {
        withBorrowedBytes(method) { methodBytes in
            withBorrowedBytes(url) { urlBytes in
                withBorrowedBytes(body) { bodyBytes in
                    withHeaders(headers) { headerBuffer in
                        var request = lessllm_http_request(
                            size: UInt32(MemoryLayout<lessllm_http_request>.size),
                            abi_major: UInt16(LESSLLM_ABI_MAJOR), abi_minor: UInt16(LESSLLM_ABI_MINOR),
                            method: methodBytes, url: urlBytes,
                            headers: headerBuffer.baseAddress, header_count: headerBuffer.count,
                            body: bodyBytes)
                        return table.pointee.http_start(stream, &request)
                    }
                }
            }
        }
    }

    /// The host's monotonic clock in nanoseconds.
    public func nowNanoseconds() -> UInt64 { table.pointee.now_ns() }
}

extension lessllm_event {
    /// An event with the current ABI head.
    public static func make(type: lessllm_bytes, data: lessllm_bytes, raw: lessllm_bytes) -> lessllm_event {
        lessllm_event(
            size: UInt32(MemoryLayout<lessllm_event>.size),
            abi_major: UInt16(LESSLLM_ABI_MAJOR), abi_minor: UInt16(LESSLLM_ABI_MINOR),
            type: type, data: data, raw: raw)
    }
}

/// Lends `headers` as a contiguous `lessllm_header` array, valid only inside `body`.
func withHeaders<R>(_ headers: [(String, String)], _ body: (UnsafeBufferPointer<lessllm_header>) -> R) -> R {
    // Every name and value is copied once into one temporary block (on the stack when small) that lives for the
    // whole call, and the `lessllm_header` array points into it: no heap allocation for a request's headers.
    let byteCount = headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(byteCount, 1)) { storage in
        withUnsafeTemporaryAllocation(of: lessllm_header.self, capacity: max(headers.count, 1)) { list in
            var written = 0
            func copy(_ text: String) -> lessllm_bytes {
                let start = written
                var text = text
                text.withUTF8 { utf8 in
                    guard let source = utf8.baseAddress, !utf8.isEmpty else { return }
                    (storage.baseAddress! + start).initialize(from: source, count: utf8.count)
                    written += utf8.count
                }
                return lessllm_bytes(ptr: UnsafePointer(storage.baseAddress! + start), len: written - start)
            }
            for (index, (name, value)) in headers.enumerated() {
                let header = lessllm_header(name: copy(name), value: copy(value))
                (list.baseAddress! + index).initialize(to: header)
            }
            defer { list.baseAddress!.deinitialize(count: headers.count) }
            return body(UnsafeBufferPointer(start: list.baseAddress, count: headers.count))
        }
    }
}
